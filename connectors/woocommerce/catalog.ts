// Catalog pulls and SKU lookups. A variable product's variations live under it
// (/products/{id}/variations), so each variable product on a page costs one more call.
import { z } from 'zod';
import type { ChangedSince, Page, Sku, TandemProduct, TandemVariant } from '../sdk/types.ts';
import { MAX_PER_PAGE, type WooClient } from './client.ts';
import { nextCursor, startOf } from './cursor.ts';
import { toTandemProduct, toTandemVariant, toWooDate } from './map.ts';
import { WooProduct, WooVariation } from './schemas.ts';

/** SKUs per `sku=` filter, so the query string stays well under common URL limits. */
const SKUS_PER_QUERY = 50;

async function variationsOf(woo: WooClient, product: WooProduct, query: Record<string, string> = {}): Promise<WooVariation[]> {
  if (product.type !== 'variable') return [];
  // GET /products/<product_id>/variations: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-product-variations
  return woo.getAll(`products/${product.id}/variations`, query, z.array(WooVariation));
}

export async function listChangedProducts(woo: WooClient, changed: ChangedSince): Promise<Page<TandemProduct>> {
  const at = startOf(changed);
  // GET /products with modified_after (+ dates_are_gmt), orderby, page, per_page: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-products
  const { items, totalPages } = await woo.get(
    'products',
    {
      per_page: MAX_PER_PAGE,
      page: at.page,
      orderby: 'id',
      order: 'asc',
      ...(at.since ? { modified_after: toWooDate(new Date(at.since)), dates_are_gmt: true } : {}),
    },
    z.array(WooProduct),
  );
  const products: TandemProduct[] = [];
  for (const product of items) products.push(toTandemProduct(product, await variationsOf(woo, product)));
  return { items: products, nextCursor: items.length === 0 ? null : nextCursor(at, totalPages) };
}

export async function listChangedVariants(woo: WooClient, changed: ChangedSince): Promise<Page<TandemVariant>> {
  const page = await listChangedProducts(woo, changed);
  return { items: page.items.flatMap((p) => p.variants), nextCursor: page.nextCursor };
}

/**
 * Every variant carrying each SKU. `/products?sku=` finds simple products; variations are found
 * through each variable product's own `sku` filter, which costs one call per variable product.
 * (WooCommerce itself also answers matching variations to `/products?sku=`
 * (WC_REST_Products_Controller::prepare_objects_query adds product_variation), but the simulator
 * does not, so they are taken from the scan, where their parent is known, and skipped here.)
 * WooCommerce refuses a duplicate SKU on save, but imports and plugins write the meta directly,
 * so duplicates exist and are reported.
 */
export async function findVariantsBySku(woo: WooClient, skus: Sku[]): Promise<Map<Sku, TandemVariant[]>> {
  const found = new Map<Sku, TandemVariant[]>(skus.map((s) => [s, []]));
  const wanted = [...new Set(skus)];
  const add = (variant: TandemVariant) => {
    if (variant.sku && found.has(variant.sku)) found.get(variant.sku)!.push(variant);
  };
  for (let i = 0; i < wanted.length; i += SKUS_PER_QUERY) {
    const chunk = wanted.slice(i, i + SKUS_PER_QUERY).join(',');
    // GET /products?sku=a,b ("Use commas to separate"): https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-products
    for (const product of await woo.getAll('products', { sku: chunk }, z.array(WooProduct))) {
      if (product.type !== 'variable' && product.type !== 'variation') add(toTandemVariant(product));
    }
  }
  const variable = await woo.getAll('products', { type: 'variable' }, z.array(WooProduct));
  for (const product of variable) {
    for (let i = 0; i < wanted.length; i += SKUS_PER_QUERY) {
      const chunk = wanted.slice(i, i + SKUS_PER_QUERY).join(',');
      for (const variation of await variationsOf(woo, product, { sku: chunk })) add(toTandemVariant(product, variation));
    }
  }
  return found;
}

/** Simple products by id (`include`), for stock reads. */
export async function productsById(woo: WooClient, ids: number[]): Promise<WooProduct[]> {
  const out: WooProduct[] = [];
  for (let i = 0; i < ids.length; i += MAX_PER_PAGE) {
    // GET /products?include=: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-products
    out.push(...(await woo.getAll('products', { include: ids.slice(i, i + MAX_PER_PAGE).join(',') }, z.array(WooProduct))));
  }
  return out;
}

export async function variationsById(woo: WooClient, productId: number): Promise<WooVariation[]> {
  return woo.getAll(`products/${productId}/variations`, {}, z.array(WooVariation));
}
