// Issue 8, visibility: a job that will not succeed never fails silently. It ends as a DeadLetter row
// and, when a shop owns the work, an alert on that shop's home screen and a FAILED run in Activity
// — whether the job layer gave up on it (a revoked token) or BullMQ did (its worker died under it
// once too often, so no processor ever saw the failure).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestManualRun } from '../../app/jobs/enqueue.server.ts';
import { openQueues, type Queues } from '../../app/jobs/queues.server.ts';
import { env } from '../../app/env.server.ts';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { createPartners, productWith, type Partners } from '../support/partners.ts';
import { TEST_REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../support/redis.ts';
import { until } from '../support/until.ts';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.ts';

const redis = testRedis();
const prefix = uniquePrefix('chaos-visible');
let t: TestDatabase;
let sim: ShopifySimulator;
let queues: Queues;
let worker: WorkerProcess | undefined;

const skusAt = (domain: string, start: string) => [...sim.sim.state.shops.get(domain)!.variants.values()].filter((v) => v.sku?.startsWith(start)).length;

async function startWorker() {
  worker = startWorkerProcess({ databaseUrl: t.url, schema: t.schema, redisUrl: TEST_REDIS_URL, redisPrefix: prefix });
  await worker.ready;
}

async function pair(name: string, skus: number): Promise<Partners> {
  const partners = await createPartners(t.db, sim, { supplierDomain: `${name}-supplier.myshopify.com`, retailerDomain: `${name}-retailer.myshopify.com` });
  sim.seedProducts(partners.supplierDomain, Array.from({ length: skus }, (_, i) => productWith(`${name} ${i}`, [`${name.toUpperCase()}-${i}`], '3.00')));
  return partners;
}

beforeAll(async () => {
  t = await createTestDatabase('chaos_visible');
  queues = openQueues({ connection: redis, prefix });
  sim = await startShopifySimulator({ latencyMs: 0, app: { clientId: env().SHOPIFY_API_KEY, clientSecret: env().SHOPIFY_API_SECRET } });
  await startWorker();
});

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await queues?.close();
  await sim?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await t?.drop();
});

describe('when the supplier’s Shopify token is revoked', () => {
  it('stops the catalog sync with a critical alert, a FAILED run and a dead letter', async () => {
    const partners = await pair('revoked', 2);
    sim.uninstall(partners.supplierDomain);

    const { jobId, syncRunId } = await requestManualRun(t.db, queues, { queue: 'catalog.sync', shopId: partners.supplierShopId, partnershipId: partners.partnershipId, mode: 'FULL' });
    const run = await until('the run to stop', () => t.db.syncRun.findFirst({ where: { id: syncRunId, finishedAt: { not: null } } }));

    expect(run.status).toBe('FAILED');
    expect(await t.db.deadLetter.findFirst({ where: { queue: 'catalog.sync', jobId } })).not.toBeNull();
    // The alert is written just after the run is marked: wait for it rather than race it.
    const alert = await until('the alert', () => t.db.alert.findFirst({ where: { shopId: partners.supplierShopId, resolvedAt: null } }));
    expect([alert.severity, alert.title]).toEqual(['CRITICAL', 'Catalog sync stopped']);
  });
});

describe('when the worker dies under the same catalog sync twice', () => {
  it('gives the job up with a dead letter, an alert and a FAILED run, not a run left RUNNING', async () => {
    const partners = await pair('stalled', 30);
    sim.faults.add({ route: `^POST /store/${partners.retailerDomain}/`, delayMs: 60 });
    const { jobId, syncRunId } = await requestManualRun(t.db, queues, { queue: 'catalog.sync', shopId: partners.supplierShopId, partnershipId: partners.partnershipId, mode: 'FULL' });

    for (const atLeast of [3, 6]) {
      await until('products being written', () => skusAt(partners.retailerDomain, 'STALLED-') >= atLeast);
      await worker!.stop('SIGKILL');
      await startWorker();
    }
    const dead = await until('the dead letter', () => t.db.deadLetter.findFirst({ where: { queue: 'catalog.sync', jobId } }));
    sim.faults.clear();

    expect(dead.error).toContain('stalled');
    const run = await until('the run marked failed', () => t.db.syncRun.findFirst({ where: { id: syncRunId, finishedAt: { not: null } } }), 15_000);
    expect(run.status).toBe('FAILED');
    const alert = await until('the alert', () => t.db.alert.findFirst({ where: { shopId: partners.supplierShopId, resolvedAt: null } }));
    expect(alert).toMatchObject({
      title: 'Catalog sync stopped',
      message: 'The worker running it stopped before it finished (a crash or a restart), more than once.',
      fix: "Tandem does not start it a third time on its own: check the worker's logs for what stopped it, then press Retry in Activity.",
    });
  });
});
