// "Run sync" as App Bridge sends it: the action queues a manual run on real Redis (a fresh key
// prefix) and the loader reports that run's row; another shop's partnership is not found.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSessionToken, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../../test/support/redis.ts';
import { useDatabase } from '../db.server.ts';
import { resetEnvCache } from '../env.server.ts';
import { startAdminSimulator } from '../../test/support/admin-simulator.ts';

const SUPPLIER = 'dune-supply.myshopify.com';
const RETAILER = 'elm-retail.myshopify.com';
const OUTSIDER = 'fern-outsider.myshopify.com';
const prefix = uniquePrefix('sync-route');
const redis = testRedis();

let t: TestDatabase;
let shopify: ShopifySimulator;
let partnershipId: string;

beforeAll(async () => {
  shopify = await startAdminSimulator([SUPPLIER, RETAILER, OUTSIDER]);
  Object.assign(process.env, { SHOPIFY_ADMIN_ORIGIN: shopify.url, REDIS_PREFIX: prefix });
  resetEnvCache();
  t = await createTestDatabase('sync_route');
  useDatabase(t.db);
  const [s, r] = await Promise.all([SUPPLIER, RETAILER].map((domain) => t.db.shop.create({ data: { domain, name: domain.split('.')[0] } })));
  partnershipId = (await t.db.partnership.create({ data: { supplierShopId: s.id, retailerShopId: r.id, invitedByShopId: s.id, status: 'ACTIVE' } })).id;
});
afterAll(async () => {
  await t.drop();
  await shopify.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  delete process.env.SHOPIFY_ADMIN_ORIGIN;
  delete process.env.REDIS_PREFIX;
  resetEnvCache();
});

function request(shop: string, path: string, form?: Record<string, string>) {
  const headers = { Authorization: `Bearer ${mintSessionToken(shopify.sim, shop)}` };
  const url = `http://localhost:3000${path}`;
  return form ? new Request(url, { method: 'POST', headers, body: new URLSearchParams(form) }) : new Request(url, { headers });
}

describe('when a supplier presses Run sync for a Partial catalog sync', () => {
  it('queues the job, records a QUEUED run and reports it to the loader', async () => {
    const route = await import('./app.sync.tsx');
    const answer = await route.action({ request: request(SUPPLIER, '/app/sync', { kind: 'catalog.sync', partnershipId, mode: 'PARTIAL' }), params: {}, context: {} });
    if (!answer.data.ok || !answer.data.syncRunId) throw new Error(`run refused: ${JSON.stringify(answer.data)}`);
    const id = answer.data.syncRunId;

    const row = await t.db.syncRun.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ kind: 'catalog.sync', mode: 'PARTIAL', trigger: 'manual', status: 'QUEUED', partnershipId });
    const queue = new Queue('catalog.sync', { connection: redis, prefix });
    const job = await queue.getJob(row.jobId!);
    expect(job?.data).toMatchObject({ partnershipId, mode: 'PARTIAL', trigger: 'manual' });
    await queue.close();

    const screen = await route.loader({ request: request(SUPPLIER, `/app/sync?run=${id}`), params: {}, context: {} });
    expect(screen.run).toMatchObject({ id, state: 'queued', percent: 0, finished: false });
  });
});

describe('when the form is wrong or the partnership is not the shop’s', () => {
  it('answers 400 naming the job field for billing, which has no manual run', async () => {
    const route = await import('./app.sync.tsx');
    const answer = await route.action({ request: request(SUPPLIER, '/app/sync', { kind: 'billing.daily', partnershipId }), params: {}, context: {} });
    expect(answer.init?.status).toBe(400);
    expect(answer.data).toEqual({ ok: false, errors: { kind: ['Choose a sync that can be run by hand'] } });
  });

  it('answers 404 to another shop and queues nothing for it', async () => {
    const route = await import('./app.sync.tsx');
    const before = await t.db.syncRun.count();
    const answer = await route.action({ request: request(OUTSIDER, '/app/sync', { kind: 'inventory.push', partnershipId }), params: {}, context: {} });
    expect(answer.init?.status).toBe(404);
    expect(await t.db.syncRun.count()).toBe(before);
  });
});
