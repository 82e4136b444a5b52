// Products, inventory and stock adjustments, shared by the API routes and the control API.
import { inventoryRecord, uuid, type LightspeedState, type LsProduct, type LsRetailer } from './state.ts';

/** An X-Series error answer: `{ error, details? }` with its HTTP status. */
export class LsError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  body() {
    return this.details === undefined ? { error: this.message } : { error: this.message, details: this.details };
  }
}

export interface VariantSeed {
  sku: string;
  price_excluding_tax?: number;
  /** Stock at the retailer's first outlet (or per outlet id). */
  inventory?: number | Record<string, number>;
  variant_options?: { name: string; value: string }[];
}

export interface ProductSeed {
  name: string;
  sku?: string;
  price_excluding_tax: number;
  supply_price?: number;
  inventory?: number | Record<string, number>;
  /** Variants of one family: the first becomes the family parent, as in X-Series. */
  variants?: VariantSeed[];
}

const handleOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '');

function ensureSkuFree(retailer: LsRetailer, sku: string, self?: LsProduct) {
  const owner = retailer.products.find((p) => p.sku === sku && !p.deleted_at);
  if (owner && owner !== self) throw new LsError(422, 'The SKU is already in use', { sku: [`${sku} is already used by product ${owner.id}`] });
}

function setInventory(state: LightspeedState, retailer: LsRetailer, productId: string, inventory: VariantSeed['inventory']) {
  const perOutlet = typeof inventory === 'number' ? { [retailer.outlets[0].id]: inventory } : (inventory ?? {});
  for (const outlet of retailer.outlets) {
    const record = inventoryRecord(state, retailer, productId, outlet.id);
    if (perOutlet[outlet.id] !== undefined) {
      record.current_inventory_level = perOutlet[outlet.id];
      record.version = state.nextVersion();
    }
  }
}

export function createProducts(state: LightspeedState, retailer: LsRetailer, seed: ProductSeed, now: string): LsProduct[] {
  const variants: VariantSeed[] = seed.variants?.length
    ? seed.variants
    : [{ sku: seed.sku ?? uuid().slice(0, 8), price_excluding_tax: seed.price_excluding_tax, inventory: seed.inventory }];
  for (const v of variants) ensureSkuFree(retailer, v.sku);
  if (new Set(variants.map((v) => v.sku)).size !== variants.length) throw new LsError(422, 'The SKU is already in use');
  const made: LsProduct[] = [];
  for (const v of variants) {
    const parent = made[0];
    const options = v.variant_options ?? [];
    const product: LsProduct = {
      id: uuid(),
      name: seed.name,
      handle: handleOf(seed.name),
      sku: v.sku,
      variant_parent_id: parent ? parent.id : null,
      variant_name: options.length ? `${seed.name} / ${options.map((o) => o.value).join(' / ')}` : seed.name,
      variant_options: options,
      price_excluding_tax: v.price_excluding_tax ?? seed.price_excluding_tax,
      supply_price: seed.supply_price ?? 0,
      active: true,
      version: state.nextVersion(),
      created_at: now,
      updated_at: now,
      deleted_at: null,
    };
    retailer.products.push(product);
    setInventory(state, retailer, product.id, v.inventory);
    made.push(product);
  }
  return made;
}

export interface ProductUpdate {
  common?: { name?: string };
  details?: { sku?: string; price_excluding_tax?: number; supply_price?: number; inventory?: { outlet_id: string; current_amount: number }[] };
}

export function updateProduct(state: LightspeedState, retailer: LsRetailer, product: LsProduct, update: ProductUpdate, now: string) {
  const details = update.details ?? {};
  if (details.sku !== undefined) {
    ensureSkuFree(retailer, details.sku, product);
    product.sku = details.sku;
  }
  if (details.price_excluding_tax !== undefined) product.price_excluding_tax = Number(details.price_excluding_tax);
  if (details.supply_price !== undefined) product.supply_price = Number(details.supply_price);
  if (update.common?.name !== undefined) {
    const familyId = product.variant_parent_id ?? product.id;
    for (const p of retailer.products) if (p.id === familyId || p.variant_parent_id === familyId) p.name = update.common.name;
  }
  for (const item of details.inventory ?? []) {
    if (!retailer.outlets.some((o) => o.id === item.outlet_id)) throw new LsError(422, `Unknown outlet ${item.outlet_id}`);
    // Vendor warning: a direct set corrupts cost history; the simulator only moves the level.
    setInventory(state, retailer, product.id, { [item.outlet_id]: Number(item.current_amount) });
  }
  product.updated_at = now;
  product.version = state.nextVersion();
  return product;
}

export const ADJUSTMENT_REASONS = ['DAMAGE', 'EXPIRY', 'INTERNAL_USE', 'THEFT', 'DONATION', 'STOCK_FOUND', 'SAMPLE_FOR_SALE', 'CUSTOM'];
export const MAX_ADJUSTMENTS = 1000;

export interface AdjustmentInput {
  outlet_id?: string;
  product_id?: string;
  quantity?: string | number;
  reason?: string;
  custom_inventory_adjustment_reason_id?: string;
}

/**
 * POST /stock_adjustments: 1–1000 relative adjustments with a reason, all or nothing
 * (CreateStockAdjustmentsRequest; invalid items answer 422).
 */
export function createAdjustments(state: LightspeedState, retailer: LsRetailer, items: AdjustmentInput[], userId: string, now: string) {
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_ADJUSTMENTS) {
    throw new LsError(422, `stock_adjustments must hold between 1 and ${MAX_ADJUSTMENTS} items`);
  }
  const problems: Record<string, string[]> = {};
  items.forEach((item, i) => {
    const errs: string[] = [];
    if (!retailer.outlets.some((o) => o.id === item.outlet_id)) errs.push('outlet_id is not a known outlet');
    if (!retailer.products.some((p) => p.id === item.product_id && !p.deleted_at)) errs.push('product_id is not a known product');
    if (item.quantity === undefined || !Number.isFinite(Number(item.quantity)) || Number(item.quantity) === 0) errs.push('quantity must be a non-zero number');
    if (!item.reason || !ADJUSTMENT_REASONS.includes(item.reason)) errs.push(`reason must be one of ${ADJUSTMENT_REASONS.join(', ')}`);
    if (item.reason === 'CUSTOM' && !item.custom_inventory_adjustment_reason_id) errs.push('custom_inventory_adjustment_reason_id is required for CUSTOM');
    if (errs.length) problems[`stock_adjustments[${i}]`] = errs;
  });
  if (Object.keys(problems).length) throw new LsError(422, 'Validation failed', problems);
  return items.map((item) => {
    const record = inventoryRecord(state, retailer, item.product_id!, item.outlet_id!);
    record.current_inventory_level += Number(item.quantity);
    record.version = state.nextVersion();
    const adjustment = {
      id: uuid(),
      outlet_id: item.outlet_id!,
      product_id: item.product_id!,
      quantity: String(item.quantity),
      reason: item.reason!,
      ...(item.custom_inventory_adjustment_reason_id ? { custom_inventory_adjustment_reason_id: item.custom_inventory_adjustment_reason_id } : {}),
      user_id: userId,
      version: state.nextVersion(),
      created_at: now,
      updated_at: now,
    };
    retailer.adjustments.push(adjustment);
    return adjustment;
  });
}
