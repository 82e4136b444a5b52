// Register sales (orders), their fulfillments, and customers. A sale takes stock from its
// register's outlet once it is pending or closed, and gives it back when voided; parked sales hold
// no stock.
import { LsError } from './catalog.ts';
import { inventoryRecord, uuid, type LightspeedState, type LsCustomer, type LsRetailer, type LsSale, type LsSaleState } from './state.ts';
import { TAX_RATE } from './present.ts';

export interface SaleInput {
  register_id?: string;
  user_id?: string;
  source?: { author_id?: string; register_id?: string; id?: string };
  customer_id?: string;
  state?: LsSaleState;
  note?: string;
  invoice_number?: string;
  line_items?: { product?: { id?: string }; product_id?: string; quantity?: number; pricing?: { price?: number }; price?: number; note?: string }[];
  fulfillment_details?: { type?: 'DISPATCH' | 'PICKUP'; note?: string }[];
}

const STATES: LsSaleState[] = ['parked', 'pending', 'voided', 'closed'];
const HOLDS_STOCK: LsSaleState[] = ['pending', 'closed'];

function moveStock(state: LightspeedState, retailer: LsRetailer, sale: LsSale, direction: -1 | 1) {
  for (const line of sale.line_items) {
    const record = inventoryRecord(state, retailer, line.product_id, sale.outlet_id);
    record.current_inventory_level += direction * line.quantity;
    record.version = state.nextVersion();
  }
  sale.stock_taken = direction === -1;
}

function applyState(state: LightspeedState, retailer: LsRetailer, sale: LsSale, next: LsSaleState) {
  if (!STATES.includes(next)) throw new LsError(422, `state must be one of ${STATES.join(', ')}`);
  sale.state = next;
  if (HOLDS_STOCK.includes(next) && !sale.stock_taken) moveStock(state, retailer, sale, -1);
  if (!HOLDS_STOCK.includes(next) && sale.stock_taken) moveStock(state, retailer, sale, 1);
}

export function createSale(state: LightspeedState, retailer: LsRetailer, input: SaleInput, now: string): LsSale {
  const registerId = input.register_id ?? input.source?.register_id ?? retailer.registers[0].id;
  const register = retailer.registers.find((r) => r.id === registerId);
  if (!register) throw new LsError(422, 'Validation failed', { register_id: ['register_id is not a known register'] });
  if (input.customer_id && !retailer.customers.some((c) => c.id === input.customer_id)) {
    throw new LsError(422, 'Validation failed', { customer_id: ['customer_id is not a known customer'] });
  }
  const lines = (input.line_items ?? []).map((item, i) => {
    const productId = item.product?.id ?? item.product_id;
    const product = retailer.products.find((p) => p.id === productId && !p.deleted_at);
    if (!product) throw new LsError(422, 'Validation failed', { [`line_items[${i}].product.id`]: ['product not found'] });
    const quantity = Number(item.quantity ?? 1);
    if (!Number.isFinite(quantity) || quantity === 0) throw new LsError(422, 'Validation failed', { [`line_items[${i}].quantity`]: ['quantity must be non-zero'] });
    const price = Number(item.pricing?.price ?? item.price ?? product.price_excluding_tax);
    return { id: uuid(), product_id: product.id, quantity, price, tax: Math.round(price * TAX_RATE * 100000) / 100000, tax_id: retailer.taxId, note: item.note ?? '' };
  });
  if (lines.length === 0) throw new LsError(422, 'Validation failed', { line_items: ['a sale needs at least one line item'] });
  const number = retailer.sales.length + 1;
  const sale: LsSale = {
    id: uuid(),
    outlet_id: register.outlet_id,
    register_id: register.id,
    user_id: input.user_id ?? input.source?.author_id ?? retailer.userId,
    customer_id: input.customer_id ?? null,
    invoice_number: input.invoice_number ?? String(number),
    receipt_number: String(number),
    short_code: uuid().slice(0, 6),
    note: input.note ?? '',
    state: 'parked',
    source_id: input.source?.id ?? null,
    line_items: lines,
    stock_taken: false,
    version: state.nextVersion(),
    date: now,
    created_at: now,
    updated_at: now,
  };
  applyState(state, retailer, sale, input.state ?? 'closed');
  retailer.sales.push(sale);
  for (const detail of input.fulfillment_details ?? []) {
    retailer.fulfillments.push({
      id: uuid(),
      sale_id: sale.id,
      outlet_id: sale.outlet_id,
      type: detail.type ?? 'DISPATCH',
      state: 'OPEN',
      note: detail.note ?? '',
      line_items: lines.map((l) => ({ sale_line_item_id: l.id, product_id: l.product_id, quantity: l.quantity, fulfilled: 0 })),
      version: state.nextVersion(),
      created_at: now,
      updated_at: now,
    });
  }
  return sale;
}

export function updateSale(state: LightspeedState, retailer: LsRetailer, sale: LsSale, input: SaleInput, now: string) {
  if (input.state) applyState(state, retailer, sale, input.state);
  if (input.note !== undefined) sale.note = input.note;
  sale.updated_at = now;
  sale.version = state.nextVersion();
  return sale;
}

/** POST /fulfillments/fulfill: completes every fulfillment of the sale; idempotent. */
export function fulfillSale(state: LightspeedState, retailer: LsRetailer, saleId: string, now: string) {
  if (!retailer.sales.some((s) => s.id === saleId)) throw new LsError(404, `Sale ${saleId} not found`);
  const fulfillments = retailer.fulfillments.filter((f) => f.sale_id === saleId);
  for (const f of fulfillments) {
    if (f.state === 'FULFILLED') continue;
    f.state = 'FULFILLED';
    for (const l of f.line_items) l.fulfilled = l.quantity;
    f.version = state.nextVersion();
    f.updated_at = now;
  }
  return fulfillments;
}

export interface CustomerInput {
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  phone?: string | null;
  company_name?: string | null;
  customer_code?: string;
}

export function createCustomer(state: LightspeedState, retailer: LsRetailer, input: CustomerInput, now: string): LsCustomer {
  const code = input.customer_code ?? `${(input.first_name ?? 'customer').toLowerCase()}-${retailer.customers.length + 1}`;
  if (retailer.customers.some((c) => c.customer_code === code)) {
    throw new LsError(422, 'Validation failed', { customer_code: ['customer_code is already in use'] });
  }
  const customer: LsCustomer = {
    id: uuid(),
    customer_code: code,
    first_name: input.first_name ?? null,
    last_name: input.last_name ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    company_name: input.company_name ?? null,
    version: state.nextVersion(),
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  retailer.customers.push(customer);
  return customer;
}
