// Scenario 5, fairness: one shop's Full catalog sync runs on the workers while other shops' orders
// arrive. Their oversell latency is compared with the same orders on the same network before the
// sync started and after it ended (the unloaded figure): DESIGN.md says a large shop's sync must
// not delay them.
import type { BenchEnv } from '../env.ts';
import { percentile } from '../stats.ts';
import type { BenchRow } from '../table.ts';
import { prepareCatalog, runFullSync } from './catalog.ts';
import { OVERSELL_PARTNERS, prepareOversellNetwork, timeOrders, type OrderTiming } from './oversell.ts';

export async function runFairness(env: BenchEnv, variants: number, runs: number, latencyMs: number): Promise<BenchRow[]> {
  const net = await prepareOversellNetwork(env, { label: 'fair', partners: OVERSELL_PARTNERS, skus: 10 });
  const big = await prepareCatalog(env, 'big', variants);
  await env.receiveOrderWebhooks();
  // One worker process running every queue, as `npm run worker` does.
  env.startWorkers(['oversell', 'catalog.sync']);
  await env.setLatency(latencyMs);
  await timeOrders(env, net, { lines: 1, runs: 2 });
  const unloaded: Record<number, OrderTiming[]> = {};
  for (const lines of [1, 10]) unloaded[lines] = await timeOrders(env, net, { lines, runs });

  let syncDone = false;
  const sync = runFullSync(env, big).finally(() => (syncDone = true));
  // Orders start once the sync is creating products (its heaviest phase, after the pull).
  while (!syncDone && (await env.db.listing.count({ where: { partnershipId: big.partnershipId, partnerVariantId: { not: null } } })) === 0) {
    await new Promise((r) => setTimeout(r, 250));
  }
  const loaded: Record<number, OrderTiming[]> = {};
  for (const lines of [1, 10]) loaded[lines] = await timeOrders(env, net, { lines, runs, offset: 1 });
  const overlapped = !syncDone;
  const sync_ = await sync;
  // Unloaded again after the sync: the machine is shared, so the bound takes both sides of it.
  for (const lines of [1, 10]) unloaded[lines]!.push(...(await timeOrders(env, net, { lines, runs })));

  const rows: BenchRow[] = [];
  for (const lines of [1, 10]) {
    for (const p of [50, 95]) {
      rows.push({
        scenario: '5 fairness',
        metric: `${lines}-line order during a ${variants.toLocaleString('en-US')}-variant Full sync, p${p}`,
        value: percentile(loaded[lines]!.map((t) => t.totalMs), p),
        bound: percentile(unloaded[lines]!.map((t) => t.totalMs), p),
        unit: 'ms',
        note: p === 50 ? `bound: the same orders before the sync started and after it ended (${2 * runs}); ${runs} during it${overlapped ? '' : '; WARNING: the sync ended before the last order'}` : `the sync took ${(sync_.wallMs / 1000).toFixed(0)} s, ${sync_.calls} calls, throttled ${sync_.throttled}`,
      });
    }
  }
  return rows;
}
