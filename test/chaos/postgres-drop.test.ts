// Issue 8, reliability: PostgreSQL drops the worker's connections in the middle of a catalog sync
// (pg_terminate_backend on the backends of this file's worker only, found by application_name: the
// shared server is never restarted), one of them while its query waits on a lock the test holds. The attempt that lost its connection fails, the job is run
// again on fresh connections and completes, with every product created at the retailer once.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_LOST_MESSAGE } from '../../app/jobs/database-errors.server.ts';
import { requestManualRun } from '../../app/jobs/enqueue.server.ts';
import { openQueues, type Queues } from '../../app/jobs/queues.server.ts';
import { env } from '../../app/env.server.ts';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { createPartners, productWith, type Partners } from '../support/partners.ts';
import { TEST_REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../support/redis.ts';
import { until } from '../support/until.ts';
import { startWorkerProcess, withApplicationName, type WorkerProcess } from '../support/worker-process.ts';

const redis = testRedis();
const prefix = uniquePrefix('chaos-pg');
const APPLICATION = `tandem_chaos_${prefix.replace(/-/g, '_')}`;
let t: TestDatabase;
let admin: pg.Client;
let sim: ShopifySimulator;
let queues: Queues;
let partners: Partners;
let worker: WorkerProcess;

const CATALOG = Array.from({ length: 24 }, (_, i) => `PG-${String(i).padStart(2, '0')}`);
const skusAt = (domain: string) => [...sim.sim.state.shops.get(domain)!.variants.values()].map((v) => v.sku).filter((s): s is string => !!s?.startsWith('PG-'));

/** Ends every backend of this file's worker; returns how many. */
async function dropWorkerConnections() {
  const { rows } = await admin.query<{ ended: boolean }>('SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1', [APPLICATION]);
  return rows.filter((r) => r.ended).length;
}

/** Runs delayed jobs now instead of after their backoff (a catalog sync's first retry waits a minute). */
async function skipBackoffs() {
  for (const job of await queues.get('catalog.sync').getJobs(['delayed'])) {
    if (job && !job.id?.startsWith('repeat:')) await job.promote().catch(() => {});
  }
}

beforeAll(async () => {
  t = await createTestDatabase('chaos_pg');
  admin = new pg.Client({ connectionString: t.url });
  await admin.connect();
  queues = openQueues({ connection: redis, prefix });
  sim = await startShopifySimulator({ latencyMs: 0, app: { clientId: env().SHOPIFY_API_KEY, clientSecret: env().SHOPIFY_API_SECRET } });
  partners = await createPartners(t.db, sim);
  sim.seedProducts(partners.supplierDomain, CATALOG.map((sku) => productWith(`Product ${sku}`, [sku], '4.00')));
  worker = startWorkerProcess({ databaseUrl: withApplicationName(t.url, APPLICATION), schema: t.schema, redisUrl: TEST_REDIS_URL, redisPrefix: prefix });
  await worker.ready;
});

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await admin?.end();
  await queues?.close();
  await sim?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await t?.drop();
});

describe('when PostgreSQL drops the worker’s connections during a catalog sync', () => {
  it('runs the sync again on fresh connections and creates every product once', async () => {
    // Slow the retailer so the drops land while products are being written.
    sim.faults.add({ route: `^POST /store/${partners.retailerDomain}/`, delayMs: 40 });
    const { jobId, syncRunId } = await requestManualRun(t.db, queues, { queue: 'catalog.sync', shopId: partners.supplierShopId, partnershipId: partners.partnershipId, mode: 'FULL' });

    await until('the sync to be writing products', () => skusAt(partners.retailerDomain).length >= 3);
    // Hold the listings table so the worker's next write waits, in flight, on a lock: then end its
    // connections. The drop lands on a running query, not only on idle pooled connections.
    await admin.query('BEGIN');
    await admin.query(`LOCK TABLE "${t.schema}"."Listing" IN ACCESS EXCLUSIVE MODE`);
    await until('a worker query waiting on the lock', async () => {
      const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [APPLICATION]);
      return rows[0]!.n > 0;
    });
    const dropped = await dropWorkerConnections();
    await admin.query('ROLLBACK');
    expect(dropped).toBeGreaterThan(0);
    sim.faults.clear();

    const run = await until('the run to finish', async () => {
      await skipBackoffs();
      return t.db.syncRun.findFirst({ where: { id: syncRunId, finishedAt: { not: null } } });
    }, 100_000);

    expect(run.status).toBe('SUCCEEDED');
    expect(skusAt(partners.retailerDomain).sort()).toEqual(CATALOG);
    const listings = await t.db.listing.findMany({ where: { partnershipId: partners.partnershipId }, select: { partnerVariantId: true } });
    expect(listings).toHaveLength(CATALOG.length);
    expect(new Set(listings.map((l) => l.partnerVariantId)).size).toBe(CATALOG.length);
    // The lost connections cost at least one attempt, which the job layer retried.
    const job = await queues.get('catalog.sync').getJob(jobId);
    // More than one attempt started: the run went again, whether the attempt failed and was retried
    // or (on a loaded machine) its worker's lock lapsed while the dropped query hung and the stalled
    // job was taken again; attemptsMade counts only the first way.
    expect(job?.attemptsStarted).toBeGreaterThan(1);
    // Activity says what happened in plain words, not Prisma's.
    const errors = run.errors as { code: string; message: string }[];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toMatchObject({ code: 'unavailable', message: DATABASE_LOST_MESSAGE });
    expect(await t.db.deadLetter.count()).toBe(0);
  });
});
