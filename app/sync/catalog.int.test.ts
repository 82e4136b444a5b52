import { beforeEach, describe, expect, it } from 'vitest';
import type { ChangedSince } from '../../connectors/sdk/types.ts';
import type { ShopifySimulator } from '../../simulators/shopify/index.ts';
import type { TestDatabase } from '../../test/support/db.ts';
import { usePartnerWorld } from '../../test/support/partner-world.ts';
import { deleteProduct, editProduct, productWith, type Partners } from '../../test/support/partners.ts';
import { CATALOG_STREAM, pullSupplierCatalog } from './catalog.server.ts';
import type { SyncContext } from './connections.server.ts';

const world = usePartnerWorld('catalog_pull');
let database: TestDatabase;
let sim: ShopifySimulator;
let ctx: SyncContext;
let p: Partners;

beforeEach(() => void ({ database, sim, ctx, partners: p } = world));
beforeEach(async () => {
  // 20 products: three pages of the connector's 8 (PRODUCTS_PAGE).
  sim.seedProducts(p.supplierDomain, Array.from({ length: 20 }, (_, i) => productWith(`Product ${i + 1}`, [`P${i + 1}`], '10.00')));
});

/**
 * Records every page request, and fails the `failOn`-th one like a dropped connection would. The
 * connector offers no bulk export here, so a whole-catalog pass pages too.
 */
function watchingPulls(failOn?: number) {
  const requests: ChangedSince[] = [];
  const context: SyncContext = {
    ...ctx,
    async connectorFor(connection) {
      const connector = await ctx.connectorFor(connection);
      return {
        ...connector,
        readFullCatalog: undefined,
        async listChangedProducts(changed) {
          requests.push(changed);
          if (requests.length === failOn) throw new Error('connection reset');
          return connector.listChangedProducts!(changed);
        },
      };
    },
  };
  return { context, requests };
}

const variantCount = () => database.db.sourceVariant.count({ where: { connectionId: p.supplierConnectionId } });
const checkpoint = () => database.db.checkpoint.findUniqueOrThrow({ where: { connectionId_stream: { connectionId: p.supplierConnectionId, stream: CATALOG_STREAM } } });

describe('when pulling a supplier catalog page by page', () => {
  it('saves the checkpoint after each written page, so a pull that dies on page 2 resumes there', async () => {
    const dying = watchingPulls(2);
    await expect(pullSupplierCatalog(dying.context, p.supplierConnectionId, { mode: 'PARTIAL' })).rejects.toThrow('connection reset');
    expect(await variantCount()).toBe(8);
    const saved = JSON.parse((await checkpoint()).cursor!);
    expect(saved.page).toEqual(expect.any(String));

    const retry = watchingPulls();
    const result = await pullSupplierCatalog(retry.context, p.supplierConnectionId, { mode: 'PARTIAL' });

    expect(retry.requests.map((r) => r.cursor ?? null)).toEqual([saved.page, expect.any(String)]);
    expect(result).toMatchObject({ pages: 2, products: 12 });
    expect(await variantCount()).toBe(20);
    expect(JSON.parse((await checkpoint()).cursor!)).toMatchObject({ page: null });
  });

  it('reads only what changed since the last pass, re-reading the lookback window, on a Partial pull', async () => {
    const byTitle = (title: string) => sim.products(p.supplierDomain).find((x) => x.title === title)!;
    sim.clock.advance(60 * 60_000);
    editProduct(sim, p.supplierDomain, byTitle('Product 3').id, { title: 'Product 3 (new)' });
    await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });
    const watermark = JSON.parse((await checkpoint()).cursor!).watermark as string;
    expect(watermark).toBe(new Date(byTitle('Product 3 (new)').updatedAt).toISOString());
    sim.clock.advance(60 * 60_000);
    editProduct(sim, p.supplierDomain, byTitle('Product 7').id, { title: 'Product 7 (new)' });

    const watch = watchingPulls();
    const result = await pullSupplierCatalog(watch.context, p.supplierConnectionId, { mode: 'PARTIAL' });

    // Product 3 changed at the watermark itself: inside the 2-minute lookback, so read again (unchanged).
    expect(result).toMatchObject({ products: 2, changed: 1, ghosts: 0 });
    expect(watch.requests[0]!.since).toEqual(new Date(new Date(watermark).getTime() - 2 * 60_000));
    expect(JSON.parse((await checkpoint()).cursor!).watermark).toBe(new Date(byTitle('Product 7 (new)').updatedAt).toISOString());
    const row = await database.db.sourceVariant.findFirstOrThrow({ where: { connectionId: p.supplierConnectionId, sku: 'P7' } });
    expect(row.productTitle).toBe('Product 7 (new)');
  });

  it('restarts from the beginning on Full but keeps the hashes, so unchanged variants count as unchanged', async () => {
    await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });
    const before = await checkpoint();

    const result = await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });

    expect(result).toMatchObject({ products: 20, variants: 20, changed: 0, ghosts: 0, generation: JSON.parse(before.cursor!).generation + 1 });
    const after = await checkpoint();
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.lastFullAt!.getTime()).toBeGreaterThanOrEqual(before.lastFullAt!.getTime());
  });
});

describe('when a pass reads the whole catalog', () => {
  it('reads it through the bulk export in a few calls instead of a page call per eight products, and records every variant', async () => {
    const before = sim.calls(p.supplierDomain).log.length;

    const result = await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });

    const roots = sim.calls(p.supplierDomain).log.slice(before).flatMap((c) => c.rootFields);
    expect(roots[0]).toBe('bulkOperationRunQuery');
    expect(roots.slice(1).every((r) => r === 'bulkOperation')).toBe(true);
    expect(roots).not.toContain('products');
    expect(result).toMatchObject({ products: 20, variants: 20, changed: 20, ghosts: 0 });
    expect(await variantCount()).toBe(20);
    expect(JSON.parse((await checkpoint()).cursor!)).toMatchObject({ page: null, mode: 'FULL' });
  });

  it('marks variants the export no longer holds as deleted', async () => {
    await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });
    deleteProduct(sim, p.supplierDomain, sim.products(p.supplierDomain).find((x) => x.title === 'Product 4')!.id);

    const result = await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });

    expect(result).toMatchObject({ products: 19, ghosts: 1 });
    const gone = await database.db.sourceVariant.findFirstOrThrow({ where: { connectionId: p.supplierConnectionId, sku: 'P4' } });
    expect(gone.deletedAt).not.toBeNull();
  });
});
