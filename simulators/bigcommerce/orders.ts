// Orders and shipments: placing an order takes stock from the default location and fires
// store/order/created; a shipment moves the order to Shipped / Partially Shipped.
import { BcError } from './catalog.ts';
import { defaultLocationId, findVariantBySku, variantStock, type BcAddress, type BcOrder, type BcShipment, type BcStore, type BigCommerceState } from './state.ts';

export interface OrderLineInput {
  sku?: string;
  product_id?: number;
  variant_id?: number;
  quantity: number;
  /** Custom (non-catalog) lines: name and price_inc_tax, as in orderCustomProduct_Post. */
  name?: string;
  price_inc_tax?: number;
  price_ex_tax?: number;
}

export interface OrderInput {
  products: OrderLineInput[];
  billing_address?: Partial<BcAddress>;
  shipping_addresses?: Partial<BcAddress>[];
  customer_id?: number;
  status_id?: number;
  external_order_id?: string;
  external_source?: string;
  staff_notes?: string;
  customer_message?: string;
  /** Control only: let stock go negative (a store that oversold). */
  allow_oversell?: boolean;
}

const blankAddress = (a: Partial<BcAddress> = {}): BcAddress => ({
  first_name: a.first_name ?? '',
  last_name: a.last_name ?? '',
  company: a.company ?? '',
  street_1: a.street_1 ?? '',
  street_2: a.street_2 ?? '',
  city: a.city ?? '',
  state: a.state ?? '',
  zip: a.zip ?? '',
  country: a.country ?? '',
  country_iso2: a.country_iso2 ?? '',
  phone: a.phone ?? '',
  email: a.email ?? '',
});

function resolveLine(store: BcStore, line: OrderLineInput) {
  if (!Number.isInteger(line.quantity) || line.quantity < 1) throw new BcError(400, 'The field quantity is invalid');
  if (line.sku === undefined && line.product_id === undefined && line.variant_id === undefined) {
    if (!line.name || line.price_inc_tax === undefined) throw new BcError(400, 'The field product_id is invalid');
    return { product: undefined, variant: undefined, price: line.price_inc_tax, name: line.name, sku: line.sku ?? '' };
  }
  let match = line.sku !== undefined ? findVariantBySku(store, line.sku) : undefined;
  if (!match && line.variant_id !== undefined) {
    for (const product of store.products) {
      const variant = product.variants.find((v) => v.id === line.variant_id);
      if (variant) match = { product, variant };
    }
  }
  if (!match && line.product_id !== undefined) {
    const product = store.products.find((p) => p.id === line.product_id);
    if (product && product.variants.length === 1) match = { product, variant: product.variants[0] };
  }
  if (!match) throw new BcError(400, `The product ${line.sku ?? line.variant_id ?? line.product_id} could not be found`);
  const { product, variant } = match;
  return { product, variant, price: line.price_inc_tax ?? variant.price ?? product.price, name: line.name ?? product.name, sku: variant.sku };
}

export function placeOrder(state: BigCommerceState, store: BcStore, input: OrderInput, now: Date): BcOrder {
  if (!Array.isArray(input.products) || input.products.length === 0) throw new BcError(400, 'The field products is required');
  const resolved = input.products.map((line) => ({ line, ...resolveLine(store, line) }));
  const location = defaultLocationId(store);
  if (!input.allow_oversell) {
    for (const r of resolved) {
      if (r.variant && r.product?.inventory_tracking !== 'none' && variantStock(r.variant) < r.line.quantity) {
        throw new BcError(400, `Product "${r.name}" (${r.sku}) does not have enough stock to fulfill quantity ${r.line.quantity}`);
      }
    }
  }
  for (const r of resolved) {
    if (!r.variant || r.product?.inventory_tracking === 'none') continue;
    r.variant.stock.set(location, (r.variant.stock.get(location) ?? 0) - r.line.quantity);
    r.product!.date_modified = now;
  }
  const billing = blankAddress(input.billing_address);
  const shipping = blankAddress(input.shipping_addresses?.[0] ?? input.billing_address);
  const customerId = input.customer_id ?? upsertCustomer(state, store, billing, now);
  const order: BcOrder = {
    id: state.nextId(),
    status_id: input.status_id ?? 11,
    customer_id: customerId,
    email: billing.email,
    external_order_id: input.external_order_id ?? '',
    external_source: input.external_source ?? null,
    staff_notes: input.staff_notes ?? '',
    customer_message: input.customer_message ?? '',
    date_created: now,
    date_modified: now,
    billing_address: billing,
    shipping_address: { ...shipping, id: state.nextId() },
    lines: resolved.map((r) => ({
      id: state.nextId(),
      product_id: r.product?.id ?? 0,
      variant_id: r.variant?.id ?? 0,
      sku: r.sku,
      name: r.name,
      quantity: r.line.quantity,
      quantity_shipped: 0,
      price: r.price,
    })),
  };
  store.orders.push(order);
  return order;
}

function upsertCustomer(state: BigCommerceState, store: BcStore, billing: BcAddress, now: Date): number {
  if (!billing.email) return 0;
  const existing = store.customers.find((c) => c.email.toLowerCase() === billing.email.toLowerCase());
  if (existing) return existing.id;
  const customer = {
    id: state.nextId(),
    email: billing.email,
    first_name: billing.first_name,
    last_name: billing.last_name,
    company: billing.company,
    date_created: now,
    date_modified: now,
  };
  store.customers.push(customer);
  return customer.id;
}

export interface ShipmentInput {
  order_address_id?: number;
  tracking_number?: string;
  tracking_carrier?: string;
  tracking_link?: string;
  shipping_provider?: string;
  shipping_method?: string;
  comments?: string;
  items?: { order_product_id: number; quantity: number }[];
}

export function createShipment(state: BigCommerceState, order: BcOrder, store: BcStore, input: ShipmentInput, now: Date): BcShipment {
  if (input.order_address_id === undefined || input.order_address_id !== order.shipping_address.id) {
    throw new BcError(400, 'The field order_address_id is invalid');
  }
  if (!Array.isArray(input.items) || input.items.length === 0) throw new BcError(400, 'The field items is required');
  const moves = input.items.map((item) => {
    const line = order.lines.find((l) => l.id === item.order_product_id);
    if (!line) throw new BcError(400, `The field order_product_id ${item.order_product_id} is invalid`);
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || line.quantity_shipped + item.quantity > line.quantity) {
      throw new BcError(400, `The quantity ${item.quantity} for order product ${line.id} exceeds the quantity left to ship`);
    }
    return { line, quantity: item.quantity };
  });
  for (const { line, quantity } of moves) line.quantity_shipped += quantity;
  const allShipped = order.lines.every((l) => l.quantity_shipped >= l.quantity);
  order.status_id = allShipped ? 2 : 3;
  order.date_modified = now;
  const shipment: BcShipment = {
    id: state.nextId(),
    order_id: order.id,
    order_address_id: input.order_address_id,
    tracking_number: input.tracking_number ?? '',
    tracking_carrier: input.tracking_carrier ?? '',
    tracking_link: input.tracking_link ?? '',
    shipping_provider: input.shipping_provider ?? '',
    shipping_method: input.shipping_method ?? '',
    comments: input.comments ?? '',
    date_created: now,
    items: moves.map(({ line, quantity }) => ({ order_product_id: line.id, product_id: line.product_id, quantity })),
  };
  store.shipments.push(shipment);
  return shipment;
}
