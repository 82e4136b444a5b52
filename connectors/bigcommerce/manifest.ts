import { z } from 'zod';
import type { ConnectorManifest } from '../sdk/manifest.ts';

export const BigCommerceConfig = z.object({
  storeHash: z
    .string()
    .regex(/^[a-z0-9]+$/, 'the store hash from the API path, e.g. abc123 in /stores/abc123/v3')
    .meta({ title: 'Store hash', examples: ['abc123'] }),
  locationId: z
    .number()
    .int()
    .positive()
    .default(1)
    .meta({ title: 'Inventory location id', description: 'Where Tandem reads and writes stock. BigCommerce’s default location is 1.' }),
});
export type BigCommerceConfig = z.infer<typeof BigCommerceConfig>;

export const manifest: ConnectorManifest<typeof BigCommerceConfig> = {
  id: 'bigcommerce',
  name: 'BigCommerce',
  logo: '/connectors/bigcommerce.svg',
  // A store-level API account token sent as X-Auth-Token (stored as accessToken).
  authKind: 'api_key',
  configSchema: BigCommerceConfig,
  // No products.write (Tandem reads a BigCommerce catalog, it does not publish into one) and no
  // customers.write yet: BigCommerce creates the buyer with the order (v2 billing email).
  capabilities: [
    'products.read',
    'inventory.read',
    'inventory.write',
    'orders.read',
    'orders.write',
    'fulfillments.read',
    'fulfillments.write',
    'customers.read',
    'webhooks',
  ],
  // A per-store quota of requests per 30 s window (Standard/Plus 150; Pro and Enterprise more),
  // reported on every answer as X-Rate-Limit-Requests-Left / X-Rate-Limit-Time-Reset-Ms.
  rateLimit: {
    kind: 'fixed-window',
    capacity: 150,
    windowMs: 30_000,
    unit: 'call',
    source: 'https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits',
  },
  docsUrl: 'https://developer.bigcommerce.com/docs/rest-management',
};
