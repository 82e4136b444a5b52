// Scenario 1, oversell: a customer buys at one retailer; the signed orders/create webhook reaches
// Tandem's route, which enqueues the oversell job; a BullMQ worker nets the units out of the
// supplier and writes the new count to every partner. Measured from the order being placed to the
// job finishing (its finishedOn stamp, after the last write and its database record).
import { jobIdOf } from '../../app/jobs/job-definition.server.ts';
import type { RunningWorkers } from '../../app/jobs/worker.server.ts';
import { approveListings } from '../../app/sync/approvals.server.ts';
import { createSyncContext } from '../../app/sync/connections.server.ts';
import { pushInventory } from '../../app/sync/inventory-push.server.ts';
import { syncCatalogToPartner } from '../../app/sync/listings.server.ts';
import type { BenchEnv } from '../env.ts';
import { addShop, partner, type BenchShop } from '../network.ts';
import { percentile } from '../stats.ts';
import type { BenchRow } from '../table.ts';
import type { Scale } from '../scale.ts';

export interface OversellNetwork {
  supplier: BenchShop;
  retailers: BenchShop[];
  skus: string[];
}

/** A supplier with `skus` one-variant products, listed and stocked at `partners` retailers. */
export async function prepareOversellNetwork(env: BenchEnv, options: { label: string; partners: number; skus: number }): Promise<OversellNetwork> {
  const { db, sim } = env;
  const supplier = await addShop(db, sim, `${options.label}-supplier.myshopify.com`, 'SUPPLIER');
  const skus = Array.from({ length: options.skus }, (_, i) => `${options.label.toUpperCase()}-${i + 1}`);
  sim.seedProducts(
    supplier.domain,
    skus.map((sku) => ({ title: `Product ${sku}`, variants: [{ sku, price: '10.00', available: 1_000_000 }] })),
  );
  const ctx = createSyncContext(db);
  const retailers: BenchShop[] = [];
  for (let i = 0; i < options.partners; i++) {
    const retailer = await addShop(db, sim, `${options.label}-retailer-${i + 1}.myshopify.com`, 'RETAILER');
    const partnershipId = await partner(db, supplier, retailer);
    await syncCatalogToPartner(ctx, partnershipId, { mode: 'FULL', trigger: 'manual', pull: i === 0 });
    const listings = await db.listing.findMany({ where: { partnershipId }, select: { id: true } });
    await approveListings(ctx, retailer.shopId, listings.map((l) => l.id));
    await pushInventory(ctx, partnershipId, { mode: 'FULL', trigger: 'manual' });
    retailers.push(retailer);
  }
  return { supplier, retailers, skus };
}

export interface OrderTiming {
  totalMs: number;
  /** Order placed → job in the queue (webhook delivery, signature, route, enqueue). */
  toQueueMs: number;
  /** In the queue until a worker took it. */
  waitMs: number;
  /** The worker's run of the engine. */
  runMs: number;
}

/** Places `runs` orders of `lines` lines, one after another, at the retailers in turn. */
export async function timeOrders(env: BenchEnv, net: OversellNetwork, options: { lines: number; runs: number; offset?: number }): Promise<OrderTiming[]> {
  const timings: OrderTiming[] = [];
  for (let run = 0; run < options.runs; run++) {
    const at = net.retailers[(run + (options.offset ?? 0)) % net.retailers.length]!;
    const shop = await env.db.shop.findUniqueOrThrow({ where: { domain: at.domain }, select: { id: true } });
    const lineItems = net.skus.slice(0, options.lines).map((sku) => ({ sku, quantity: 1 }));
    const placed = Date.now();
    const order = env.sim.placeOrder(at.domain, { lineItems });
    timings.push(await finished(env, jobIdOf('oversell', shop.id, order.id), placed));
  }
  return timings;
}

/** Waits for the oversell job and reads its timestamps (BullMQ's, in ms since the epoch). */
export async function finished(env: BenchEnv, jobId: string, placed: number, timeoutMs = 120_000): Promise<OrderTiming> {
  const queue = env.queues.get('oversell');
  const end = Date.now() + timeoutMs;
  for (;;) {
    const job = await queue.getJob(jobId);
    if (job?.finishedOn) {
      if (job.failedReason) throw new Error(`Oversell job ${jobId} failed: ${job.failedReason}`);
      return { totalMs: job.finishedOn - placed, toQueueMs: job.timestamp - placed, waitMs: (job.processedOn ?? job.timestamp) - job.timestamp, runMs: job.finishedOn - (job.processedOn ?? job.timestamp) };
    }
    if (Date.now() > end) throw new Error(`Oversell job ${jobId} did not finish within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function oversellRows(scenario: string, lines: number, timings: OrderTiming[], latencyMs: number, note: string): BenchRow[] {
  const totals = timings.map((t) => t.totalMs);
  const bound = 2 * latencyMs;
  const median = (pick: (t: OrderTiming) => number) => Math.round(percentile(timings.map(pick), 50));
  const breakdown = `median: to queue ${median((t) => t.toQueueMs)} ms, wait ${median((t) => t.waitMs)} ms, run ${median((t) => t.runMs)} ms`;
  return [
    { scenario, metric: `${lines}-line order → 11 shops, p50`, value: percentile(totals, 50), bound, unit: 'ms', note: `${timings.length} orders; ${note}; ${breakdown}` },
    { scenario, metric: `${lines}-line order → 11 shops, p95`, value: percentile(totals, 95), bound, unit: 'ms', note: 'bound: read supplier, then write all 11 in parallel = 2 × latency' },
  ];
}

export const OVERSELL_PARTNERS = 10;

export async function runOversell(env: BenchEnv, scale: Scale, latencyMs: number): Promise<{ rows: BenchRow[]; net: OversellNetwork; workers: RunningWorkers; baseline: Record<number, OrderTiming[]> }> {
  const net = await prepareOversellNetwork(env, { label: 'ov', partners: OVERSELL_PARTNERS, skus: 10 });
  await env.receiveOrderWebhooks();
  const workers = env.startWorkers(['oversell']);
  await env.setLatency(latencyMs);
  // One order first: connections, pools and JIT warm up outside the figures.
  await timeOrders(env, net, { lines: 1, runs: 2 });
  const baseline: Record<number, OrderTiming[]> = {};
  const rows: BenchRow[] = [];
  for (const lines of [1, 10]) {
    baseline[lines] = await timeOrders(env, net, { lines, runs: scale.oversellRuns });
    rows.push(...oversellRows('1 oversell', lines, baseline[lines]!, latencyMs, 'unloaded'));
  }
  return { rows, net, workers, baseline };
}
