// WooCommerce payloads <-> Tandem types. Ids: a simple product is its own single variant; a
// variation's stock lives under "parent/variation" (inventoryItemId), because every WooCommerce
// variation call is addressed through its parent product.
import type {
  CustomerInput,
  Money,
  OrderCreateInput,
  PostalAddress,
  Sku,
  TandemCustomer,
  TandemFulfillment,
  TandemOrder,
  TandemProduct,
  TandemVariant,
} from '../sdk/types.ts';
import type { WooAddress, WooCustomer, WooMeta, WooOrder, WooProduct, WooTandemFulfillment, WooVariation } from './schemas.ts';

/** Order meta keys Tandem writes. No leading underscore: WooCommerce hides protected meta from some REST views. */
export const REFERENCE_META = 'tandem_reference';
export const FULFILLMENTS_META = 'tandem_fulfillments';

/** `*_gmt` dates carry no zone mark; they are UTC. */
export function fromWooDate(value: string | null | undefined): Date {
  return value ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`) : new Date(0);
}

/**
 * `modified_after` as WooCommerce wants it: whole seconds (dates are stored to the second), one
 * second early so a row changed in the same second as `since` is not lost to a strict "after".
 */
export function toWooDate(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000 - 1000).toISOString().slice(0, 19);
}

function money(value: string | number | null | undefined): Money {
  const s = typeof value === 'number' ? value.toFixed(2) : (value ?? '').trim();
  return (/^-?\d+(\.\d+)?$/.test(s) ? s : '0.00') as Money;
}

function sku(value: string | null | undefined): Sku | null {
  const s = (value ?? '').trim();
  return s ? (s as Sku) : null;
}

export function metaValue(meta: WooMeta[], key: string): unknown {
  return meta.find((m) => m.key === key)?.value;
}

/** Sale price in force = price; the regular price is then the compare-at price. */
function prices(item: { price: string; regular_price: string; sale_price: string }) {
  const onSale = item.sale_price !== '' && item.regular_price !== '' && Number(item.sale_price) < Number(item.regular_price);
  return { price: money(item.price || item.regular_price), compareAtPrice: onSale ? money(item.regular_price) : null };
}

export function toTandemVariant(product: WooProduct, variation?: WooVariation): TandemVariant {
  if (!variation) {
    return {
      externalId: String(product.id),
      productExternalId: String(product.id),
      sku: sku(product.sku),
      title: product.name,
      productTitle: product.name,
      selectedOptions: [],
      ...prices(product),
      barcode: null,
      inventoryItemId: String(product.id),
      available: product.manage_stock === true ? product.stock_quantity : null,
      updatedAt: fromWooDate(product.date_modified_gmt),
    };
  }
  const options = variation.attributes.map((a) => ({ name: a.name, value: a.option ?? '' }));
  const stockFrom = variation.manage_stock === 'parent' ? product : variation;
  return {
    externalId: String(variation.id),
    productExternalId: String(product.id),
    sku: sku(variation.sku),
    title: options.map((o) => o.value).join(' / ') || product.name,
    productTitle: product.name,
    selectedOptions: options,
    ...prices(variation),
    barcode: null,
    inventoryItemId: `${product.id}/${variation.id}`,
    available: stockFrom.manage_stock !== false ? stockFrom.stock_quantity : null,
    updatedAt: fromWooDate(variation.date_modified_gmt),
  };
}

export function toTandemProduct(product: WooProduct, variations: WooVariation[]): TandemProduct {
  const variants = product.type === 'variable' ? variations.map((v) => toTandemVariant(product, v)) : [toTandemVariant(product)];
  const reference = metaValue(product.meta_data, REFERENCE_META);
  return {
    externalId: String(product.id),
    title: product.name,
    description: product.description,
    vendor: null,
    productType: product.categories[0]?.name ?? null,
    tags: product.tags.map((t) => t.name),
    images: product.images.map((i) => ({ url: i.src, altText: i.alt || null })),
    options: product.attributes.filter((a) => a.variation).map((a) => ({ name: a.name, values: a.options ?? [] })),
    variants,
    externalReference: typeof reference === 'string' ? reference : null,
    updatedAt: fromWooDate(product.date_modified_gmt),
  };
}

/** Where a variant's stock is written: a simple product, or a variation under its parent. */
export type WooStockTarget = { kind: 'product'; productId: number } | { kind: 'variation'; productId: number; variationId: number };

export function toWooStockTarget(ref: { variantId: string; inventoryItemId?: string | null }): WooStockTarget {
  const item = ref.inventoryItemId ?? ref.variantId;
  const [first, second] = item.split('/').map(Number);
  if (second !== undefined && Number.isInteger(second)) return { kind: 'variation', productId: first, variationId: second };
  return { kind: 'product', productId: Number(item) };
}

const blank = (s: string | undefined) => (s ? s : null);

function toPostalAddress(a: WooAddress): PostalAddress | null {
  const name = [a.first_name, a.last_name].filter(Boolean).join(' ');
  if (!name && !a.address_1 && !a.city && !a.country) return null;
  return {
    name: name || null,
    company: blank(a.company),
    address1: blank(a.address_1),
    address2: blank(a.address_2),
    city: blank(a.city),
    province: blank(a.state),
    provinceCode: blank(a.state),
    zip: blank(a.postcode),
    country: blank(a.country),
    countryCode: blank(a.country),
    phone: blank(a.phone),
  };
}

export function toWooAddress(a: PostalAddress | null | undefined, email?: string | null): Partial<WooAddress> {
  const [first_name, ...rest] = (a?.name ?? '').split(' ');
  return {
    first_name: first_name ?? '',
    last_name: rest.join(' '),
    company: a?.company ?? '',
    address_1: a?.address1 ?? '',
    address_2: a?.address2 ?? '',
    city: a?.city ?? '',
    state: a?.provinceCode ?? a?.province ?? '',
    postcode: a?.zip ?? '',
    country: a?.countryCode ?? '',
    phone: a?.phone ?? '',
    ...(email ? { email } : {}),
  };
}

export function toTandemOrder(order: WooOrder): TandemOrder {
  const reference = metaValue(order.meta_data, REFERENCE_META);
  const updatedAt = fromWooDate(order.date_modified_gmt);
  return {
    externalId: String(order.id),
    name: `#${order.number}`,
    createdAt: fromWooDate(order.date_created_gmt),
    updatedAt,
    cancelledAt: order.status === 'cancelled' ? updatedAt : null,
    currency: order.currency,
    totalPrice: money(order.total),
    lineItems: order.line_items.map((l) => ({
      externalId: String(l.id),
      sku: sku(l.sku),
      title: l.name,
      quantity: l.quantity,
      price: money(l.price),
      variantExternalId: String(l.variation_id || l.product_id),
    })),
    shippingAddress: toPostalAddress(order.shipping),
    customer: { email: blank(order.billing.email), accountId: order.customer_id > 0 ? String(order.customer_id) : null },
    tags: [],
    externalReference: typeof reference === 'string' ? reference : null,
  };
}

/**
 * The order Tandem forwards: processing (WooCommerce takes stock then), never marked paid, and
 * attached to the buyer's WooCommerce account when one was found (`customerId`).
 */
export function toWooOrder(input: OrderCreateInput, lineProductIds: number[], customerId?: number | null) {
  const meta = [{ key: REFERENCE_META, value: input.externalReference }];
  if (input.poNumber) meta.push({ key: 'tandem_po_number', value: input.poNumber });
  const billing = toWooAddress(input.shippingAddress, input.customer?.email);
  if (input.customer?.firstName) billing.first_name = input.customer.firstName;
  if (input.customer?.lastName) billing.last_name = input.customer.lastName;
  return {
    status: 'processing',
    set_paid: false,
    currency: input.currency,
    ...(customerId ? { customer_id: customerId } : {}),
    customer_note: input.note ?? '',
    payment_method_title: 'Tandem wholesale order',
    billing,
    shipping: toWooAddress(input.shippingAddress),
    // `subtotal`/`total` set the wholesale line price in WooCommerce (wp-api-v3_orders.md, line item
    // properties); `price` is read-only there, and only the simulator reads it.
    line_items: input.lineItems.map((l, i) => {
      const total = (Number(l.price) * l.quantity).toFixed(2);
      return { product_id: lineProductIds[i], quantity: l.quantity, subtotal: total, total, price: Number(l.price) };
    }),
    meta_data: meta,
  };
}

export function toTandemCustomer(c: WooCustomer): TandemCustomer {
  return {
    externalId: String(c.id),
    email: c.email || null,
    accountId: String(c.id),
    firstName: blank(c.first_name),
    lastName: blank(c.last_name),
    company: blank(c.billing.company),
    phone: blank(c.billing.phone),
  };
}

export function toWooCustomer(input: CustomerInput) {
  return {
    email: input.email ?? '',
    first_name: input.firstName ?? '',
    last_name: input.lastName ?? '',
    billing: { first_name: input.firstName ?? '', last_name: input.lastName ?? '', company: input.company ?? '', phone: input.phone ?? '', email: input.email ?? '' },
  };
}

export function toTandemFulfillment(orderId: number, f: WooTandemFulfillment): TandemFulfillment {
  return {
    externalId: f.id,
    orderExternalId: String(orderId),
    createdAt: new Date(f.createdAt),
    lines: f.lines.map((l) => ({ sku: sku(l.sku), quantity: l.quantity, lineExternalId: String(l.lineId) })),
    carrier: f.carrier,
    trackingNumber: f.trackingNumber,
    trackingUrl: f.trackingUrl,
  };
}

/** The buyer-facing note: core WooCommerce emails customer notes, so this is how tracking reaches them. */
export function shipmentNote(f: WooTandemFulfillment): string {
  const items = f.lines.reduce((n, l) => n + l.quantity, 0);
  const parts = [`Your order has shipped (${items} item${items === 1 ? '' : 's'}${f.carrier ? ` with ${f.carrier}` : ''}).`];
  if (f.trackingNumber) parts.push(`Tracking number: ${f.trackingNumber}.`);
  if (f.trackingUrl) parts.push(`Track it at ${f.trackingUrl}`);
  parts.push(`[${f.id}]`);
  return parts.join(' ');
}
