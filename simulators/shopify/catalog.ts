// Shops, locations, products, variants and inventory levels: the writes shared by the Admin API
// mutations and the control API (seeding), so both keep the same invariants.
import { nowIso, type Sim } from './context.ts';
import { inventoryLevelPayload, productPayload } from './payloads.ts';
import { emptyShop, levelKey, nextId, PLAN_BUCKETS, type InventoryLevelRecord, type PlanName, type ProductRecord, type ShopRecord, type VariantRecord } from './state.ts';
import { LeakyBucket } from './throttle.ts';
import type { BucketConfig } from './state.ts';

export interface ShopInput {
  domain: string;
  name?: string;
  email?: string;
  plan?: PlanName;
  ianaTimezone?: string;
  currencyCode?: string;
  /** Overrides the plan's bucket. */
  bucket?: Partial<BucketConfig>;
  /** Names of the locations to create; default one "Shop location". */
  locations?: string[];
}

export function createShop(sim: Sim, input: ShopInput): ShopRecord {
  const existing = sim.state.shops.get(input.domain);
  if (existing) return existing;
  const plan = input.plan ?? 'Standard';
  const shop = emptyShop(nextId(sim.state), {
    domain: input.domain,
    createdAt: nowIso(sim),
    name: input.name ?? input.domain.replace(/\.myshopify\.com$/, ''),
    email: input.email ?? `owner@${input.domain}`,
    plan,
    ianaTimezone: input.ianaTimezone ?? 'America/New_York',
    currencyCode: input.currencyCode ?? 'USD',
    bucket: { ...PLAN_BUCKETS[plan], ...input.bucket },
  });
  sim.state.shops.set(shop.domain, shop);
  sim.buckets.set(shop.domain, new LeakyBucket(shop.bucket, sim.clock.nowMs()));
  for (const name of input.locations ?? ['Shop location']) addLocation(sim, shop, name);
  shop.publications.push({ id: nextId(sim.state), name: 'Online Store' }, { id: nextId(sim.state), name: 'Point of Sale' });
  return shop;
}

export function setPlan(sim: Sim, shop: ShopRecord, plan: PlanName | undefined, bucket: Partial<BucketConfig> = {}) {
  if (plan) shop.plan = plan;
  shop.bucket = { ...PLAN_BUCKETS[shop.plan], ...(plan ? {} : shop.bucket), ...bucket };
  bucketOf(sim, shop).reconfigure(shop.bucket, sim.clock.nowMs());
}

export function bucketOf(sim: Sim, shop: ShopRecord): LeakyBucket {
  let bucket = sim.buckets.get(shop.domain);
  if (!bucket) {
    bucket = new LeakyBucket(shop.bucket, sim.clock.nowMs());
    sim.buckets.set(shop.domain, bucket);
  }
  return bucket;
}

export function addLocation(sim: Sim, shop: ShopRecord, name: string) {
  const at = nowIso(sim);
  const loc = { id: nextId(sim.state), name, isActive: true, createdAt: at, updatedAt: at };
  shop.locations.push(loc);
  return loc;
}

export function primaryLocation(shop: ShopRecord) {
  return shop.locations.find((l) => l.isActive) ?? shop.locations[0];
}

export function handleize(title: string) {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'product'
  );
}

/** `wanted`, or `wanted-1`, `wanted-2`… when another product holds it (as Shopify suffixes). */
export function uniqueHandle(shop: ShopRecord, wanted: string, exceptId?: number) {
  const taken = (h: string) => {
    const holder = shop.handles.get(h);
    return holder !== undefined && holder !== exceptId;
  };
  if (!taken(wanted)) return wanted;
  let n = 1;
  while (taken(`${wanted}-${n}`)) n++;
  return `${wanted}-${n}`;
}

export function setHandle(shop: ShopRecord, product: ProductRecord, wanted: string) {
  const handle = uniqueHandle(shop, wanted, product.id);
  if (shop.handles.get(product.handle) === product.id) shop.handles.delete(product.handle);
  product.handle = handle;
  shop.handles.set(handle, product.id);
}

export function productByHandle(shop: ShopRecord, handle: string | null | undefined): ProductRecord | undefined {
  const id = handle ? shop.handles.get(handle) : undefined;
  return id === undefined ? undefined : shop.products.get(id);
}

export interface NewProduct {
  title: string;
  handle?: string;
  status?: ProductRecord['status'];
  vendor?: string;
  productType?: string;
  descriptionHtml?: string;
  tags?: string[];
  options?: { name: string; values: string[] }[];
  /** Image URLs as Shopify's CDN serves them (or productSet's `files` originalSource); the first becomes the featured media. */
  images?: { url: string; altText?: string | null }[];
}

/** Replaces a product's media with these images, in order (productSet's `files` is the whole set). */
export function setProductImages(sim: Sim, product: ProductRecord, images: { url: string; altText?: string | null }[]) {
  product.media = images.map((i) => ({ id: nextId(sim.state), url: i.url, altText: i.altText ?? null }));
}

export function createProduct(sim: Sim, shop: ShopRecord, input: NewProduct): ProductRecord {
  const at = nowIso(sim);
  const product: ProductRecord = {
    id: nextId(sim.state),
    title: input.title,
    handle: uniqueHandle(shop, input.handle ?? handleize(input.title)),
    status: input.status ?? 'ACTIVE',
    vendor: input.vendor ?? shop.name,
    productType: input.productType ?? '',
    descriptionHtml: input.descriptionHtml ?? '',
    tags: input.tags ?? [],
    createdAt: at,
    updatedAt: at,
    publishedAt: null,
    variantIds: [],
    publicationIds: [],
    options: input.options ?? [{ name: 'Title', values: ['Default Title'] }],
    media: [],
  };
  setProductImages(sim, product, input.images ?? []);
  shop.products.set(product.id, product);
  shop.handles.set(product.handle, product.id);
  return product;
}

export interface NewVariant {
  sku?: string | null;
  price?: string | number;
  compareAtPrice?: string | number | null;
  barcode?: string | null;
  title?: string;
  inventoryPolicy?: 'DENY' | 'CONTINUE';
  selectedOptions?: { name: string; value: string }[];
  tracked?: boolean;
}

export function addVariant(sim: Sim, shop: ShopRecord, product: ProductRecord, input: NewVariant): VariantRecord {
  const at = nowIso(sim);
  const selectedOptions = input.selectedOptions ?? [{ name: product.options[0]?.name ?? 'Title', value: input.title ?? 'Default Title' }];
  const variant: VariantRecord = {
    id: nextId(sim.state),
    productId: product.id,
    title: input.title ?? (selectedOptions.map((o) => o.value).join(' / ') || 'Default Title'),
    sku: input.sku ?? null,
    barcode: input.barcode ?? null,
    price: String(input.price ?? '0.00'),
    compareAtPrice: input.compareAtPrice === undefined || input.compareAtPrice === null ? null : String(input.compareAtPrice),
    position: product.variantIds.length + 1,
    inventoryItemId: nextId(sim.state),
    inventoryPolicy: input.inventoryPolicy ?? 'DENY',
    taxable: true,
    selectedOptions,
    createdAt: at,
    updatedAt: at,
  };
  shop.variants.set(variant.id, variant);
  shop.inventoryItems.set(variant.inventoryItemId, { id: variant.inventoryItemId, variantId: variant.id, tracked: input.tracked ?? true, requiresShipping: true, createdAt: at, updatedAt: at });
  product.variantIds.push(variant.id);
  for (const opt of selectedOptions) {
    const option = product.options.find((o) => o.name === opt.name);
    if (option && !option.values.includes(opt.value)) option.values.push(opt.value);
    if (!option) product.options.push({ name: opt.name, values: [opt.value] });
  }
  return variant;
}

export function removeVariant(shop: ShopRecord, product: ProductRecord, variantId: number) {
  const variant = shop.variants.get(variantId);
  if (!variant) return;
  shop.variants.delete(variantId);
  shop.inventoryItems.delete(variant.inventoryItemId);
  for (const key of [...shop.levels.keys()]) if (key.startsWith(`${variant.inventoryItemId}:`)) shop.levels.delete(key);
  product.variantIds = product.variantIds.filter((id) => id !== variantId);
  product.variantIds.forEach((id, i) => {
    const v = shop.variants.get(id);
    if (v) v.position = i + 1;
  });
}

/** The level of an item at a location, stocking the item there (at 0) on first use. */
export function levelAt(sim: Sim, shop: ShopRecord, itemId: number, locationId: number): InventoryLevelRecord {
  const key = levelKey(itemId, locationId);
  let level = shop.levels.get(key);
  if (!level) {
    const at = nowIso(sim);
    level = { itemId, locationId, available: 0, committed: 0, createdAt: at, updatedAt: at };
    shop.levels.set(key, level);
  }
  return level;
}

export function touchLevel(sim: Sim, shop: ShopRecord, level: InventoryLevelRecord, eventId?: string) {
  level.updatedAt = nowIso(sim);
  const item = shop.inventoryItems.get(level.itemId);
  if (item) item.updatedAt = level.updatedAt;
  sim.webhooks.emit(shop, 'inventory_levels/update', inventoryLevelPayload(level), eventId);
}

export function touchProduct(sim: Sim, shop: ShopRecord, product: ProductRecord, eventId?: string) {
  product.updatedAt = nowIso(sim);
  sim.webhooks.emit(shop, 'products/update', productPayload(shop, product), eventId);
}

export function variantsBySku(shop: ShopRecord, sku: string) {
  return [...shop.variants.values()].filter((v) => v.sku === sku);
}

export interface SeedProduct extends NewProduct {
  variants?: (NewVariant & {
    /** `available` at the primary location, or per location name/id. */
    available?: number;
    inventory?: { location?: string | number; available: number }[];
  })[];
}

/** Control-API seeding: a product with variants and stock, no webhooks. */
export function seedProduct(sim: Sim, shop: ShopRecord, input: SeedProduct): ProductRecord {
  const product = createProduct(sim, shop, { ...input, options: input.options ?? [{ name: 'Title', values: [] }] });
  const variants = input.variants?.length ? input.variants : [{}];
  for (const [i, v] of variants.entries()) {
    const title = v.title ?? (variants.length === 1 ? 'Default Title' : v.sku ?? `Variant ${i + 1}`);
    const variant = addVariant(sim, shop, product, { ...v, title, selectedOptions: v.selectedOptions ?? [{ name: product.options[0].name, value: title }] });
    const stock = v.inventory ?? (v.available !== undefined ? [{ available: v.available }] : [{ available: 0 }]);
    for (const s of stock) {
      const loc = s.location === undefined ? primaryLocation(shop) : shop.locations.find((l) => l.id === Number(s.location) || l.name === s.location || `gid://shopify/Location/${l.id}` === s.location);
      if (!loc) throw new Error(`Unknown location ${String(s.location)} in ${shop.domain}`);
      levelAt(sim, shop, variant.inventoryItemId, loc.id).available = s.available;
    }
  }
  if (product.status === 'ACTIVE') {
    product.publishedAt = product.createdAt;
    product.publicationIds = shop.publications.map((p) => p.id);
  }
  return product;
}
