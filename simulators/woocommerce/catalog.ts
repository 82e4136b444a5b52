// Product and variation writes shared by the REST routes, the batch endpoints and the control API.
import { findBySku, type WooMeta, type WooProduct, type WooSite, type WooCommerceState } from './state.ts';

/** A WP_Error as WooCommerce answers it: `{ code, message, data: { status } }`. */
export class WooError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  body() {
    return { code: this.code, message: this.message, data: { status: this.status } };
  }
}

export interface ProductInput {
  name?: string;
  type?: 'simple' | 'variable';
  sku?: string;
  regular_price?: string;
  sale_price?: string;
  status?: WooProduct['status'];
  manage_stock?: boolean;
  stock_quantity?: number | null;
  backorders?: WooProduct['backorders'];
  attributes?: WooProduct['attributes'];
  meta_data?: { id?: number; key: string; value: unknown }[];
}

const slugify = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'product';

function claimSku(site: WooSite, sku: string | undefined, self?: WooProduct) {
  if (!sku) return;
  const owner = findBySku(site, sku);
  // WC_Product_Data_Store: "Invalid or duplicated SKU." (product_invalid_sku).
  if (owner && owner !== self) throw new WooError(400, 'product_invalid_sku', 'Invalid or duplicated SKU.');
}

function mergeMeta(state: WooCommerceState, current: WooMeta[], changes: ProductInput['meta_data']) {
  for (const m of changes ?? []) {
    const existing = current.find((c) => (m.id !== undefined ? c.id === m.id : c.key === m.key));
    if (existing) existing.value = m.value;
    else current.push({ id: state.nextId(), key: m.key, value: m.value });
  }
}

/** Applies the writable fields; stock_quantity counts only while stock is managed (as in WooCommerce). */
function applyFields(state: WooCommerceState, site: WooSite, p: WooProduct, input: ProductInput, now: Date) {
  if (input.sku !== undefined) {
    claimSku(site, input.sku, p);
    p.sku = input.sku;
  }
  if (input.name !== undefined) p.name = input.name;
  if (input.regular_price !== undefined) p.regular_price = String(input.regular_price);
  if (input.sale_price !== undefined) p.sale_price = String(input.sale_price);
  if (input.status !== undefined) p.status = input.status;
  if (input.backorders !== undefined) p.backorders = input.backorders;
  if (input.attributes !== undefined) p.attributes = input.attributes;
  if (input.manage_stock !== undefined) {
    p.manage_stock = Boolean(input.manage_stock);
    if (!p.manage_stock) p.stock_quantity = null;
  }
  if (input.stock_quantity !== undefined && p.manage_stock) {
    if (input.stock_quantity !== null && !Number.isInteger(Number(input.stock_quantity))) {
      throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): stock_quantity');
    }
    p.stock_quantity = input.stock_quantity === null ? null : Number(input.stock_quantity);
  }
  mergeMeta(state, p.meta_data, input.meta_data);
  p.date_modified = now;
}

export function createProduct(state: WooCommerceState, site: WooSite, input: ProductInput, now: Date): WooProduct {
  claimSku(site, input.sku);
  const name = input.name ?? 'Product';
  const p: WooProduct = {
    id: state.nextId(),
    type: input.type ?? 'simple',
    parent_id: 0,
    name,
    slug: slugify(name),
    ...blankFields(now),
  };
  applyFields(state, site, p, input, now);
  site.products.push(p);
  return p;
}

/** What WooCommerce gives a new product or variation before the request's fields are applied. */
function blankFields(now: Date) {
  return {
    sku: '',
    regular_price: '',
    sale_price: '',
    status: 'publish',
    manage_stock: false,
    stock_quantity: null,
    backorders: 'no',
    attributes: [],
    meta_data: [],
    date_created: now,
    date_modified: now,
  } satisfies Partial<WooProduct>;
}

export function createVariation(state: WooCommerceState, site: WooSite, parent: WooProduct, input: ProductInput, now: Date): WooProduct {
  if (parent.type !== 'variable') {
    throw new WooError(400, 'woocommerce_rest_invalid_product_id', 'Variations can only be added to variable products.');
  }
  claimSku(site, input.sku);
  const v: WooProduct = {
    id: state.nextId(),
    type: 'variation',
    parent_id: parent.id,
    name: parent.name,
    slug: `${parent.slug}-${state.nextId()}`,
    ...blankFields(now),
  };
  applyFields(state, site, v, input, now);
  site.products.push(v);
  parent.date_modified = now;
  return v;
}

export function updateProduct(state: WooCommerceState, site: WooSite, p: WooProduct, input: ProductInput, now: Date) {
  applyFields(state, site, p, input, now);
  return p;
}

export function deleteProduct(site: WooSite, p: WooProduct) {
  site.products = site.products.filter((x) => x !== p && x.parent_id !== p.id);
}

export const BATCH_LIMIT = 100;

export interface BatchInput<T> {
  create?: T[];
  update?: (T & { id: number })[];
  delete?: number[];
}

type ItemResult = Record<string, unknown>;

/**
 * WC_REST_Controller::batch_items: more than 100 objects in all → 413; otherwise each item
 * succeeds or carries its own `error`, and the request answers 200.
 */
export function runBatch<T>(
  input: BatchInput<T>,
  ops: { create(item: T): ItemResult; update(item: T & { id: number }): ItemResult; remove(id: number): ItemResult },
) {
  const total = (input.create?.length ?? 0) + (input.update?.length ?? 0) + (input.delete?.length ?? 0);
  if (total > BATCH_LIMIT) {
    throw new WooError(413, 'woocommerce_rest_request_entity_too_large', `Unable to accept more than ${BATCH_LIMIT} items for this request.`);
  }
  const attempt = (id: number, fn: () => ItemResult) => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof WooError)) throw err;
      return { id, error: err.body() };
    }
  };
  const out: Record<string, ItemResult[]> = {};
  if (input.create) out.create = input.create.map((item) => attempt(0, () => ops.create(item)));
  if (input.update) out.update = input.update.map((item) => attempt(item.id ?? 0, () => ops.update(item)));
  if (input.delete) out.delete = input.delete.map((id) => attempt(id, () => ops.remove(id)));
  return out;
}
