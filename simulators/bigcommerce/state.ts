// Plain data behind the BigCommerce simulator: stores (each with its own token, rate-limit window,
// catalog, stock per location, orders, shipments and webhooks) and a request log per store.

export interface BcVariant {
  id: number;
  product_id: number;
  sku: string;
  price: number | null;
  option_values: { id: number; option_id: number; label: string; option_display_name: string }[];
  /** Stock per location id. */
  stock: Map<number, number>;
}

export interface BcProduct {
  id: number;
  name: string;
  type: 'physical' | 'digital';
  sku: string;
  price: number;
  weight: number;
  inventory_tracking: 'none' | 'product' | 'variant';
  is_visible: boolean;
  date_created: Date;
  date_modified: Date;
  /** The first variant is the base variant (BigCommerce gives every product one). */
  variants: BcVariant[];
}

export interface BcLocation {
  id: number;
  code: string;
  label: string;
  enabled: boolean;
  created_at: Date;
}

export interface BcAddress {
  first_name: string;
  last_name: string;
  company: string;
  street_1: string;
  street_2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  country_iso2: string;
  phone: string;
  email: string;
}

export interface BcOrderLine {
  id: number;
  product_id: number;
  variant_id: number;
  sku: string;
  name: string;
  quantity: number;
  quantity_shipped: number;
  price: number;
}

export interface BcOrder {
  id: number;
  status_id: number;
  customer_id: number;
  email: string;
  external_order_id: string;
  external_source: string | null;
  staff_notes: string;
  customer_message: string;
  date_created: Date;
  date_modified: Date;
  billing_address: BcAddress;
  shipping_address: BcAddress & { id: number };
  lines: BcOrderLine[];
}

export interface BcShipment {
  id: number;
  order_id: number;
  order_address_id: number;
  tracking_number: string;
  tracking_carrier: string;
  tracking_link: string;
  shipping_provider: string;
  shipping_method: string;
  comments: string;
  date_created: Date;
  items: { order_product_id: number; product_id: number; quantity: number }[];
}

export interface BcCustomer {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  company: string;
  date_created: Date;
  date_modified: Date;
}

export interface BcHook {
  id: number;
  client_id: string;
  scope: string;
  destination: string;
  is_active: boolean;
  headers: Record<string, string> | null;
  created_at: number;
  updated_at: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  at: string;
}

export interface BcStore {
  hash: string;
  storeId: string;
  accessToken: string;
  clientId: string;
  /** Requests allowed per window (BigCommerce Standard/Plus: 150 per 30 s). */
  quota: number;
  windowMs: number;
  window: { startedAtMs: number; used: number };
  products: BcProduct[];
  locations: BcLocation[];
  orders: BcOrder[];
  shipments: BcShipment[];
  customers: BcCustomer[];
  hooks: BcHook[];
  requests: LoggedRequest[];
}

export class BigCommerceState {
  stores = new Map<string, BcStore>();
  #nextId = 100;

  /** One id sequence for every object: unique, increasing, easy to read in test failures. */
  nextId(): number {
    this.#nextId += 1;
    return this.#nextId;
  }

  store(hash: string): BcStore | undefined {
    return this.stores.get(hash);
  }

  reset() {
    this.stores.clear();
    this.#nextId = 100;
  }
}

export function allVariants(store: BcStore): BcVariant[] {
  return store.products.flatMap((p) => p.variants);
}

export function findVariantBySku(store: BcStore, sku: string): { product: BcProduct; variant: BcVariant } | undefined {
  for (const product of store.products) {
    const variant = product.variants.find((v) => v.sku === sku);
    if (variant) return { product, variant };
  }
  return undefined;
}

export function variantStock(variant: BcVariant, locationId?: number): number {
  if (locationId !== undefined) return variant.stock.get(locationId) ?? 0;
  let total = 0;
  for (const qty of variant.stock.values()) total += qty;
  return total;
}

export function productStock(product: BcProduct): number {
  return product.variants.reduce((sum, v) => sum + variantStock(v), 0);
}

export function defaultLocationId(store: BcStore): number {
  return store.locations[0].id;
}
