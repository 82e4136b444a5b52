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
  // Inline, so the marketplace needs no asset from outside this folder.
  logo: `data:image/svg+xml;base64,${Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#95BF47"/><path d="M11 12h10l-1 12H12z" fill="#fff"/><path d="M13 12c0-3 1.5-5 3-5s3 2 3 5" stroke="#fff" stroke-width="2" fill="none"/></svg>',
  ).toString('base64')}`,
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
