// Plain data behind the WooCommerce simulator: sites, each with API keys, products and their
// variations (one post-id sequence, as in WordPress), orders with notes, customers and webhooks.

export interface WooMeta {
  id: number;
  key: string;
  value: unknown;
}

export interface WooAddress {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  email?: string;
  phone?: string;
}

export interface WooProduct {
  id: number;
  /** `variation` rows are the variations of their `parent_id`. */
  type: 'simple' | 'variable' | 'variation';
  parent_id: number;
  name: string;
  slug: string;
  sku: string;
  regular_price: string;
  sale_price: string;
  status: 'draft' | 'pending' | 'private' | 'publish';
  manage_stock: boolean;
  stock_quantity: number | null;
  backorders: 'no' | 'notify' | 'yes';
  /** Variation attributes ({ name, option }) or product attributes ({ name, options }). */
  attributes: { id: number; name: string; option?: string; options?: string[]; variation?: boolean; visible?: boolean }[];
  meta_data: WooMeta[];
  date_created: Date;
  date_modified: Date;
}

export interface WooLineItem {
  id: number;
  name: string;
  product_id: number;
  variation_id: number;
  quantity: number;
  sku: string;
  price: number;
  meta_data: WooMeta[];
}

export interface WooNote {
  id: number;
  author: string;
  date_created: Date;
  note: string;
  customer_note: boolean;
  added_by_user: boolean;
}

export type WooOrderStatus = 'pending' | 'processing' | 'on-hold' | 'completed' | 'cancelled' | 'refunded' | 'failed' | 'trash';

export interface WooOrder {
  id: number;
  order_key: string;
  status: WooOrderStatus;
  currency: string;
  customer_id: number;
  customer_note: string;
  billing: WooAddress & { email: string; phone: string };
  shipping: WooAddress;
  payment_method: string;
  payment_method_title: string;
  transaction_id: string;
  line_items: WooLineItem[];
  meta_data: WooMeta[];
  notes: WooNote[];
  created_via: string;
  date_created: Date;
  date_modified: Date;
  date_paid: Date | null;
  date_completed: Date | null;
  /** WooCommerce's `_order_stock_reduced` flag: stock is taken once per order. */
  stock_reduced: boolean;
}

export interface WooCustomer {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  username: string;
  billing: WooAddress & { email: string; phone: string };
  shipping: WooAddress;
  date_created: Date;
  date_modified: Date;
}

export interface WooWebhook {
  id: number;
  name: string;
  status: 'active' | 'paused' | 'disabled';
  topic: string;
  delivery_url: string;
  secret: string;
  failure_count: number;
  /** Index in the sender's log up to which this webhook's deliveries were counted. */
  countedUpTo: number;
  date_created: Date;
  date_modified: Date;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  at: string;
}

export interface WooSite {
  id: string;
  /** Site address, sent as X-WC-Webhook-Source. */
  source: string;
  consumerKey: string;
  consumerSecret: string;
  /** Optional host rate limit (WooCommerce has none; some hosts add one). */
  hostLimit: { requests: number; windowMs: number } | null;
  window: { startedAtMs: number; used: number };
  products: WooProduct[];
  orders: WooOrder[];
  customers: WooCustomer[];
  webhooks: WooWebhook[];
  requests: LoggedRequest[];
}

export class WooCommerceState {
  sites = new Map<string, WooSite>();
  #nextId = 1000;

  nextId(): number {
    this.#nextId += 1;
    return this.#nextId;
  }

  site(id: string): WooSite | undefined {
    return this.sites.get(id);
  }

  siteByKey(consumerKey: string): WooSite | undefined {
    return [...this.sites.values()].find((s) => s.consumerKey === consumerKey);
  }

  reset() {
    this.sites.clear();
    this.#nextId = 1000;
  }
}

export const findBySku = (site: WooSite, sku: string) => (sku ? site.products.find((p) => p.sku === sku) : undefined);

export function stockBySku(site: WooSite): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const p of site.products) if (p.sku && p.type !== 'variable') out[p.sku] = p.stock_quantity;
  return out;
}
