// BigCommerce payloads <-> Tandem types. Every product has at least one variant (its base
// variant), so a variant id always addresses stock; it is also the inventory item id.
import type { Money, OrderCreateInput, PostalAddress, Sku, TandemCustomer, TandemFulfillment, TandemOrder, TandemProduct, TandemVariant } from '../sdk/types.ts';
import type {
  BigCommerceAddress,
  BigCommerceCustomer,
  BigCommerceOrder,
  BigCommerceOrderProduct,
  BigCommerceProduct,
  BigCommerceShipment,
  BigCommerceShippingAddress,
  BigCommerceVariant,
} from './schemas.ts';

export function money(value: string | number | null | undefined): Money {
  const n = Number(value);
  return (Number.isFinite(n) ? n.toFixed(2) : '0.00') as Money;
}

function sku(value: string): Sku | null {
  const s = value.trim();
  return s ? (s as Sku) : null;
}

const blank = (s: string) => (s ? s : null);

/**
 * `date_modified:min` needs a full timestamp: a bare date gets the request's current time appended
 * (products_catalog.v3.yml, DateModifiedMinParam). Whole seconds, in BigCommerce's own format.
 */
export function toBigCommerceDate(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export function toTandemVariant(product: BigCommerceProduct, variant: BigCommerceVariant): TandemVariant {
  const listPrice = Number(variant.price ?? product.price);
  const selling = Number(variant.calculated_price ?? listPrice);
  const options = variant.option_values.map((o) => ({ name: o.option_display_name, value: o.label }));
  const available = product.inventory_tracking === 'none' ? null : product.inventory_tracking === 'product' ? product.inventory_level : variant.inventory_level;
  return {
    externalId: String(variant.id),
    productExternalId: String(product.id),
    sku: sku(variant.sku),
    title: options.map((o) => o.value).join(' / ') || product.name,
    productTitle: product.name,
    selectedOptions: options,
    price: money(selling),
    compareAtPrice: selling < listPrice ? money(listPrice) : null,
    barcode: blank(variant.upc) ?? blank(variant.gtin),
    inventoryItemId: String(variant.id),
    available: available ?? null,
    updatedAt: new Date(product.date_modified),
  };
}

export function toTandemProduct(product: BigCommerceProduct): TandemProduct {
  const options = new Map<string, string[]>();
  for (const v of product.variants) {
    for (const o of v.option_values) {
      const values = options.get(o.option_display_name) ?? [];
      if (!values.includes(o.label)) values.push(o.label);
      options.set(o.option_display_name, values);
    }
  }
  return {
    externalId: String(product.id),
    title: product.name,
    description: product.description,
    vendor: null,
    productType: null,
    tags: [],
    images: product.images.map((i) => ({ url: i.url_standard, altText: blank(i.description) })),
    options: [...options].map(([name, values]) => ({ name, values })),
    variants: product.variants.map((v) => toTandemVariant(product, v)),
    externalReference: null,
    updatedAt: new Date(product.date_modified),
  };
}

function toPostalAddress(a: BigCommerceAddress): PostalAddress | null {
  const name = [a.first_name, a.last_name].filter(Boolean).join(' ');
  if (!name && !a.street_1 && !a.city) return null;
  return {
    name: blank(name),
    company: blank(a.company),
    address1: blank(a.street_1),
    address2: blank(a.street_2),
    city: blank(a.city),
    province: blank(a.state),
    provinceCode: null,
    zip: blank(a.zip),
    country: blank(a.country),
    countryCode: blank(a.country_iso2),
    phone: blank(a.phone),
  };
}

/** v2 dates are RFC 2822 ("Tue, 20 Nov 2012 00:00:00 +0000"), which Date parses. */
export function toTandemOrder(order: BigCommerceOrder, lines: BigCommerceOrderProduct[], shipTo: BigCommerceShippingAddress | undefined): TandemOrder {
  const updatedAt = new Date(order.date_modified);
  return {
    externalId: String(order.id),
    name: `#${order.id}`,
    createdAt: new Date(order.date_created),
    updatedAt,
    // status_id 5 = Cancelled (orders.v2.oas2.yml, order statuses).
    cancelledAt: order.status_id === 5 ? updatedAt : null,
    currency: order.currency_code,
    totalPrice: money(order.total_inc_tax),
    lineItems: lines.map((l) => ({
      externalId: String(l.id),
      sku: sku(l.sku),
      title: l.name,
      quantity: l.quantity,
      price: money(l.price_inc_tax),
      variantExternalId: l.variant_id ? String(l.variant_id) : null,
    })),
    shippingAddress: shipTo ? toPostalAddress(shipTo) : null,
    customer: { email: blank(order.billing_address.email), accountId: order.customer_id > 0 ? String(order.customer_id) : null },
    tags: [],
    externalReference: order.external_order_id || null,
  };
}

function toBigCommerceAddress(a: PostalAddress | null | undefined, email: string | null | undefined, names: { firstName?: string | null; lastName?: string | null } = {}) {
  const [first, ...rest] = (a?.name ?? '').split(' ');
  return {
    first_name: names.firstName ?? first ?? '',
    last_name: names.lastName ?? rest.join(' '),
    company: a?.company ?? '',
    street_1: a?.address1 ?? '',
    street_2: a?.address2 ?? '',
    city: a?.city ?? '',
    state: a?.province ?? '',
    zip: a?.zip ?? '',
    country: a?.country ?? '',
    country_iso2: a?.countryCode ?? '',
    phone: a?.phone ?? '',
    email: email ?? '',
  };
}

/**
 * The v2 order Tandem forwards: Awaiting Fulfillment (status 11), Tandem's reference in
 * external_order_id, attached to the buyer's account when one was found (`customerId`; 0 = guest).
 */
export function toBigCommerceOrder(input: OrderCreateInput, lines: { productId: number; variantId: number }[], customerId?: number | null) {
  const notes = ['Forwarded by Tandem', input.poNumber ? `PO ${input.poNumber}` : null].filter(Boolean).join('; ');
  return {
    status_id: 11,
    customer_id: customerId ?? 0,
    billing_address: toBigCommerceAddress(input.shippingAddress, input.customer?.email, input.customer ?? {}),
    ...(input.shippingAddress ? { shipping_addresses: [toBigCommerceAddress(input.shippingAddress, input.customer?.email)] } : {}),
    products: input.lineItems.map((l, i) => ({
      product_id: lines[i].productId,
      variant_id: lines[i].variantId,
      quantity: l.quantity,
      price_inc_tax: Number(l.price),
      price_ex_tax: Number(l.price),
    })),
    external_order_id: input.externalReference,
    staff_notes: notes,
    customer_message: input.note ?? '',
  };
}

/** BigCommerce's tracking_carrier codes for the carriers merchants name most. */
const CARRIERS: Record<string, string> = { ups: 'UPS', fedex: 'FedEx', usps: 'USPS', dhl: 'DHL', auspost: 'Australia Post', 'royal-mail': 'Royal Mail', 'canada-post': 'Canada Post' };

export function toBigCommerceCarrier(carrier: string | null): string {
  if (!carrier) return '';
  const code = Object.entries(CARRIERS).find(([, name]) => name.toLowerCase() === carrier.toLowerCase())?.[0];
  return code ?? carrier;
}

export function toTandemFulfillment(shipment: BigCommerceShipment, lines: BigCommerceOrderProduct[]): TandemFulfillment {
  const carrier = shipment.tracking_carrier || shipment.shipping_provider;
  return {
    externalId: String(shipment.id),
    orderExternalId: String(shipment.order_id),
    createdAt: new Date(shipment.date_created),
    lines: shipment.items.map((item) => {
      const line = lines.find((l) => l.id === item.order_product_id);
      return { sku: line ? sku(line.sku) : null, quantity: item.quantity, lineExternalId: String(item.order_product_id) };
    }),
    carrier: carrier ? (CARRIERS[carrier] ?? carrier) : null,
    trackingNumber: blank(shipment.tracking_number),
    trackingUrl: blank(shipment.tracking_link),
  };
}

export function toTandemCustomer(c: BigCommerceCustomer): TandemCustomer {
  return {
    externalId: String(c.id),
    email: blank(c.email),
    accountId: String(c.id),
    firstName: blank(c.first_name),
    lastName: blank(c.last_name),
    company: blank(c.company),
    phone: blank(c.phone),
  };
}
