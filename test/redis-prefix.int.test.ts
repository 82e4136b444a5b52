// Every key Tandem touches in Redis is under the deployment's REDIS_PREFIX: BullMQ's queues and
// schedulers, rate-limit budgets, shop slots, the stock lock, the catalog pull lease and the
// schedule keeper's lease. The run uses an otherwise empty Redis database and MONITOR, asking Redis
// itself (COMMAND GETKEYS) which arguments of each command are keys, so keys that live only for a
// moment (locks, leases) are checked too, not just what is left at the end.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from '../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { until } from './support/until.ts';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from './support/redis.ts';
import { createPartners, productWith, type Partners } from './support/partners.ts';
import { requestManualRun } from '../app/jobs/enqueue.server.ts';
import { engineRedisDeps } from '../app/jobs/engine-redis.server.ts';
import { engineHandlers } from '../app/jobs/handlers.server.ts';
import { openQueues, type Queues } from '../app/jobs/queues.server.ts';
import { startScheduleKeeper } from '../app/jobs/schedule-keeper.server.ts';
import { syncSchedulesForShop } from '../app/jobs/schedules.server.ts';
import { startWorkers, type RunningWorkers } from '../app/jobs/worker.server.ts';

const prefix = uniquePrefix('prefix-check');
let database: number;
let redis: Redis;
let monitor: Redis;
const commands: string[][] = [];
let t: TestDatabase;
let sim: ShopifySimulator;
let queues: Queues;
let workers: RunningWorkers | undefined;
let p: Partners;

/** A Redis database no one else is using, so everything MONITOR reports from it is ours. */
async function emptyDatabase(): Promise<number> {
  const probe = new Redis(TEST_REDIS_URL);
  try {
    for (let db = 15; db > 0; db--) {
      await probe.select(db);
      if ((await probe.dbsize()) === 0) return db;
    }
    throw new Error('no empty Redis database to watch');
  } finally {
    probe.disconnect();
  }
}

beforeAll(async () => {
  database = await emptyDatabase();
  const url = new URL(TEST_REDIS_URL);
  url.pathname = `/${database}`;
  monitor = await new Redis(url.toString()).monitor();
  monitor.on('monitor', (_time: string, args: string[], _source: string, db: string) => {
    if (db === String(database)) commands.push(args);
  });
  redis = new Redis(url.toString(), { maxRetriesPerRequest: null });
  t = await createTestDatabase('redis_prefix');
  sim = await startShopifySimulator({ latencyMs: 0 });
  queues = openQueues({ connection: redis, prefix });
  p = await createPartners(t.db, sim);
  sim.seedProducts(p.supplierDomain, [productWith('Linen Shirt', ['SHIRT-S', 'SHIRT-M'], '20.00'), productWith('Canvas Tote', ['TOTE'], '7.50')]);
});

afterAll(async () => {
  await workers?.close();
  await queues?.close();
  await sim?.close();
  monitor?.disconnect();
  if (redis) await deletePrefix(redis, prefix);
  redis?.disconnect();
  await t?.drop();
});

/** The run's row once the worker has finished it. */
const finished = (kind: string, jobId: string) => until(() => t.db.syncRun.findFirst({ where: { kind, jobId, status: { in: ['SUCCEEDED', 'PARTIAL', 'FAILED'] } } }));

/** The keys a command names, as Redis itself reads its arguments (none for PING, INFO…). */
async function keysOf(args: string[]): Promise<string[]> {
  try {
    return (await redis.call('COMMAND', 'GETKEYS', ...args)) as string[];
  } catch {
    return [];
  }
}

describe('when the engine runs a catalog sync and an inventory push', () => {
  it('touches only keys under REDIS_PREFIX', async () => {
    workers = startWorkers({
      db: t.db,
      redis: { connection: redis, prefix },
      handlers: engineHandlers(engineRedisDeps({ connection: redis, prefix })),
      queues: ['catalog.sync', 'inventory.push'],
      perShopConcurrency: 2,
    });
    await syncSchedulesForShop(t.db, queues, { id: p.supplierShopId });
    const keeper = startScheduleKeeper(t.db, queues);
    await keeper.runOnce();
    keeper.stop();
    const run = (queue: 'catalog.sync' | 'inventory.push') => requestManualRun(t.db, queues, { queue, shopId: p.supplierShopId, partnershipId: p.partnershipId });

    const catalog = await run('catalog.sync');
    expect((await finished('catalog.sync', catalog.jobId)).status).toBe('SUCCEEDED');
    const stock = await run('inventory.push');
    expect((await finished('inventory.push', stock.jobId)).status).toBe('SUCCEEDED');
    await workers.close();
    workers = undefined;

    // Stop watching first: the look-ups below are commands too.
    monitor.disconnect();
    const touched = new Set<string>();
    const seen = new Set<string>();
    for (const args of commands.splice(0)) {
      const signature = args.join('\u0000');
      if (seen.has(signature)) continue;
      seen.add(signature);
      for (const key of await keysOf(args)) touched.add(key);
    }
    const [, left] = await redis.scan('0', 'MATCH', '*', 'COUNT', 10_000);
    for (const key of left) touched.add(key);
    expect([...touched].filter((key) => !key.startsWith(`${prefix}:`))).toEqual([]);
    // The run did reach each kind of key this test is about.
    const families = [':catalog.sync:', ':inventory.push:', ':budget:', ':shop-slots:', ':stock-lock:', ':catalog-pull:', ':schedule-keeper'];
    expect(families.filter((family) => ![...touched].some((key) => key.includes(family)))).toEqual([]);
  });
});
