// Plain data behind the Lightspeed X-Series simulator: retailers (domain prefixes), each with outlets
// and registers, products (variants are products pointing at their family's parent), inventory
// records per product and outlet, stock adjustments, sales, fulfillments, customers, webhooks,
// OAuth tokens and a sliding request log for the rate limit. Every change takes the next value of
// one global version counter, which is what `after=<version>` pages over.
import { randomUUID } from 'node:crypto';

export interface LsProduct {
  id: string;
  name: string;
  handle: string;
  sku: string;
  /** The family's parent product (null on the parent itself and on single products). */
  variant_parent_id: string | null;
  variant_name: string;
  variant_options: { name: string; value: string }[];
  price_excluding_tax: number;
  supply_price: number;
  active: boolean;
  version: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface LsInventory {
  id: string;
  product_id: string;
  outlet_id: string;
  current_inventory_level: number;
  reorder_point: number | null;
  reorder_amount: number | null;
  average_cost: number | null;
  version: number;
}

export interface LsStockAdjustment {
  id: string;
  outlet_id: string;
  product_id: string;
  quantity: string;
  reason: string;
  user_id: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface LsSaleLine {
  id: string;
  product_id: string;
  quantity: number;
  price: number;
  tax: number;
  tax_id: string;
  note: string;
}

export type LsSaleState = 'parked' | 'pending' | 'voided' | 'closed';

export interface LsSale {
  id: string;
  outlet_id: string;
  register_id: string;
  user_id: string;
  customer_id: string | null;
  invoice_number: string;
  receipt_number: string;
  short_code: string;
  note: string;
  state: LsSaleState;
  source_id: string | null;
  line_items: LsSaleLine[];
  /** Whether this sale's lines are currently taken out of inventory. */
  stock_taken: boolean;
  version: number;
  date: string;
  created_at: string;
  updated_at: string;
}

export interface LsFulfillment {
  id: string;
  sale_id: string;
  outlet_id: string;
  type: 'PICKUP' | 'DISPATCH' | 'SERVICE';
  state: 'OPEN' | 'STARTED' | 'PICKED' | 'PACKED' | 'FULFILLED';
  note: string;
  line_items: { sale_line_item_id: string; product_id: string; quantity: number; fulfilled: number }[];
  version: number;
  created_at: string;
  updated_at: string;
}

export interface LsCustomer {
  id: string;
  customer_code: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  company_name: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface LsWebhook {
  id: string;
  type: string;
  url: string;
  active: boolean;
}

export interface LsToken {
  accessToken: string;
  refreshToken: string;
  accessExpiresAtMs: number;
  revoked: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  at: string;
}

export interface LsRetailer {
  domainPrefix: string;
  retailerId: string;
  userId: string;
  /** Registers drive the rate limit: 300 × registers + 50 per 5 minutes. */
  registers: { id: string; outlet_id: string; name: string }[];
  outlets: { id: string; name: string }[];
  taxId: string;
  /** Overrides the formula when set (control API "set limits"). */
  limitOverride: number | null;
  windowMs: number;
  /** Request times (ms) inside the sliding window. */
  recent: number[];
  products: LsProduct[];
  inventory: LsInventory[];
  adjustments: LsStockAdjustment[];
  sales: LsSale[];
  fulfillments: LsFulfillment[];
  customers: LsCustomer[];
  webhooks: LsWebhook[];
  /** Authorization codes waiting to be exchanged. */
  codes: Set<string>;
  tokens: LsToken[];
  requests: LoggedRequest[];
}

export class LightspeedState {
  retailers = new Map<string, LsRetailer>();
  #version = 1000;

  nextVersion(): number {
    this.#version += 1;
    return this.#version;
  }

  retailer(prefix: string): LsRetailer | undefined {
    return this.retailers.get(prefix);
  }

  /** The retailer and token an access token belongs to. */
  byAccessToken(accessToken: string): { retailer: LsRetailer; token: LsToken } | undefined {
    for (const retailer of this.retailers.values()) {
      const token = retailer.tokens.find((t) => t.accessToken === accessToken);
      if (token) return { retailer, token };
    }
    return undefined;
  }

  reset() {
    this.retailers.clear();
    this.#version = 1000;
  }
}

export const uuid = () => randomUUID();

export function rateLimitOf(retailer: LsRetailer): number {
  return retailer.limitOverride ?? 300 * retailer.registers.length + 50;
}

export function inventoryRecord(state: LightspeedState, retailer: LsRetailer, productId: string, outletId: string): LsInventory {
  let record = retailer.inventory.find((i) => i.product_id === productId && i.outlet_id === outletId);
  if (!record) {
    record = {
      id: uuid(),
      product_id: productId,
      outlet_id: outletId,
      current_inventory_level: 0,
      reorder_point: null,
      reorder_amount: null,
      average_cost: null,
      version: state.nextVersion(),
    };
    retailer.inventory.push(record);
  }
  return record;
}

export function stockBySku(retailer: LsRetailer): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of retailer.products) {
    if (p.deleted_at) continue;
    out[p.sku] = retailer.inventory.filter((i) => i.product_id === p.id).reduce((sum, i) => sum + i.current_inventory_level, 0);
  }
  return out;
}
