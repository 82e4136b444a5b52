// Outside the admin (someone opens the app URL directly): ask for the shop, then hand over to
// Shopify's managed install (login() throws the redirect).
import { useState } from 'react';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { AppProvider, Button, Card, FormLayout, Page, Text, TextField } from '@shopify/polaris';
import polarisStyles from '@shopify/polaris/build/esm/styles.css?url';
import en from '@shopify/polaris/locales/en.json';
import { LoginErrorType, type LoginError } from '@shopify/shopify-app-remix/server';
import { login } from '../shopify.server.ts';

export const links = () => [{ rel: 'stylesheet', href: polarisStyles }];

function shopError(errors: LoginError): string | undefined {
  if (errors.shop === LoginErrorType.MissingShop) return 'Enter your shop domain to log in.';
  if (errors.shop === LoginErrorType.InvalidShop) return 'Enter a shop domain like example.myshopify.com.';
  return undefined;
}

export const loader = async ({ request }: LoaderFunctionArgs) => ({ error: shopError(await login(request)) });

export const action = async ({ request }: ActionFunctionArgs) => ({ error: shopError(await login(request)) });

export default function Login() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const [shop, setShop] = useState('');
  return (
    <AppProvider i18n={en}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">
                Log in to Tandem
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={(acted ?? loaded).error}
              />
              <Button submit>Log in</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}
