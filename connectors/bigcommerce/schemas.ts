// BigCommerce payloads, parsed at the edge: v3 catalog/inventory/customers wrap lists in
// `{ data, meta.pagination }` (products_catalog.v3.yml, inventory.v3.yml); v2 orders answer bare
// objects with money as decimal strings ("10.0000") and RFC 2822 dates (orders.v2.oas2.yml).
import { z } from 'zod';

const text = z.string().nullish().transform((s) => s ?? '');
const price = z.union([z.number(), z.string()]).nullish();

export const BigCommerceVariant = z.object({
  id: z.number(),
  product_id: z.number(),
  sku: text,
  price: price,
  calculated_price: price,
  inventory_level: z.number().nullish(),
  upc: text,
  gtin: text,
  option_values: z.array(z.object({ label: z.string(), option_display_name: z.string() })).default([]),
});
export type BigCommerceVariant = z.infer<typeof BigCommerceVariant>;

export const BigCommerceProduct = z.object({
  id: z.number(),
  name: z.string(),
  sku: text,
  description: text,
  price: z.number(),
  calculated_price: price,
  inventory_tracking: z.enum(['none', 'product', 'variant']),
  inventory_level: z.number().nullish(),
  is_visible: z.boolean(),
  date_modified: z.string(),
  variants: z.array(BigCommerceVariant).default([]),
  images: z.array(z.object({ url_standard: z.string(), description: text })).default([]),
});
export type BigCommerceProduct = z.infer<typeof BigCommerceProduct>;

export const BigCommercePagination = z.object({ total_pages: z.number(), current_page: z.number() });

/** A v3 collection: `{ data: [...], meta: { pagination } }`. */
export const v3List = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), meta: z.object({ pagination: BigCommercePagination.optional() }).default({}) });

export const BigCommerceInventoryItem = z.object({
  identity: z.object({ sku: text, variant_id: z.number(), product_id: z.number() }),
  locations: z.array(z.object({ location_id: z.number(), available_to_sell: z.number() })),
});

export const BigCommerceAddress = z.object({
  first_name: text,
  last_name: text,
  company: text,
  street_1: text,
  street_2: text,
  city: text,
  state: text,
  zip: text,
  country: text,
  country_iso2: text,
  phone: text,
  email: text,
});
export type BigCommerceAddress = z.infer<typeof BigCommerceAddress>;

export const BigCommerceShippingAddress = BigCommerceAddress.extend({ id: z.number() });
export type BigCommerceShippingAddress = z.infer<typeof BigCommerceShippingAddress>;

export const BigCommerceOrder = z.object({
  id: z.number(),
  status_id: z.number(),
  customer_id: z.number(),
  date_created: z.string(),
  date_modified: z.string(),
  currency_code: z.string(),
  total_inc_tax: z.union([z.string(), z.number()]),
  external_order_id: z.string().nullish(),
  billing_address: BigCommerceAddress,
});
export type BigCommerceOrder = z.infer<typeof BigCommerceOrder>;

export const BigCommerceOrderProduct = z.object({
  id: z.number(),
  product_id: z.number(),
  variant_id: z.number().nullish(),
  order_address_id: z.number(),
  name: z.string(),
  sku: text,
  quantity: z.number(),
  quantity_shipped: z.number(),
  price_inc_tax: z.union([z.string(), z.number()]),
});
export type BigCommerceOrderProduct = z.infer<typeof BigCommerceOrderProduct>;

export const BigCommerceShipment = z.object({
  id: z.number(),
  order_id: z.number(),
  date_created: z.string(),
  tracking_number: text,
  tracking_carrier: text,
  tracking_link: text,
  shipping_provider: text,
  items: z.array(z.object({ order_product_id: z.number(), quantity: z.number() })),
});
export type BigCommerceShipment = z.infer<typeof BigCommerceShipment>;

export const BigCommerceCustomer = z.object({
  id: z.number(),
  email: z.string(),
  first_name: text,
  last_name: text,
  company: text,
  phone: text,
});
export type BigCommerceCustomer = z.infer<typeof BigCommerceCustomer>;

/** v3 errors: `{ status, title, errors? }`; v2 errors: `[{ status, message }]`. */
export const BigCommerceV3Error = z.object({ title: z.string(), errors: z.record(z.string(), z.unknown()).optional() });
export const BigCommerceV2Error = z.array(z.object({ message: z.string() })).min(1);

/** A webhook callback (webhook-callbacks/*.yml): a light payload naming the object. */
export const BigCommerceCallback = z.object({
  scope: z.string(),
  store_id: z.string(),
  producer: z.string(),
  hash: z.string(),
  created_at: z.number().optional(),
  data: z
    .object({
      type: z.string().optional(),
      id: z.number().optional(),
      orderId: z.number().optional(),
      inventory: z.object({ product_id: z.number().optional(), variant_id: z.number().optional(), method: z.string().optional(), value: z.number().optional() }).optional(),
      sku: z.object({ product_id: z.number().optional(), variant_id: z.number().optional() }).optional(),
    })
    .default({}),
});
export type BigCommerceCallback = z.infer<typeof BigCommerceCallback>;
