// Connectors: every installed connector as a card with what it can do and the shop's
// connections to it; "Connect" opens its form.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link as RemixLink, useLoaderData } from '@remix-run/react';
import { Badge, BlockStack, Card, InlineGrid, InlineStack, Page, Text } from '@shopify/polaris';
import { database } from '../db.server.ts';
import { authenticate } from '../shopify.server.ts';
import { listConnectorCards } from '../sync/connections-admin.server.ts';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { cards: await listConnectorCards(await database(), session.shop) };
};

export default function Connectors() {
  const { cards } = useLoaderData<typeof loader>();
  return (
    <Page title="Connectors">
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
        {cards.map((c) => (
          <Card key={c.id}>
            <div data-connector={c.id}>
              <BlockStack gap="300">
                <InlineStack gap="300" blockAlign="center">
                  <img src={c.logo} alt="" width={32} height={32} />
                  <Text as="h2" variant="headingMd">
                    {c.name}
                  </Text>
                  {c.connections.some((x) => x.status === 'ACTIVE') ? <Badge tone="success">connected</Badge> : null}
                </InlineStack>
                <InlineStack gap="100" wrap>
                  {c.capabilities.map((cap) => (
                    <Badge key={cap}>{cap}</Badge>
                  ))}
                </InlineStack>
                {c.connections.map((x) => (
                  <Text as="p" tone="subdued" key={x.id}>
                    {x.displayName ?? x.account} · {x.status.toLowerCase().replace('_', ' ')}
                  </Text>
                ))}
                <RemixLink to={`/app/connectors/${c.id}`}>{c.connections.length ? 'Manage' : 'Connect'}</RemixLink>
              </BlockStack>
            </div>
          </Card>
        ))}
      </InlineGrid>
    </Page>
  );
}
