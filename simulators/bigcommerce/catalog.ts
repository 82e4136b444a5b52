// Catalog and stock changes shared by the vendor routes and the control API.
import { allVariants, defaultLocationId, findVariantBySku, type BcProduct, type BcStore, type BigCommerceState } from './state.ts';

export class BcError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly errors: Record<string, string> = {},
  ) {
    super(title);
  }
}

export interface VariantInput {
  sku: string;
  price?: number | null;
  inventory_level?: number;
  option_values?: { label: string; option_display_name: string }[];
}

export interface ProductInput {
  name: string;
  type?: 'physical' | 'digital';
  sku?: string;
  price: number;
  weight?: number;
  inventory_level?: number;
  inventory_tracking?: 'none' | 'product' | 'variant';
  is_visible?: boolean;
  variants?: VariantInput[];
}

export function createProduct(state: BigCommerceState, store: BcStore, input: ProductInput, now: Date): BcProduct {
  if (!input.name || input.price === undefined || input.price === null) {
    const missing: Record<string, string> = {};
    if (!input.name) missing.name = 'error.path.missing';
    if (input.price === undefined || input.price === null) missing.price = 'error.path.missing';
    throw new BcError(422, 'JSON data is missing or invalid', missing);
  }
  const skus = [input.sku, ...(input.variants ?? []).map((v) => v.sku)].filter((s): s is string => Boolean(s));
  for (const sku of skus) {
    if (findVariantBySku(store, sku)) {
      throw new BcError(409, `The product sku is a duplicate`, { sku: `Sku ${sku} is not unique` });
    }
  }
  if (store.products.some((p) => p.name === input.name)) {
    throw new BcError(409, 'The product name is a duplicate', { name: `The product name "${input.name}" is a duplicate` });
  }
  const id = state.nextId();
  const location = defaultLocationId(store);
  const withVariants = (input.variants?.length ?? 0) > 0;
  const product: BcProduct = {
    id,
    name: input.name,
    type: input.type ?? 'physical',
    sku: input.sku ?? '',
    price: input.price,
    weight: input.weight ?? 0,
    inventory_tracking: input.inventory_tracking ?? (withVariants ? 'variant' : 'product'),
    is_visible: input.is_visible ?? true,
    date_created: now,
    date_modified: now,
    variants: [],
  };
  if (withVariants) {
    const optionId = state.nextId();
    for (const v of input.variants ?? []) {
      product.variants.push({
        id: state.nextId(),
        product_id: id,
        sku: v.sku,
        price: v.price ?? null,
        option_values: (v.option_values ?? []).map((o) => ({ ...o, id: state.nextId(), option_id: optionId })),
        stock: new Map([[location, v.inventory_level ?? 0]]),
      });
    }
  } else {
    product.variants.push({
      id: state.nextId(),
      product_id: id,
      sku: input.sku ?? '',
      price: null,
      option_values: [],
      stock: new Map([[location, input.inventory_level ?? 0]]),
    });
  }
  store.products.push(product);
  return product;
}

export interface VariantUpdate {
  id?: number;
  sku?: string;
  price?: number | null;
  inventory_level?: number;
}

/** Catalog writes of `inventory_level` set the default location's stock (the catalog's total view). */
export function updateVariant(store: BcStore, update: VariantUpdate, now: Date) {
  const found = store.products
    .flatMap((product) => product.variants.map((variant) => ({ product, variant })))
    .find(({ variant }) => variant.id === update.id);
  if (!found) throw new BcError(404, `Variant with id ${update.id} not found`);
  const { product, variant } = found;
  if (update.sku !== undefined && update.sku !== variant.sku) {
    if (findVariantBySku(store, update.sku)) throw new BcError(409, `Sku ${update.sku} is not unique`);
    variant.sku = update.sku;
  }
  if (update.price !== undefined) variant.price = update.price;
  if (update.inventory_level !== undefined) variant.stock.set(defaultLocationId(store), update.inventory_level);
  product.date_modified = now;
  return found;
}

export interface AdjustmentItem {
  location_id?: number;
  sku?: string;
  variant_id?: number;
  product_id?: number;
  quantity?: number;
}

/** Resolves one adjustment item to the variant that carries its stock, or explains why not. */
function resolveItem(store: BcStore, item: AdjustmentItem) {
  if (item.location_id === undefined || !store.locations.some((l) => l.id === item.location_id)) {
    throw new BcError(422, `Location with id ${item.location_id ?? '(missing)'} not found`, { location_id: 'error.path.missing' });
  }
  if (typeof item.quantity !== 'number' || !Number.isInteger(item.quantity)) {
    throw new BcError(422, 'quantity must be an integer', { quantity: 'error.path.missing' });
  }
  let match;
  if (item.sku !== undefined) match = findVariantBySku(store, item.sku);
  else if (item.variant_id !== undefined) {
    match = store.products
      .flatMap((product) => product.variants.map((variant) => ({ product, variant })))
      .find(({ variant }) => variant.id === item.variant_id);
  } else if (item.product_id !== undefined) {
    const product = store.products.find((p) => p.id === item.product_id);
    if (product) {
      // inventory.v3.yml: product-level items only when the product tracks stock itself.
      if (product.inventory_tracking === 'variant') {
        throw new BcError(422, `[Item with product_id ${product.id} is tracked by variant, please update stock by variant id]`);
      }
      match = { product, variant: product.variants[0] };
    }
  } else {
    throw new BcError(422, 'One of sku, product_id or variant_id is required', { items: 'error.path.missing' });
  }
  if (!match) throw new BcError(422, `Item ${item.sku ?? item.variant_id ?? item.product_id} not found`);
  const { product, variant } = match;
  // README: absolute adjustments answer 422 when the item is tracked at the other level.
  if (product.inventory_tracking === 'product' && product.variants.length > 1 && item.product_id === undefined) {
    throw new BcError(422, `[Item with variant_id ${variant.id} is tracked by product, please update stock by product id]`);
  }
  return { product, variant, locationId: item.location_id, quantity: item.quantity };
}

export const MAX_ADJUSTMENT_ITEMS = 2000;

export function adjustInventory(store: BcStore, items: AdjustmentItem[], mode: 'absolute' | 'relative', now: Date) {
  if (!Array.isArray(items) || items.length === 0) throw new BcError(422, 'items is required', { items: 'error.path.missing' });
  if (items.length > MAX_ADJUSTMENT_ITEMS) {
    throw new BcError(422, `The request payload is too large. The maximum items allowed in the array is ${MAX_ADJUSTMENT_ITEMS}`);
  }
  // Validate the whole batch first: BigCommerce applies an adjustment as one transaction.
  const resolved = items.map((item) => resolveItem(store, item));
  for (const { product, variant, locationId, quantity } of resolved) {
    const current = variant.stock.get(locationId) ?? 0;
    variant.stock.set(locationId, mode === 'absolute' ? quantity : current + quantity);
    product.date_modified = now;
  }
  return resolved.map(({ product, variant }) => ({ product, variant }));
}

export function stockBySku(store: BcStore): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of allVariants(store)) {
    if (v.sku) out[v.sku] = [...v.stock.values()].reduce((a, b) => a + b, 0);
  }
  return out;
}
