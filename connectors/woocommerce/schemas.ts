// WooCommerce REST v3 payloads, parsed at the edge (wp-api-v3_products.md, _product-variations.md,
// _orders.md, _order-notes.md, _customers.md). Only the fields Tandem reads; others are dropped.
// Dates: `*_gmt` fields are "2017-03-22T16:28:02" in UTC without a zone mark.
import { z } from 'zod';

const text = z.string().nullish().transform((s) => s ?? '');

export const WooMeta = z.object({ id: z.number().optional(), key: z.string(), value: z.unknown() });
export type WooMeta = z.infer<typeof WooMeta>;

const WooAttribute = z.object({
  name: z.string(),
  option: z.string().optional(),
  options: z.array(z.string()).optional(),
  variation: z.boolean().optional(),
});

export const WooProduct = z.object({
  id: z.number(),
  name: z.string(),
  type: z.string(),
  status: z.string(),
  sku: text,
  description: text,
  price: text,
  regular_price: text,
  sale_price: text,
  // Variations may answer "parent" when stock is managed on the variable product.
  manage_stock: z.union([z.boolean(), z.literal('parent')]),
  stock_quantity: z.number().nullable(),
  date_modified_gmt: z.string().nullable(),
  tags: z.array(z.object({ name: z.string() })).default([]),
  categories: z.array(z.object({ name: z.string() })).default([]),
  images: z.array(z.object({ src: z.string(), alt: text })).default([]),
  attributes: z.array(WooAttribute).default([]),
  variations: z.array(z.number()).default([]),
  meta_data: z.array(WooMeta).default([]),
});
export type WooProduct = z.infer<typeof WooProduct>;

export const WooVariation = z.object({
  id: z.number(),
  sku: text,
  price: text,
  regular_price: text,
  sale_price: text,
  manage_stock: z.union([z.boolean(), z.literal('parent')]),
  stock_quantity: z.number().nullable(),
  date_modified_gmt: z.string().nullable(),
  attributes: z.array(WooAttribute).default([]),
});
export type WooVariation = z.infer<typeof WooVariation>;

const WooAddress = z.object({
  first_name: text,
  last_name: text,
  company: text,
  address_1: text,
  address_2: text,
  city: text,
  state: text,
  postcode: text,
  country: text,
  email: text.optional(),
  phone: text.optional(),
});
export type WooAddress = z.infer<typeof WooAddress>;

export const WooLineItem = z.object({
  id: z.number(),
  name: z.string(),
  product_id: z.number(),
  variation_id: z.number(),
  quantity: z.number(),
  sku: text,
  price: z.union([z.number(), z.string()]),
});

export const WooOrder = z.object({
  id: z.number(),
  number: z.string(),
  status: z.string(),
  currency: z.string(),
  total: z.string(),
  customer_id: z.number(),
  customer_note: text,
  date_created_gmt: z.string(),
  date_modified_gmt: z.string(),
  billing: WooAddress,
  shipping: WooAddress,
  line_items: z.array(WooLineItem),
  meta_data: z.array(WooMeta).default([]),
});
export type WooOrder = z.infer<typeof WooOrder>;

export const WooNote = z.object({ id: z.number(), note: z.string(), customer_note: z.boolean(), date_created_gmt: z.string().nullish() });
export type WooNote = z.infer<typeof WooNote>;

export const WooCustomer = z.object({
  id: z.number(),
  email: z.string(),
  first_name: text,
  last_name: text,
  billing: WooAddress.partial().default({}),
});
export type WooCustomer = z.infer<typeof WooCustomer>;

/** A WP_Error body: `{ code, message, data: { status } }` (wp-api-v3_introduction.md, Errors). */
export const WooErrorBody = z.object({ code: z.string(), message: z.string() });

/** Each item of a batch answer is the object, or `{ id, error }` for an item that failed. */
export const WooBatchItem = z.object({ id: z.number(), error: WooErrorBody.optional() });
export const WooBatchResult = z.object({ update: z.array(WooBatchItem).default([]) });

/** What Tandem writes in the order's `tandem_fulfillments` meta (core Woo has no tracking). */
export const WooTandemFulfillment = z.object({
  id: z.string(),
  createdAt: z.string(),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  trackingUrl: z.string().nullable(),
  lines: z.array(z.object({ lineId: z.number(), sku: z.string().nullable(), quantity: z.number() })),
});
export type WooTandemFulfillment = z.infer<typeof WooTandemFulfillment>;

/** A webhook body is the resource as the REST API shows it; a variation carries its parent_id. */
export const WooWebhookPayload = z.object({ id: z.number(), parent_id: z.number().optional() });
