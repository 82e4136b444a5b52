import { z } from 'zod';
import type { ConnectorManifest } from '../sdk/manifest.ts';

export const LightspeedConfig = z.object({
  domainPrefix: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'the store’s domain prefix, e.g. "acme" for acme.retail.lightspeed.app')
    .meta({ title: 'Store domain prefix', examples: ['acme'] }),
  clientId: z.string().min(1).meta({ title: 'App client id', description: 'Needed to refresh Lightspeed’s access tokens.' }),
  outletId: z.string().optional().meta({ title: 'Stock outlet', description: 'Where Tandem reads and writes stock. Defaults to the first outlet.' }),
  registerId: z.string().optional().meta({ title: 'Register for forwarded orders', description: 'Defaults to the first register of the stock outlet.' }),
  currency: z.string().length(3).default('USD').meta({ title: 'Store currency', description: 'X-Series sales carry no currency; this is the store’s.' }),
  adjustmentReasonId: z
    .string()
    .optional()
    .meta({ title: 'Stock adjustment reason', description: 'A custom adjustment reason id (e.g. "Tandem sync"); without it Tandem uses STOCK_FOUND and INTERNAL_USE.' }),
});
export type LightspeedConfig = z.infer<typeof LightspeedConfig>;

export const manifest: ConnectorManifest<typeof LightspeedConfig> = {
  id: 'lightspeed-x',
  name: 'Lightspeed Retail (X-Series)',
  logo: '/connectors/lightspeed.svg',
  authKind: 'oauth2',
  configSchema: LightspeedConfig,
  capabilities: [
    'products.read',
    'inventory.read',
    'inventory.write',
    'orders.read',
    'orders.write',
    'fulfillments.read',
    'customers.read',
    'customers.write',
    'webhooks',
  ],
  // A forwarded sale stays open for the store to complete on the retailer's account, which needs
  // the retailer as a customer (the connector has always attached one).
  customerRequiredFor: ['orders.write'],
  // 300 × registers + 50 requests per 5 minutes per store; the manifest declares the one-register
  // floor (350) and the X-RateLimit-* headers align the budget with the store's real limit
  // (x-series-api.lightspeedhq.com/docs/rate_limiting).
  rateLimit: {
    kind: 'fixed-window',
    capacity: 350,
    windowMs: 300_000,
    unit: 'call',
    source: 'https://x-series-api.lightspeedhq.com/docs/rate_limiting',
  },
  docsUrl: 'https://x-series-api.lightspeedhq.com/reference',
};
