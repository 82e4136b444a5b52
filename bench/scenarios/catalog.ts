// Scenario 2, catalog: the initial Full sync of a supplier's catalog to one new partner, run by
// the real catalog.sync job on a BullMQ worker (pull into the ledger, offer, create each product
// at the partner). Measured: wall time, Shopify calls and cost points at both shops, against the
// fewest calls the platform's batch sizes allow and the time the Standard plan's bucket allows.
import { requestManualRun } from '../../app/jobs/enqueue.server.ts';
import type { BenchEnv } from '../env.ts';
import { addShop, partner, type BenchShop } from '../network.ts';
import type { BenchRow } from '../table.ts';
import type { SeedProduct } from '../../simulators/shopify/index.ts';

export const VARIANTS_PER_PRODUCT = 10;
/** productSet is one mutation (10 points) per product, up to 2,048 variants each. */
const MUTATION_POINTS = 10;
const STANDARD = { maximumAvailable: 2_000, restoreRate: 100 };

export interface CatalogPair {
  supplier: BenchShop;
  retailer: BenchShop;
  partnershipId: string;
}

/** `variants` supplier variants, 10 to a product, and a new retailer partnered with nothing listed. */
export async function prepareCatalog(env: BenchEnv, label: string, variants: number): Promise<CatalogPair> {
  const supplier = await addShop(env.db, env.sim, `${label}-supplier.myshopify.com`, 'SUPPLIER');
  const retailer = await addShop(env.db, env.sim, `${label}-retailer.myshopify.com`, 'RETAILER');
  const partnershipId = await partner(env.db, supplier, retailer);
  const products = Math.ceil(variants / VARIANTS_PER_PRODUCT);
  const tag = label.toUpperCase();
  for (let start = 0; start < products; start += 1_000) {
    const batch: SeedProduct[] = [];
    for (let p = start; p < Math.min(products, start + 1_000); p++) {
      const sizes = Array.from({ length: VARIANTS_PER_PRODUCT }, (_, i) => `S${i + 1}`);
      batch.push({
        title: `${tag} product ${p + 1}`,
        descriptionHtml: `<p>${tag} product ${p + 1}</p>`,
        options: [{ name: 'Size', values: sizes }],
        variants: sizes.map((size, i) => ({ sku: `${tag}-${p + 1}-${i + 1}`, price: '10.00', available: 25, title: size, selectedOptions: [{ name: 'Size', value: size }] })),
      });
    }
    env.sim.seedProducts(supplier.domain, batch);
  }
  return { supplier, retailer, partnershipId };
}

export interface CatalogRun {
  wallMs: number;
  calls: number;
  supplierCalls: number;
  retailerCalls: number;
  costPoints: number;
  throttled: number;
  counts: Record<string, number>;
  status: string;
}

/** Enqueues the Full catalog.sync as "Sync now" would and waits for its SyncRun to finish. */
export async function runFullSync(env: BenchEnv, pair: CatalogPair, timeoutMs = 4 * 3_600_000): Promise<CatalogRun> {
  const before = [env.sim.calls(pair.supplier.domain).counts, env.sim.calls(pair.retailer.domain).counts];
  const started = Date.now();
  const { syncRunId } = await requestManualRun(env.db, env.queues, { queue: 'catalog.sync', shopId: pair.supplier.shopId, partnershipId: pair.partnershipId, mode: 'FULL' });
  for (;;) {
    const run = await env.db.syncRun.findUniqueOrThrow({ where: { id: syncRunId! } });
    if (['SUCCEEDED', 'PARTIAL', 'FAILED'].includes(run.status)) {
      const wallMs = Date.now() - started;
      const after = [env.sim.calls(pair.supplier.domain).counts, env.sim.calls(pair.retailer.domain).counts];
      const delta = (k: 'total' | 'throttled' | 'costCharged', i: number) => after[i]![k] - before[i]![k];
      if (run.status === 'FAILED') throw new Error(`The catalog sync failed: ${JSON.stringify(run.errors)}`);
      return {
        wallMs,
        supplierCalls: delta('total', 0),
        retailerCalls: delta('total', 1),
        calls: delta('total', 0) + delta('total', 1),
        costPoints: delta('costCharged', 0) + delta('costCharged', 1),
        throttled: delta('throttled', 0) + delta('throttled', 1),
        counts: run.counts as Record<string, number>,
        status: run.status,
      };
    }
    if (Date.now() - started > timeoutMs) throw new Error(`The catalog sync did not finish within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The fewest calls, points and seconds any sync could spend on `variants` variants. */
export function catalogBounds(variants: number) {
  const products = Math.ceil(variants / VARIANTS_PER_PRODUCT);
  // Supplier: bulkOperationRunQuery (a mutation) and one status poll. Retailer: one productSet per product.
  const calls = 2 + products;
  const points = MUTATION_POINTS + 1 + products * MUTATION_POINTS;
  const seconds = Math.max(0, (products * MUTATION_POINTS - STANDARD.maximumAvailable) / STANDARD.restoreRate);
  return { products, calls, points, ms: seconds * 1000 };
}

export function catalogRows(scenario: string, variants: number, run: CatalogRun, note = ''): BenchRow[] {
  const bound = catalogBounds(variants);
  const size = `${variants.toLocaleString('en-US')} variants`;
  return [
    { scenario, metric: `${size}: wall time`, value: run.wallMs, bound: bound.ms, unit: 'ms', note: `bound: ${bound.products.toLocaleString('en-US')} productSet × 10 points at 100 points/s after the 2,000-point bucket${note ? `; ${note}` : ''}` },
    { scenario, metric: `${size}: API calls`, value: run.calls, bound: bound.calls, unit: 'calls', note: `supplier ${run.supplierCalls}, retailer ${run.retailerCalls}, throttled ${run.throttled}; bound: bulk export (run + poll) + 1 productSet per product` },
    { scenario, metric: `${size}: cost points`, value: run.costPoints, bound: bound.points, unit: 'points', note: `created ${run.counts.created ?? 0}, run ${run.status.toLowerCase()}` },
  ];
}

export async function runCatalog(env: BenchEnv, variants: number, latencyMs: number): Promise<BenchRow[]> {
  const pair = await prepareCatalog(env, `cat${variants / 1000}k`, variants);
  await env.setLatency(latencyMs);
  const run = await runFullSync(env, pair);
  return catalogRows('2 catalog', variants, run);
}
