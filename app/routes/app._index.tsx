// Home: the shop's name and the fact that Tandem is installed (the dashboard comes later).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { BlockStack, Card, Layout, Page, Text } from '@shopify/polaris';
import { database } from '../db.server.ts';
import { authenticate } from '../shopify.server.ts';
import { findShop } from '../sync/shop-lifecycle.server.ts';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = await findShop(await database(), session.shop);
  return { shopName: shop?.name ?? session.shop, domain: session.shop };
};

export default function Home() {
  const { shopName, domain } = useLoaderData<typeof loader>();
  return (
    <Page title="Tandem">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {shopName}
              </Text>
              <Text as="p">Tandem is installed.</Text>
              <Text as="p" tone="subdued">
                {domain}
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
