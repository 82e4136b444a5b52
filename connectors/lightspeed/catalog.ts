// Incremental catalog pulls and SKU lookups. X-Series pages lists by `after=<version>` (exclusive)
// and `page_size`, ascending by version; the end is an empty `data` (products API, "Pagination").
import type { ChangedSince, Page, Sku, TandemProduct, TandemVariant } from '../sdk/types.ts';
import type { LightspeedClient } from './client.ts';
import { toTandemProducts, toTandemVariant } from './map.ts';
import { LightspeedProductPage, type LightspeedProduct } from './schemas.ts';

const PAGE_SIZE = 500;

/**
 * One page of changed product rows. Without a cursor but with `since`, pages are read until a row
 * changed at or after `since` (versions follow change order, so every later row has changed too).
 */
async function changedRows(ls: LightspeedClient, changed: ChangedSince): Promise<Page<LightspeedProduct>> {
  let after = changed.cursor ? Number(changed.cursor) : 0;
  const since = changed.cursor ? null : (changed.since ?? null);
  for (;;) {
    // GET /api/2026-07/products?after=<version>&page_size=…
    const { data: page } = await ls.request({ path: '2026-07/products', query: { after, page_size: PAGE_SIZE } }, LightspeedProductPage);
    if (page.data.length === 0) return { items: [], nextCursor: null };
    const max = page.version?.max ?? Math.max(...page.data.map((r) => r.version));
    const rows = since ? page.data.filter((r) => Date.parse(r.updated_at) >= since.getTime()) : page.data;
    if (rows.length > 0 || !since) return { items: rows.filter((r) => !r.deleted_at), nextCursor: String(max) };
    after = max;
  }
}

export async function listChangedProducts(ls: LightspeedClient, changed: ChangedSince): Promise<Page<TandemProduct>> {
  const page = await changedRows(ls, changed);
  return { items: toTandemProducts(page.items), nextCursor: page.nextCursor };
}

export async function listChangedVariants(ls: LightspeedClient, changed: ChangedSince): Promise<Page<TandemVariant>> {
  const page = await changedRows(ls, changed);
  return { items: page.items.map((r) => toTandemVariant(r)), nextCursor: page.nextCursor };
}

/**
 * GET /api/2026-07/products?sku=… per SKU ("all other query params are ignored if this is
 * provided"). Every row carrying the SKU is returned, so duplicates reach the engine as duplicates.
 */
export async function findVariantsBySku(ls: LightspeedClient, skus: Sku[]): Promise<Map<Sku, TandemVariant[]>> {
  const found = new Map<Sku, TandemVariant[]>();
  for (const sku of new Set(skus)) {
    const { data } = await ls.request({ path: '2026-07/products', query: { sku } }, LightspeedProductPage);
    found.set(
      sku,
      data.data.filter((r) => r.sku === sku && !r.deleted_at).map((r) => toTandemVariant(r)),
    );
  }
  return found;
}
