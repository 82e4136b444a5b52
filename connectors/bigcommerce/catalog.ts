// Catalog pulls and SKU lookups over the v3 catalog (products_catalog.v3.yml,
// product-variants_catalog.v3.yml).
import type { ChangedSince, Page, Sku, TandemProduct, TandemVariant } from '../sdk/types.ts';
import type { BigCommerceClient } from './client.ts';
import { nextCursor, startOf } from './cursor.ts';
import { toBigCommerceDate, toTandemProduct, toTandemVariant } from './map.ts';
import { BigCommerceProduct, BigCommerceVariant, v3List } from './schemas.ts';

/** Products per page with their variants embedded: well under the 250 maximum, to keep answers small. */
const PRODUCTS_PER_PAGE = 50;
/** Values per `:in` filter, so the query string stays well under URL limits. */
const IDS_PER_QUERY = 50;

export async function listChangedProducts(bc: BigCommerceClient, changed: ChangedSince): Promise<Page<TandemProduct>> {
  const at = startOf(changed);
  // GET /v3/catalog/products?include=variants,images&date_modified:min=&sort=id
  // (https://developer.bigcommerce.com/docs/rest-catalog/products#get-all-products, products_catalog.v3.yml)
  const { data, meta } = await bc.get(
    'v3/catalog/products',
    {
      include: 'variants,images',
      sort: 'id',
      direction: 'asc',
      limit: PRODUCTS_PER_PAGE,
      page: at.page,
      ...(at.since ? { 'date_modified:min': toBigCommerceDate(new Date(at.since)) } : {}),
    },
    v3List(BigCommerceProduct),
  );
  const totalPages = meta.pagination?.total_pages ?? at.page;
  return { items: data.map(toTandemProduct), nextCursor: data.length === 0 ? null : nextCursor(at, totalPages) };
}

export async function listChangedVariants(bc: BigCommerceClient, changed: ChangedSince): Promise<Page<TandemVariant>> {
  const page = await listChangedProducts(bc, changed);
  return { items: page.items.flatMap((p) => p.variants), nextCursor: page.nextCursor };
}

async function allPages<T>(read: (page: number) => Promise<{ data: T[]; meta: { pagination?: { total_pages: number } } }>): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const { data, meta } = await read(page);
    out.push(...data);
    if (data.length === 0 || page >= (meta.pagination?.total_pages ?? page)) return out;
  }
}

export async function productsById(bc: BigCommerceClient, ids: number[]): Promise<BigCommerceProduct[]> {
  const out: BigCommerceProduct[] = [];
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
    const chunk = unique.slice(i, i + IDS_PER_QUERY).join(',');
    // GET /v3/catalog/products?id:in= (https://developer.bigcommerce.com/docs/rest-catalog/products#get-all-products)
    out.push(...(await allPages((page) => bc.get('v3/catalog/products', { 'id:in': chunk, limit: 250, page }, v3List(BigCommerceProduct)))));
  }
  return out;
}

/** Variants matching one `:in` filter (sku:in or id:in), with their products for titles and stock tracking. */
async function variantsWhere(bc: BigCommerceClient, filter: 'sku:in' | 'id:in', values: string[]): Promise<TandemVariant[]> {
  const variants: BigCommerceVariant[] = [];
  for (let i = 0; i < values.length; i += IDS_PER_QUERY) {
    const chunk = values.slice(i, i + IDS_PER_QUERY).join(',');
    // GET /v3/catalog/variants?sku:in= or id:in= (https://developer.bigcommerce.com/docs/rest-catalog/product-variants#get-all-variants)
    variants.push(...(await allPages((page) => bc.get('v3/catalog/variants', { [filter]: chunk, limit: 250, page }, v3List(BigCommerceVariant)))));
  }
  const products = new Map((await productsById(bc, variants.map((v) => v.product_id))).map((p) => [p.id, p]));
  return variants.flatMap((v) => {
    const product = products.get(v.product_id);
    return product ? [toTandemVariant(product, v)] : [];
  });
}

/** Every variant carrying each SKU; BigCommerce refuses duplicates on save, but older stores and imports hold some. */
export async function findVariantsBySku(bc: BigCommerceClient, skus: Sku[]): Promise<Map<Sku, TandemVariant[]>> {
  const found = new Map<Sku, TandemVariant[]>(skus.map((s) => [s, []]));
  for (const variant of await variantsWhere(bc, 'sku:in', [...new Set(skus)])) {
    if (variant.sku && found.has(variant.sku)) found.get(variant.sku)!.push(variant);
  }
  return found;
}

export async function variantsById(bc: BigCommerceClient, ids: string[]): Promise<TandemVariant[]> {
  return variantsWhere(bc, 'id:in', [...new Set(ids)]);
}
