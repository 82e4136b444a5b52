// Orders, notes and customers. Stock follows WooCommerce's rules: it is reduced once, when the
// order is paid (`set_paid`) or reaches processing / on-hold / completed, and restored on cancel
// (wc_maybe_reduce_stock_levels / wc_maybe_increase_stock_levels). The REST API does not refuse an
// order for lack of stock: stock may go negative, as on a real store.
import { randomBytes } from 'node:crypto';
import { WooError } from './catalog.ts';
import { findBySku, type WooAddress, type WooCustomer, type WooOrder, type WooOrderStatus, type WooSite, type WooCommerceState } from './state.ts';

export interface LineItemInput {
  product_id?: number;
  variation_id?: number;
  sku?: string;
  quantity?: number;
  price?: number;
  meta_data?: { key: string; value: unknown }[];
}

export interface OrderInput {
  status?: WooOrderStatus;
  set_paid?: boolean;
  customer_id?: number;
  customer_note?: string;
  currency?: string;
  payment_method?: string;
  payment_method_title?: string;
  transaction_id?: string;
  billing?: Partial<WooAddress> & { email?: string; phone?: string };
  shipping?: Partial<WooAddress>;
  line_items?: LineItemInput[];
  meta_data?: { id?: number; key: string; value: unknown }[];
}

const STATUSES: WooOrderStatus[] = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'trash'];
const TAKES_STOCK: WooOrderStatus[] = ['processing', 'on-hold', 'completed'];

const address = (a: Partial<WooAddress> = {}): WooAddress => ({
  first_name: a.first_name ?? '',
  last_name: a.last_name ?? '',
  company: a.company ?? '',
  address_1: a.address_1 ?? '',
  address_2: a.address_2 ?? '',
  city: a.city ?? '',
  state: a.state ?? '',
  postcode: a.postcode ?? '',
  country: a.country ?? '',
});

function resolveLine(state: WooCommerceState, site: WooSite, item: LineItemInput) {
  const byId = (id?: number) => (id ? site.products.find((p) => p.id === id) : undefined);
  const product = byId(item.variation_id) ?? byId(item.product_id) ?? (item.sku ? findBySku(site, item.sku) : undefined);
  if (!product || product.type === 'variable') {
    throw new WooError(400, 'woocommerce_rest_invalid_product_id', 'Product ID provided is invalid.');
  }
  const quantity = Number(item.quantity ?? 1);
  if (!Number.isInteger(quantity) || quantity < 1) throw new WooError(400, 'woocommerce_rest_invalid_quantity', 'Product quantity must be a positive integer.');
  const parent = product.type === 'variation' ? site.products.find((p) => p.id === product.parent_id) : undefined;
  return {
    id: state.nextId(),
    name: parent ? `${parent.name} - ${product.attributes.map((a) => a.option).join(', ')}` : product.name,
    product_id: parent ? parent.id : product.id,
    variation_id: parent ? product.id : 0,
    quantity,
    sku: product.sku,
    price: item.price ?? Number(product.sale_price || product.regular_price || 0),
    meta_data: (item.meta_data ?? []).map((m) => ({ id: state.nextId(), key: m.key, value: m.value })),
  };
}

function moveStock(site: WooSite, order: WooOrder, direction: -1 | 1) {
  for (const line of order.line_items) {
    const product = site.products.find((p) => p.id === (line.variation_id || line.product_id));
    const holder = product?.manage_stock ? product : site.products.find((p) => p.id === line.product_id && p.manage_stock);
    if (holder && holder.stock_quantity !== null) holder.stock_quantity += direction * line.quantity;
  }
}

/** Moves the order to `status`, taking or returning stock as WooCommerce does. */
function setStatus(site: WooSite, order: WooOrder, status: WooOrderStatus, now: Date) {
  if (!STATUSES.includes(status)) throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): status');
  order.status = status;
  if (TAKES_STOCK.includes(status) && !order.stock_reduced) {
    moveStock(site, order, -1);
    order.stock_reduced = true;
  }
  if (status === 'cancelled' && order.stock_reduced) {
    moveStock(site, order, 1);
    order.stock_reduced = false;
  }
  if (status === 'completed') order.date_completed = now;
}

function mergeMeta(state: WooCommerceState, order: WooOrder, changes: OrderInput['meta_data']) {
  for (const m of changes ?? []) {
    const existing = order.meta_data.find((c) => (m.id !== undefined ? c.id === m.id : c.key === m.key));
    if (existing) existing.value = m.value;
    else order.meta_data.push({ id: state.nextId(), key: m.key, value: m.value });
  }
}

export function createOrder(state: WooCommerceState, site: WooSite, input: OrderInput, now: Date, createdVia = 'rest-api'): WooOrder {
  const lines = (input.line_items ?? []).map((item) => resolveLine(state, site, item));
  const order: WooOrder = {
    id: state.nextId(),
    order_key: `wc_order_${randomBytes(6).toString('hex')}`,
    status: 'pending',
    currency: input.currency ?? 'USD',
    customer_id: input.customer_id ?? 0,
    customer_note: input.customer_note ?? '',
    billing: { ...address(input.billing), email: input.billing?.email ?? '', phone: input.billing?.phone ?? '' },
    shipping: address(input.shipping ?? input.billing),
    payment_method: input.payment_method ?? '',
    payment_method_title: input.payment_method_title ?? '',
    transaction_id: input.transaction_id ?? '',
    line_items: lines,
    meta_data: [],
    notes: [],
    created_via: createdVia,
    date_created: now,
    date_modified: now,
    date_paid: null,
    date_completed: null,
    stock_reduced: false,
  };
  mergeMeta(state, order, input.meta_data);
  // `set_paid` "will set the status to processing and reduce stock items" (wp-api-v3_orders.md).
  if (input.set_paid) {
    order.date_paid = now;
    setStatus(site, order, input.status && input.status !== 'pending' ? input.status : 'processing', now);
  } else if (input.status) {
    setStatus(site, order, input.status, now);
  }
  site.orders.push(order);
  return order;
}

export function updateOrder(state: WooCommerceState, site: WooSite, order: WooOrder, input: OrderInput, now: Date) {
  if (input.set_paid && !order.date_paid) {
    order.date_paid = now;
    if (order.status === 'pending') setStatus(site, order, 'processing', now);
  }
  if (input.status) setStatus(site, order, input.status, now);
  if (input.customer_note !== undefined) order.customer_note = input.customer_note;
  if (input.transaction_id !== undefined) order.transaction_id = input.transaction_id;
  if (input.billing) order.billing = { ...order.billing, ...input.billing };
  if (input.shipping) order.shipping = { ...order.shipping, ...input.shipping };
  mergeMeta(state, order, input.meta_data);
  order.date_modified = now;
  return order;
}

export function addNote(state: WooCommerceState, order: WooOrder, input: { note?: string; customer_note?: boolean; added_by_user?: boolean }, now: Date) {
  if (!input.note) throw new WooError(400, 'rest_missing_callback_param', 'Missing parameter(s): note');
  const note = {
    id: state.nextId(),
    author: input.added_by_user ? 'admin' : 'WooCommerce',
    date_created: now,
    note: input.note,
    customer_note: Boolean(input.customer_note),
    added_by_user: Boolean(input.added_by_user),
  };
  order.notes.push(note);
  return note;
}

export interface CustomerInput {
  email?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
  billing?: Partial<WooAddress> & { email?: string; phone?: string };
  shipping?: Partial<WooAddress>;
}

export function createCustomer(state: WooCommerceState, site: WooSite, input: CustomerInput, now: Date): WooCustomer {
  if (!input.email) throw new WooError(400, 'rest_missing_callback_param', 'Missing parameter(s): email');
  if (site.customers.some((c) => c.email.toLowerCase() === input.email!.toLowerCase())) {
    throw new WooError(400, 'registration-error-email-exists', 'An account is already registered with your email address.');
  }
  const customer: WooCustomer = {
    id: state.nextId(),
    email: input.email,
    first_name: input.first_name ?? '',
    last_name: input.last_name ?? '',
    username: input.username ?? input.email.split('@')[0],
    billing: { ...address(input.billing), email: input.billing?.email ?? input.email, phone: input.billing?.phone ?? '' },
    shipping: address(input.shipping),
    date_created: now,
    date_modified: now,
  };
  site.customers.push(customer);
  return customer;
}
