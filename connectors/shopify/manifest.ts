import { z } from 'zod';
import type { ConnectorManifest } from '../sdk/manifest.ts';

export const ShopifyConfig = z.object({
  shop: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'the store’s myshopify.com domain, e.g. acme.myshopify.com')
    .meta({ title: 'Store domain', examples: ['acme.myshopify.com'] }),
  locationId: z
    .string()
    .startsWith('gid://shopify/Location/')
    .optional()
    .meta({ title: 'Stock location', description: 'Where Tandem reads and writes stock. Defaults to the primary location.' }),
  clientId: z.string().optional().meta({ title: 'App client id', description: 'Needed to refresh expiring offline tokens.' }),
});
export type ShopifyConfig = z.infer<typeof ShopifyConfig>;

export const manifest: ConnectorManifest<typeof ShopifyConfig> = {
  id: 'shopify',
  name: 'Shopify',
  logo: '/connectors/shopify.svg',
  authKind: 'oauth2',
  configSchema: ShopifyConfig,
  capabilities: [
    'products.read',
    'products.write',
    'inventory.read',
    'inventory.write',
    'orders.read',
    'orders.write',
    'fulfillments.read',
    'fulfillments.write',
    'customers.read',
    'customers.write',
    'webhooks',
  ],
  // Leaky bucket of cost points: responses report maximumAvailable 2,000 and restoreRate 100/s on
  // Standard plans; Advanced 200, Plus 1,000 (contracts README, "cost and throttling").
  rateLimit: {
    kind: 'token-bucket',
    capacity: 2_000,
    refillPerSecond: 100,
    unit: 'cost',
    source: 'https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits',
  },
  docsUrl: 'https://shopify.dev/docs/api/admin-graphql/2026-10',
};
