import { z } from 'zod';
import type { ConnectorManifest } from '../sdk/manifest.ts';

export const WooConfig = z.object({
  siteUrl: z
    .url()
    .meta({ title: 'Store address', description: 'Where WordPress is installed; the REST API is at /wp-json/wc/v3 under it.', examples: ['https://shop.example.com'] }),
  orderLookbackDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .default(14)
    .meta({
      title: 'Order look-back (days)',
      description: 'How far back Tandem searches for an order it forwarded before, so a retry never creates a second one.',
    }),
});
export type WooConfig = z.infer<typeof WooConfig>;

export const manifest: ConnectorManifest<typeof WooConfig> = {
  id: 'woocommerce',
  name: 'WooCommerce',
  logo: '/connectors/woocommerce.svg',
  // Consumer key and secret over HTTPS Basic auth (wp-api-v3_authentication.md): stored as apiKey / apiSecret.
  authKind: 'basic',
  configSchema: WooConfig,
  // No `products.write`: Tandem pulls a WooCommerce catalog, it does not publish into one.
  // fulfillments.*: core WooCommerce has no shipment tracking (the paid Shipment Tracking extension
  // adds it). Tandem records each shipment in the order's `tandem_fulfillments` meta, tells the buyer
  // with a customer note (`customer_note: true`) carrying carrier, number and link, and completes
  // the order once every line is shipped.
  capabilities: [
    'products.read',
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
  // WooCommerce core sets no rate limit (hosts may add one and answer 429 with Retry-After, which
  // the HTTP layer honours). A modest pace keeps a shared WordPress host responsive for shoppers.
  rateLimit: {
    kind: 'token-bucket',
    capacity: 20,
    refillPerSecond: 5,
    maxConcurrent: 4,
    unit: 'call',
    source: 'https://woocommerce.github.io/woocommerce-rest-api-docs/#introduction',
  },
  docsUrl: 'https://woocommerce.github.io/woocommerce-rest-api-docs/',
};
