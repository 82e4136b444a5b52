// Products and variants: incremental pulls, SKU lookup, and retry-safe draft creation.
import type { z } from 'zod';
import type { CreateProductOptions } from '../sdk/capabilities.ts';
import type { ChangedSince, Page, ProductInput, Sku, TandemProduct, TandemVariant } from '../sdk/types.ts';
import { NotFound } from '../sdk/errors.ts';
import type { ShopifyClient } from './client.ts';
import { ChangedProducts, ChangedVariants, ProductMediaAfter, ProductSet, ProductsByQuery, ProductVariantsAfter, PRODUCTS_PAGE, VARIANTS_PAGE } from './documents.ts';
import { referenceTag, searchValue, toShopifyProductSet, toTandemProduct, toTandemVariant } from './map.ts';
import { ChangedProductsData, ChangedVariantsData, ProductMediaAfterData, ProductSetData, ProductsByQueryData, ProductVariantsAfterData, type ShopifyMedia, type ShopifyProduct, type ShopifyVariant } from './schemas.ts';

type ChangedVariantsPage = z.infer<typeof ChangedVariantsData>;

/** SKUs per lookup query: keeps the search string short and the answer within one page. */
const SKUS_PER_QUERY = 50;

export function updatedSince(changed: ChangedSince): string | undefined {
  return changed.since ? `updated_at:>=${searchValue(changed.since.toISOString())}` : undefined;
}

export async function listChangedProducts(client: ShopifyClient, changed: ChangedSince): Promise<Page<TandemProduct>> {
  const data = await client.request(ChangedProducts, { first: PRODUCTS_PAGE, after: changed.cursor ?? null, query: updatedSince(changed) ?? null }, ChangedProductsData);
  const items = await Promise.all(data.products.nodes.map((p) => withAllVariants(client, p)));
  return { items, nextCursor: data.products.pageInfo.hasNextPage ? data.products.pageInfo.endCursor : null };
}

/**
 * A product with more variants or images than the page query asks for gets the rest page by page:
 * a retailer's copy made from a truncated list would lose them under force-overwrite.
 */
async function withAllVariants(client: ShopifyClient, product: ShopifyProduct): Promise<TandemProduct> {
  const variants: ShopifyVariant[] = [...product.variants.nodes];
  let pageInfo = product.variants.pageInfo;
  while (pageInfo.hasNextPage) {
    const more = await client.request(ProductVariantsAfter, { id: product.id, after: pageInfo.endCursor }, ProductVariantsAfterData);
    if (!more.product) break;
    variants.push(...more.product.variants.nodes);
    pageInfo = more.product.variants.pageInfo;
  }
  const media: ShopifyMedia[] = [...product.media.nodes];
  let mediaPage = product.media.pageInfo;
  while (mediaPage.hasNextPage) {
    const more = await client.request(ProductMediaAfter, { id: product.id, after: mediaPage.endCursor }, ProductMediaAfterData);
    if (!more.product) break;
    media.push(...more.product.media.nodes);
    mediaPage = more.product.media.pageInfo;
  }
  return toTandemProduct(product, variants, media);
}

export async function listChangedVariants(client: ShopifyClient, changed: ChangedSince): Promise<Page<TandemVariant>> {
  const data = await client.request(ChangedVariants, { first: VARIANTS_PAGE, after: changed.cursor ?? null, query: updatedSince(changed) ?? null }, ChangedVariantsData);
  return {
    items: data.productVariants.nodes.map((v) => toTandemVariant(v)),
    nextCursor: data.productVariants.pageInfo.hasNextPage ? data.productVariants.pageInfo.endCursor : null,
  };
}

export async function findVariantsBySku(client: ShopifyClient, skus: Sku[]): Promise<Map<Sku, TandemVariant[]>> {
  const found = new Map<Sku, TandemVariant[]>(skus.map((s) => [s, []]));
  const unique = [...new Set(skus)];
  for (let i = 0; i < unique.length; i += SKUS_PER_QUERY) {
    const batch = unique.slice(i, i + SKUS_PER_QUERY);
    const query = batch.map((s) => `sku:${searchValue(s)}`).join(' OR ');
    let after: string | null = null;
    do {
      const data: ChangedVariantsPage = await client.request(ChangedVariants, { first: VARIANTS_PAGE, after, query }, ChangedVariantsData);
      for (const node of data.productVariants.nodes) {
        const variant = toTandemVariant(node);
        // Shopify's search is not exact (prefixes, case): keep only true matches.
        if (variant.sku && found.has(variant.sku)) found.get(variant.sku)!.push(variant);
      }
      after = data.productVariants.pageInfo.hasNextPage ? data.productVariants.pageInfo.endCursor : null;
    } while (after);
  }
  return found;
}

export async function findProductByReference(client: ShopifyClient, externalReference: string): Promise<TandemProduct | null> {
  const data = await client.request(ProductsByQuery, { query: `tag:${searchValue(referenceTag(externalReference))}` }, ProductsByQueryData);
  const product = data.products.nodes.find((p) => p.tags.includes(referenceTag(externalReference)));
  return product ? withAllVariants(client, product) : null;
}

/** Looks the reference up first (unless this is the first attempt); only then creates, as an unpublished draft. */
export async function createProduct(client: ShopifyClient, input: ProductInput, stockAt?: () => Promise<string>, options: CreateProductOptions = {}): Promise<TandemProduct> {
  const existing = options.firstAttempt ? null : await findProductByReference(client, input.externalReference);
  if (existing) return existing;
  return setProduct(client, input, undefined, `creating product "${input.title}" (${input.externalReference})`, undefined, await stockAt?.());
}

export async function updateProduct(client: ShopifyClient, externalId: string, input: ProductInput): Promise<TandemProduct> {
  const current = await findProductByReference(client, input.externalReference);
  if (current && current.externalId !== externalId) {
    throw NotFound(`Shopify product ${externalId} does not carry reference ${input.externalReference}`, { connectorId: 'shopify' });
  }
  return setProduct(client, input, current ?? undefined, `updating product "${input.title}" (${externalId})`, externalId);
}

async function setProduct(client: ShopifyClient, input: ProductInput, existing: TandemProduct | undefined, doing: string, id?: string, stockAt?: string): Promise<TandemProduct> {
  const data = await client.request(
    ProductSet,
    { input: toShopifyProductSet(input, existing, stockAt), identifier: id ? { id } : null },
    ProductSetData,
    { doing },
  );
  client.assertNoUserErrors(data.productSet?.userErrors, 'TandemProductSet', doing);
  const product = data.productSet?.product;
  if (!product) throw NotFound(`Shopify returned no product while ${doing}`, { connectorId: 'shopify' });
  return withAllVariants(client, product);
}
