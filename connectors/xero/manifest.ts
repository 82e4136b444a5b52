import { z } from 'zod';
import type { ConnectorManifest } from '../sdk/manifest.ts';

export const XeroConfig = z.object({
  tenantId: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'the organisation’s tenant id from Xero’s /connections')
    .meta({ title: 'Xero organisation', description: 'The tenant id Xero returned for the organisation when it was connected.' }),
  clientId: z.string().min(1).meta({ title: 'App client id', description: 'Needed to refresh Xero’s 30-minute access tokens.' }),
  salesAccountCode: z
    .string()
    .min(1)
    .default('200')
    .meta({ title: 'Sales account code', description: 'The revenue account invoice lines are posted to when a line names none.' }),
  invoiceStatus: z
    .enum(['DRAFT', 'AUTHORISED'])
    .default('AUTHORISED')
    .meta({ title: 'Invoice status', description: 'DRAFT leaves each invoice for review in Xero; AUTHORISED approves it.' }),
});
export type XeroConfig = z.infer<typeof XeroConfig>;

export const manifest: ConnectorManifest<typeof XeroConfig> = {
  id: 'xero',
  name: 'Xero',
  logo: '/connectors/xero.svg',
  authKind: 'oauth2',
  configSchema: XeroConfig,
  capabilities: ['customers.read', 'customers.write', 'invoices.write'],
  // A sales invoice names an existing contact (xero_accounting.yaml Invoice.Contact).
  customerRequiredFor: ['invoices.write'],
  // Per organisation: 60 calls a minute, 5,000 a day, 5 in progress at once
  // (developer.xero.com/documentation/guides/oauth2/limits).
  rateLimit: {
    kind: 'fixed-window',
    capacity: 60,
    windowMs: 60_000,
    dailyCap: 5_000,
    maxConcurrent: 5,
    unit: 'call',
    source: 'https://developer.xero.com/documentation/guides/oauth2/limits',
  },
  docsUrl: 'https://developer.xero.com/documentation/api/accounting/overview',
};
