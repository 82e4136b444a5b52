// Full catalog and stock reads as bulk operations: start the export, poll until it completes, download
// the JSONL and reassemble children (`__parentId` lines, not necessarily next to their parent;
// Shopify/shopify-api-ruby issue #729) into products (shopify.dev/docs/api/usage/bulk-operations/queries).
import { Unavailable } from '../sdk/errors.ts';
import { sleep } from '../sdk/http.ts';
import type { InventoryLevel, TandemProduct } from '../sdk/types.ts';
import type { ShopifyClient } from './client.ts';
import { BulkCatalog, BulkOperationRunQuery, BulkOperationStatus, bulkInventoryQuery } from './documents.ts';
import { toTandemProduct } from './map.ts';
import { BulkInventoryRow, BulkRunData, BulkStatusData, ShopifyMedia, ShopifyProduct, ShopifyVariant } from './schemas.ts';

export interface BulkOptions {
  /** The longest pause between status polls (the first ones are shorter). Default 1 s. */
  pollMs?: number;
  /** Give up polling after this long (the operation keeps running on Shopify). Default 1 h. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export async function* readFullCatalog(client: ShopifyClient, options: BulkOptions = {}): AsyncIterable<TandemProduct> {
  const jsonl = await runBulkQuery(client, BulkCatalog, 'the catalog export', options);
  if (jsonl !== null) yield* assembleCatalog(jsonl);
}

/**
 * Every inventory level at `locationId` from one bulk export: items without a level there (not
 * stocked at the location) are left out, as `readInventory` leaves them out.
 */
export async function* readAllInventory(client: ShopifyClient, location: () => Promise<string>, options: BulkOptions = {}): AsyncIterable<InventoryLevel> {
  const locationId = await location();
  const jsonl = await runBulkQuery(client, bulkInventoryQuery(locationId), 'the stock export', options);
  if (jsonl === null) return;
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    const row = BulkInventoryRow.parse(JSON.parse(line));
    if (!row.variant || !row.inventoryLevel) continue;
    const available = row.inventoryLevel.quantities.find((q) => q.name === 'available')?.quantity ?? 0;
    yield { variant: { variantId: row.variant.id, inventoryItemId: row.id, sku: null }, locationId, available };
  }
}

/** Starts a bulk query, polls until it completes and returns its JSONL (null: no objects, no file). */
async function runBulkQuery(client: ShopifyClient, query: string, what: string, options: BulkOptions): Promise<string | null> {
  const started = await client.request(BulkOperationRunQuery, { query }, BulkRunData, { doing: `starting ${what}` });
  client.assertNoUserErrors(started.bulkOperationRunQuery?.userErrors, 'TandemBulkOperationRunQuery', `starting ${what}`);
  const id = started.bulkOperationRunQuery?.bulkOperation?.id;
  if (!id) throw Unavailable(`Shopify ${client.shop} did not start ${what}`, { connectorId: 'shopify' });

  const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
  let url: string | null = null;
  let polls = 0;
  for (;;) {
    const { bulkOperation: op } = await client.request(BulkOperationStatus, { id }, BulkStatusData);
    if (op?.status === 'COMPLETED') {
      url = op.url;
      break;
    }
    if (!op || ['FAILED', 'CANCELED', 'CANCELING', 'EXPIRED'].includes(op.status)) {
      throw Unavailable(`Shopify ${what} ${id} ended ${op?.status ?? 'missing'}${op?.errorCode ? ` (${op.errorCode})` : ''}`, { connectorId: 'shopify' });
    }
    if (Date.now() > deadline) throw Unavailable(`Shopify ${what} ${id} did not finish in time`, { connectorId: 'shopify' });
    // Quick first looks (a small export is done in moments), then every pollMs.
    await sleep(Math.min(options.pollMs ?? 1_000, 100 * 2 ** polls++));
  }
  // A completed export with no objects has no file.
  if (!url) return null;
  const response = await (options.fetch ?? fetch)(url);
  if (!response.ok) throw Unavailable(`Downloading Shopify ${what} ${id} answered ${response.status}`, { connectorId: 'shopify' });
  return response.text();
}

/** Products from the export's JSONL, each with all its variants. */
export function assembleCatalog(jsonl: string): TandemProduct[] {
  const products = new Map<string, Omit<ShopifyProduct, 'variants' | 'media'>>();
  const variants = new Map<string, ShopifyVariant[]>();
  const media = new Map<string, ShopifyMedia[]>();
  const add = <T>(children: Map<string, T[]>, parent: string, child: T) => children.set(parent, [...(children.get(parent) ?? []), child]);
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { id?: string; __parentId?: string };
    if (row.id?.startsWith('gid://shopify/Product/') && !row.__parentId) {
      products.set(row.id, ShopifyProduct.omit({ variants: true, media: true }).parse(row));
    } else if (row.__parentId && row.id?.startsWith('gid://shopify/ProductVariant/')) {
      add(variants, row.__parentId, ShopifyVariant.parse(row));
    } else if (row.__parentId && 'mediaContentType' in row) {
      add(media, row.__parentId, ShopifyMedia.parse(row));
    }
  }
  return [...products.values()].map((p) => toTandemProduct(p, variants.get(p.id) ?? [], media.get(p.id) ?? []));
}
