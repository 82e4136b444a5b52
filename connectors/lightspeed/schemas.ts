// X-Series 2026-07 payloads at the edge (shared/contracts/lightspeed-x-series/*.yml). Lists are
// `{ data, version: { min, max } }`, paged by `after=<version>`; inventory reads are bare arrays.
import { z } from 'zod';

const text = z.string().nullish();

export const LightspeedProduct = z.object({
  id: z.string(),
  name: z.string(),
  sku: text,
  variant_parent_id: text,
  family_id: text,
  variant_name: text,
  variant_options: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
  price_excluding_tax: z.number(),
  version: z.number(),
  updated_at: z.string(),
  deleted_at: text,
});
export type LightspeedProduct = z.infer<typeof LightspeedProduct>;

const VersionRange = z.object({ min: z.number().nullable(), max: z.number().nullable() }).nullish();
export const LightspeedProductPage = z.object({ data: z.array(LightspeedProduct), version: VersionRange });
export const LightspeedProductOne = z.object({ data: LightspeedProduct });

export const LightspeedInventory = z.object({
  product_id: z.string(),
  outlet_id: z.string(),
  current_inventory_level: z.number(),
  version: z.number(),
});
export const LightspeedInventoryList = z.array(LightspeedInventory);

export const LightspeedAdjustmentsAnswer = z.object({ data: z.array(z.object({ id: z.string() })) });

export const LightspeedOutlets = z.object({ data: z.array(z.object({ id: z.string(), name: z.string() })) });
export const LightspeedRegisters = z.object({ data: z.array(z.object({ id: z.string(), outlet_id: z.string() })) });

export const LightspeedSale = z.object({
  id: z.string(),
  version: z.number(),
  invoice_number: z.string(),
  note: text,
  state: z.string(),
  customer_id: text,
  created_at: z.string(),
  updated_at: z.string(),
  totals: z.object({ total_price: z.number(), total_tax: z.number() }).nullish(),
  line_items: z.array(
    z.object({
      id: z.string(),
      product: z.object({ id: z.string() }),
      quantity: z.number(),
      pricing: z.object({ price: z.number() }).nullish(),
    }),
  ),
});
export type LightspeedSale = z.infer<typeof LightspeedSale>;
export const LightspeedSalePage = z.object({ data: z.array(LightspeedSale), version: VersionRange });
export const LightspeedSaleOne = z.object({ data: LightspeedSale });
export const LightspeedSaleSearch = z.object({ data: z.array(LightspeedSale) });

/** GET /api/2026-07/fulfillments (lightspeed-fulfillments-api-openapi.yml, FulfillmentSummaryItem). */
export const LightspeedFulfillment = z.object({
  id: z.string(),
  sale_id: z.string(),
  state: z.enum(['OPEN', 'STARTED', 'PICKED', 'PACKED', 'FULFILLED']),
  note: text,
  created_at: z.string(),
  updated_at: z.string(),
  line_items: z.array(z.object({ sale_line_item_id: z.string(), product_id: z.string(), quantity: z.string(), fulfilled_quantity: z.string() })),
});
export type LightspeedFulfillment = z.infer<typeof LightspeedFulfillment>;
export const LightspeedFulfillmentPage = z.object({ data: z.array(LightspeedFulfillment) });

export const LightspeedCustomer = z.object({
  id: z.string(),
  customer_code: text,
  first_name: text,
  last_name: text,
  email: text,
  phone: text,
  company_name: text,
});
export type LightspeedCustomer = z.infer<typeof LightspeedCustomer>;
export const LightspeedCustomerOne = z.object({ data: LightspeedCustomer });
export const LightspeedCustomerSearch = z.object({ data: z.array(LightspeedCustomer) });

/** The `payload` form field of a webhook delivery: the object that changed (only what Tandem reads). */
export const LightspeedWebhookObject = z.object({
  id: z.string(),
  version: z.number().nullish(),
  variant_parent_id: text,
  family_id: text,
  product_id: text,
  outlet_id: text,
  current_inventory_level: z.number().nullish(),
});

/** POST /api/1.0/token answer (authorization code and refresh grants). */
export const LightspeedTokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().nullish(),
  expires: z.number().nullish(),
});

/** Error answers: `{ error, details? }` (422 details map a field to its messages). */
export const LightspeedErrorBody = z.object({
  error: z.string(),
  error_description: z.string().nullish(),
  details: z.record(z.string(), z.array(z.string())).nullish(),
});
