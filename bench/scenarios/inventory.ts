// Scenario 3, hourly inventory: 1% of a 100,000-SKU catalog changed stock at the supplier since the
// last push; the real inventory.push job (prices changed since the watermark, then stock) runs on a
// worker. Measured: API calls per changed SKU, against the fewest the platform allows: one
// inventorySetQuantities per 250 changed SKUs, plus the reads needed to find them (a bulk export of
// the supplier's levels: start it and poll it once).
import { requestManualRun } from '../../app/jobs/enqueue.server.ts';
import { CATALOG_STREAM } from '../../app/sync/catalog.server.ts';
import type { ShopifySimulator } from '../../simulators/shopify/index.ts';
import { levelsOfItem } from '../../simulators/shopify/resolvers/inventory-math.ts';
import type { BenchEnv } from '../env.ts';
import { addShop, partner } from '../network.ts';
import { linkVariants, type LinkedVariant } from '../seed.ts';
import type { BenchRow } from '../table.ts';
import { VARIANTS_PER_PRODUCT } from './catalog.ts';

const INVENTORY_BATCH = 250;
/** bulkOperationRunQuery + one bulkOperation poll. */
const EXPORT_CALLS = 2;

function seedCatalog(sim: ShopifySimulator, domain: string, skus: number) {
  for (let start = 0; start < skus / VARIANTS_PER_PRODUCT; start += 1_000) {
    const products = Array.from({ length: Math.min(1_000, skus / VARIANTS_PER_PRODUCT - start) }, (_, i) => {
      const p = start + i + 1;
      const sizes = Array.from({ length: VARIANTS_PER_PRODUCT }, (_, v) => `S${v + 1}`);
      return {
        title: `Stock product ${p}`,
        options: [{ name: 'Size', values: sizes }],
        variants: sizes.map((size, v) => ({ sku: `INV-${p}-${v + 1}`, price: '10.00', available: 40, title: size, selectedOptions: [{ name: 'Size', value: size }] })),
      };
    });
    sim.seedProducts(domain, products);
  }
}

/** Variant and inventory item ids by SKU, read from the simulator's records (its control API lists them one SKU at a time). */
function idsBySku(sim: ShopifySimulator, domain: string) {
  const out = new Map<string, { productId: string; variantId: string; itemId: string; itemNumber: number }>();
  for (const v of sim.shop(domain).variants.values()) {
    if (v.sku) out.set(v.sku, { productId: `gid://shopify/Product/${v.productId}`, variantId: `gid://shopify/ProductVariant/${v.id}`, itemId: `gid://shopify/InventoryItem/${v.inventoryItemId}`, itemNumber: v.inventoryItemId });
  }
  return out;
}

/** The supplier's merchant edits stock in the Shopify admin (not through the API, so no call is counted). */
function merchantChangesStock(sim: ShopifySimulator, domain: string, itemNumbers: number[]) {
  const shop = sim.shop(domain);
  const at = new Date(sim.clock.nowMs()).toISOString();
  for (const item of itemNumbers) {
    const [level] = levelsOfItem(shop, item);
    if (!level) throw new Error(`No stock level for item ${item}`);
    level.available -= 3;
    level.updatedAt = at;
  }
}

export async function runInventory(env: BenchEnv, skus: number, latencyMs: number): Promise<BenchRow[]> {
  const supplier = await addShop(env.db, env.sim, 'inv-supplier.myshopify.com', 'SUPPLIER');
  const retailer = await addShop(env.db, env.sim, 'inv-retailer.myshopify.com', 'RETAILER');
  const partnershipId = await partner(env.db, supplier, retailer);
  // The catalog was made yesterday: the hourly pull's lookback window (2 min) holds none of it.
  env.sim.clock.advance(-86_400_000);
  seedCatalog(env.sim, supplier.domain, skus);
  seedCatalog(env.sim, retailer.domain, skus);
  env.sim.clock.advance(86_400_000);
  const atSupplier = idsBySku(env.sim, supplier.domain);
  const atRetailer = idsBySku(env.sim, retailer.domain);
  const variants: LinkedVariant[] = [...atSupplier].map(([sku, s]) => {
    const r = atRetailer.get(sku)!;
    return { sku, supplierVariantId: s.variantId, supplierInventoryItemId: s.itemId, partnerProductId: r.productId, partnerVariantId: r.variantId, partnerInventoryItemId: r.itemId, available: 40 };
  });
  await linkVariants(env.db, { partnershipId, connectionId: supplier.connectionId, variants });
  // The last catalog pass finished now: the hourly price pull reads only what changed since.
  await env.db.checkpoint.create({
    data: { connectionId: supplier.connectionId, stream: CATALOG_STREAM, cursor: JSON.stringify({ watermark: new Date(env.sim.clock.nowMs()).toISOString(), generation: 1, mode: 'PARTIAL' }) },
  });

  const changed = Math.round(skus / 100);
  const every = Math.floor(skus / changed);
  const items = [...atSupplier.values()].map((s) => s.itemNumber).filter((_, i) => i % every === 0).slice(0, changed);
  merchantChangesStock(env.sim, supplier.domain, items);
  await env.setLatency(latencyMs);

  env.startWorkers(['inventory.push']);
  const before = [env.sim.calls(supplier.domain).counts, env.sim.calls(retailer.domain).counts];
  const started = Date.now();
  const { syncRunId } = await requestManualRun(env.db, env.queues, { queue: 'inventory.push', shopId: supplier.shopId, partnershipId, mode: 'PARTIAL' });
  let run;
  for (;;) {
    run = await env.db.syncRun.findUniqueOrThrow({ where: { id: syncRunId! } });
    if (['SUCCEEDED', 'PARTIAL', 'FAILED'].includes(run.status)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const wallMs = Date.now() - started;
  if (run.status === 'FAILED') throw new Error(`The inventory push failed: ${JSON.stringify(run.errors)}`);
  const after = [env.sim.calls(supplier.domain).counts, env.sim.calls(retailer.domain).counts];
  const supplierCalls = after[0]!.total - before[0]!.total;
  const retailerCalls = after[1]!.total - before[1]!.total;
  const byRoot = (i: number) =>
    Object.entries(after[i]!.byRootField)
      .map(([k, n]) => [k, n - (before[i]!.byRootField[k] ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const counts = run.counts as Record<string, number>;
  if (counts.pushed !== changed) throw new Error(`The push wrote ${counts.pushed} listings, not the ${changed} that changed`);
  const calls = supplierCalls + retailerCalls;
  const boundCalls = Math.ceil(changed / INVENTORY_BATCH) + EXPORT_CALLS;
  const size = `${skus.toLocaleString('en-US')} SKUs, ${changed.toLocaleString('en-US')} changed`;
  return [
    { scenario: '3 hourly inventory', metric: `${size}: API calls`, value: calls, bound: boundCalls, unit: 'calls', note: `${(calls / changed).toFixed(3)} per changed SKU (bound ${(boundCalls / changed).toFixed(3)}); supplier: ${byRoot(0)}; retailer: ${byRoot(1)}; bound: ${Math.ceil(changed / INVENTORY_BATCH)} writes of 250 + ${EXPORT_CALLS} to export the supplier's levels` },
    { scenario: '3 hourly inventory', metric: `${size}: wall time`, value: wallMs, bound: (EXPORT_CALLS + 1) * latencyMs, unit: 'ms', note: `pushed ${counts.pushed}, unchanged ${counts.unchanged}; bound: export + poll, then the writes in parallel` },
  ];
}
