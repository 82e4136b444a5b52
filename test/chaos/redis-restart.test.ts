// Issue 8, reliability: Redis goes away and comes back empty (a restart without persistence). While
// it is down the app fails fast and says so — a webhook answers 503 and stays unprocessed, so
// Shopify's retry is taken, not deduplicated away; "Run sync" says it could not queue — and once it
// is back the worker puts every schedule back. This file runs its own redis-server: the shared one
// on 6379 is never touched.
import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabase } from '../../app/db.server.ts';
import { env, resetEnvCache } from '../../app/env.server.ts';
import { closeAppQueues } from '../../app/jobs/app-queues.server.ts';
import { openQueues, QUEUE_NAMES, type Queues } from '../../app/jobs/queues.server.ts';
import { wantedSchedules } from '../../app/jobs/schedules.server.ts';
import { mintSessionToken, startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { createPartners, type Partners } from '../support/partners.ts';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { uniquePrefix } from '../support/redis.ts';
import { until } from '../support/until.ts';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.ts';

const prefix = uniquePrefix('chaos-redis');
let own: OwnRedis;
let observer: Redis;
let queues: Queues;
let t: TestDatabase;
let sim: ShopifySimulator;
let partners: Partners;
let worker: WorkerProcess;
// Imported once the environment points at the simulator and this file's Redis (shopify.server.ts reads it on load).
let runSync: (typeof import('../../app/routes/app.sync.tsx'))['action'];
let ordersCreate: (typeof import('../../app/routes/webhooks.orders.create.tsx'))['action'];
let retry: (typeof import('../../app/routes/app.activity.tsx'))['action'];
let syncProduct: (typeof import('../../app/routes/api.products.$id.sync.tsx'))['action'];

beforeAll(async () => {
  own = await startOwnRedis();
  sim = await startShopifySimulator({ latencyMs: 0, app: { clientId: env().SHOPIFY_API_KEY, clientSecret: env().SHOPIFY_API_SECRET, scopes: env().SCOPES } });
  Object.assign(process.env, { SHOPIFY_ADMIN_ORIGIN: sim.url, REDIS_URL: own.url, REDIS_PREFIX: prefix });
  resetEnvCache();
  ({ action: runSync } = await import('../../app/routes/app.sync.tsx'));
  ({ action: ordersCreate } = await import('../../app/routes/webhooks.orders.create.tsx'));
  ({ action: retry } = await import('../../app/routes/app.activity.tsx'));
  ({ action: syncProduct } = await import('../../app/routes/api.products.$id.sync.tsx'));
  t = await createTestDatabase('chaos_redis');
  useDatabase(t.db);
  partners = await createPartners(t.db, sim);
  observer = new Redis(own.url, { maxRetriesPerRequest: null });
  queues = openQueues({ connection: observer, prefix });
  worker = startWorkerProcess({ databaseUrl: t.url, schema: t.schema, redisUrl: own.url, redisPrefix: prefix });
  await worker.ready;
});

afterAll(async () => {
  await worker?.stop('SIGTERM');
  await closeAppQueues();
  await queues?.close();
  observer?.disconnect();
  await own?.stop();
  await sim?.close();
  await t?.drop();
  for (const key of ['SHOPIFY_ADMIN_ORIGIN', 'REDIS_URL', 'REDIS_PREFIX']) delete process.env[key];
  resetEnvCache();
});

function orderWebhook(webhookId: string) {
  const body = JSON.stringify({ admin_graphql_api_id: 'gid://shopify/Order/5001', tags: '', line_items: [{ sku: 'TOTE', variant_id: 77, quantity: 1 }] });
  return new Request('http://localhost:3000/webhooks/orders/create', {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': 'orders/create',
      'X-Shopify-Hmac-Sha256': createHmac('sha256', env().SHOPIFY_API_SECRET).update(body, 'utf8').digest('base64'),
      'X-Shopify-Shop-Domain': partners.retailerDomain,
      'X-Shopify-API-Version': '2026-10',
      'X-Shopify-Webhook-Id': webhookId,
    },
  });
}

const supplierSession = () => ({ Authorization: `Bearer ${mintSessionToken(sim.sim, partners.supplierDomain)}` });

function runSyncRequest() {
  const body = new URLSearchParams({ kind: 'catalog.sync', partnershipId: partners.partnershipId, mode: 'PARTIAL' });
  return new Request('http://localhost:3000/app/sync', { method: 'POST', headers: supplierSession(), body });
}

async function schedulerIds() {
  const ids = await Promise.all(QUEUE_NAMES.map(async (q) => (await queues.get(q).getJobSchedulers(0, -1)).map((s) => s.key)));
  return ids.flat().sort();
}

describe('when Redis is down', () => {
  it('answers a webhook 503 without marking it processed, and Run sync says it could not queue', async () => {
    const before = await runSync({ request: runSyncRequest(), params: {}, context: {} });
    expect(before.data).toMatchObject({ ok: true });

    await own.stop();

    const webhook = await ordersCreate({ request: orderWebhook('delivery-during-outage'), params: {}, context: {} });
    expect(webhook.status).toBe(503);
    expect(await webhook.text()).toBe('The job queue (Redis) is not reachable, so nothing was queued. Send this webhook again.');
    expect(await t.db.webhookEvent.findUniqueOrThrow({ where: { eventId: 'delivery-during-outage' } })).toMatchObject({ processedAt: null });

    const manual = await runSync({ request: runSyncRequest(), params: {}, context: {} });
    expect(manual.init?.status).toBe(503);
    expect(manual.data).toEqual({ ok: false, errors: {}, message: 'Could not start the run: The job queue (Redis) is not reachable, so nothing was queued. Try again in a minute.' });
    // The refused press leaves no run waiting in Activity (only the first press's run is there).
    expect(await t.db.syncRun.count({ where: { kind: 'catalog.sync', trigger: 'manual' } })).toBe(1);
  });

  it('says so on Retry in Activity and on the product page’s Sync to partners now', async () => {
    const failed = await t.db.syncRun.create({ data: { shopId: partners.supplierShopId, partnershipId: partners.partnershipId, kind: 'inventory.push', trigger: 'schedule', status: 'FAILED', finishedAt: new Date() } });
    const body = new URLSearchParams({ target: 'run', id: failed.id });
    const retried = await retry({ request: new Request('http://localhost:3000/app/activity', { method: 'POST', headers: supplierSession(), body }), params: {}, context: {} });
    expect(retried.init?.status).toBe(503);
    expect(retried.data).toEqual({ ok: false, errors: {}, message: 'Could not retry: The job queue (Redis) is not reachable, so nothing was queued. Try again in a minute.' });

    const product = await syncProduct({ request: new Request('http://localhost:3000/api/products/42/sync', { method: 'POST', headers: supplierSession() }), params: { id: '42' }, context: {} });
    expect(await product.json()).toMatchObject({ results: [{ partnershipId: partners.partnershipId, outcome: 'failed', reason: 'Tandem could not queue the sync for this partner. Try again in a minute.' }] });
  });
});

describe('when Redis comes back empty', () => {
  it('takes Shopify’s retry of the refused webhook and queues its work', async () => {
    await own.start();

    const retried = await until('the retried webhook to be taken', async () => {
      const answer = await ordersCreate({ request: orderWebhook('delivery-during-outage'), params: {}, context: {} });
      return answer.status === 200 ? answer : null;
    });

    expect(retried.status).toBe(200);
    expect(await t.db.webhookEvent.findUniqueOrThrow({ where: { eventId: 'delivery-during-outage' } })).toMatchObject({ processedAt: expect.any(Date) });
    const oversell = await queues.get('oversell').getJobs(['waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed']);
    expect(oversell.map((j) => j.data.webhookId)).toEqual(['delivery-during-outage']);
  });

  it('has every schedule back without a worker restart', async () => {
    const wanted = (await wantedSchedules(t.db)).map((s) => s.id).sort();
    expect(wanted).toContain(`catalog-sync_${partners.partnershipId}`);
    expect(wanted).toContain('billing-daily');

    // The keeper's regular pass comes every 60 s; this waits less, for the pass Redis's return starts.
    await until('the schedules to come back', async () => JSON.stringify(await schedulerIds()) === JSON.stringify(wanted), 30_000);

    expect(await schedulerIds()).toEqual(wanted);
  });

  it('lets Run sync queue again', async () => {
    const again = await runSync({ request: runSyncRequest(), params: {}, context: {} });
    expect(again.data).toMatchObject({ ok: true, syncRunId: expect.any(String) });
  });
});
