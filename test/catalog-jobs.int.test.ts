// Supplier Shopify → retailer Shopify along the whole path (issue 5): the partnership's job
// schedulers, real BullMQ workers running the engine handlers with the connections' shared Redis
// budgets, and the Shopify simulator for both shops. Every run leaves a SyncRun row with its counts,
// the platform calls it made (checked against the simulator's own request log) and its duration.
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from '../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { deletePrefix, testRedis, uniquePrefix } from './support/redis.ts';
import { createPartners, editProduct, productWith, type Partners } from './support/partners.ts';
import { getConnector } from '../connectors/index.ts';
import { Budgets } from '../app/jobs/budget.server.ts';
import { requestManualRun } from '../app/jobs/enqueue.server.ts';
import { engineHandlers } from '../app/jobs/handlers.server.ts';
import { openQueues, type QueueName, type Queues } from '../app/jobs/queues.server.ts';
import { schedulerId, syncSchedulesForShop } from '../app/jobs/schedules.server.ts';
import { startWorkers, type RunningWorkers } from '../app/jobs/worker.server.ts';
import { approveListings } from '../app/sync/approvals.server.ts';
import { createSyncContext } from '../app/sync/connections.server.ts';
import { redisStockLock } from '../app/sync/stock-lock.server.ts';

const redis = testRedis();
const prefix = uniquePrefix('catalog-jobs');
let t: TestDatabase;
let sim: ShopifySimulator;
let queues: Queues;
let workers: RunningWorkers;
let budgets: Budgets;
let p: Partners;

beforeAll(async () => {
  t = await createTestDatabase('catalog_jobs');
  sim = await startShopifySimulator({ latencyMs: 0 });
  queues = openQueues({ connection: redis, prefix });
  budgets = new Budgets({ connection: redis, prefix });
  p = await createPartners(t.db, sim, { pricingRule: { markupPercent: 100, rounding: 'x.99' } });
  sim.seedProducts(p.supplierDomain, [
    productWith('Linen Shirt', ['SHIRT-S', 'SHIRT-M'], '20.00'),
    productWith('Canvas Tote', ['TOTE'], '7.50'),
  ]);
  workers = startWorkers({
    db: t.db,
    redis: { connection: redis, prefix },
    handlers: engineHandlers({ budgets, stockLock: redisStockLock(redis, { prefix }) }),
    queues: ['catalog.sync', 'inventory.push', 'nightly.full'],
  });
  await syncSchedulesForShop(t.db, queues, { id: p.supplierShopId });
});

afterAll(async () => {
  await workers?.close();
  await queues?.close();
  await sim?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await t?.drop();
});

/** Requests both shops' Admin APIs have answered so far, as the simulator logged them. */
const platformCalls = () => sim.calls(p.supplierDomain).counts.total + sim.calls(p.retailerDomain).counts.total;
const available = (domain: string, sku: string) => sim.inventoryBySku(domain, sku)[0]?.available;

/** Runs the scheduler's next job now, as if its time had come. */
async function runScheduled(queue: QueueName, owner: string): Promise<Job> {
  const [job] = (await queues.get(queue).getDelayed()).filter((j) => j.repeatJobKey === schedulerId(queue, owner));
  expect(job, `a waiting ${queue} job from its scheduler`).toBeDefined();
  await job!.promote();
  return job!;
}

async function finishedRun(kind: string, jobId: string) {
  const end = Date.now() + 30_000;
  for (;;) {
    const run = await t.db.syncRun.findFirst({ where: { kind, jobId, status: { in: ['SUCCEEDED', 'PARTIAL', 'FAILED'] } } });
    if (run) return run;
    if (Date.now() > end) throw new Error(`${kind} ${jobId} did not finish`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('when the supplier’s schedules run for a new retailer', () => {
  it('creates the products at the retailer as drafts priced by the rule, from the 8-hourly catalog sync', async () => {
    const before = platformCalls();

    const job = await runScheduled('catalog.sync', p.partnershipId);
    const run = await finishedRun('catalog.sync', job.id!);

    expect(sim.products(p.retailerDomain).map((x) => [x.title, x.status, x.variants.map((v) => `${v.sku} ${v.price}`).sort()]).sort()).toEqual([
      ['Canvas Tote', 'DRAFT', ['TOTE 15.99']],
      ['Linen Shirt', 'DRAFT', ['SHIRT-M 40.99', 'SHIRT-S 40.99']],
    ]);
    expect(run).toMatchObject({ status: 'SUCCEEDED', trigger: 'schedule', mode: 'PARTIAL', partnershipId: p.partnershipId, shopId: p.supplierShopId });
    expect(run.counts).toMatchObject({ created: 3, supplierProductsRead: 2 });
    expect(run.apiCalls).toBe(platformCalls() - before);
    expect(run.finishedAt!.getTime()).toBeGreaterThanOrEqual(run.startedAt!.getTime());
    expect((await t.db.listing.findMany({ where: { partnershipId: p.partnershipId } })).map((l) => l.approval)).toEqual(['PENDING', 'PENDING', 'PENDING']);
  });

  it('shows the supplier’s stock at the retailer after approval, from the hourly inventory push', async () => {
    const listings = await t.db.listing.findMany({ where: { partnershipId: p.partnershipId } });
    await approveListings(createSyncContext(t.db), p.retailerShopId, listings.map((l) => l.id));
    const before = platformCalls();

    const job = await runScheduled('inventory.push', p.partnershipId);
    const run = await finishedRun('inventory.push', job.id!);

    expect(['SHIRT-S', 'SHIRT-M', 'TOTE'].map((sku) => available(p.retailerDomain, sku))).toEqual([5, 5, 5]);
    expect(run).toMatchObject({ status: 'SUCCEEDED', trigger: 'schedule', mode: 'PARTIAL' });
    expect(run.counts).toMatchObject({ listings: 3, pushed: 3, unchanged: 0 });
    expect(run.apiCalls).toBe(platformCalls() - before);
  });

  it('pushes only the sold item on a manual Partial push after a sale at the supplier', async () => {
    sim.placeOrder(p.supplierDomain, { lineItems: [{ sku: 'TOTE', quantity: 2 }] });
    const before = platformCalls();

    const { jobId } = await requestManualRun(t.db, queues, { queue: 'inventory.push', shopId: p.supplierShopId, partnershipId: p.partnershipId });
    const run = await finishedRun('inventory.push', jobId);

    expect(['SHIRT-S', 'SHIRT-M', 'TOTE'].map((sku) => available(p.retailerDomain, sku))).toEqual([5, 5, 3]);
    expect(run).toMatchObject({ status: 'SUCCEEDED', trigger: 'manual', mode: 'PARTIAL' });
    expect(run.counts).toMatchObject({ listings: 3, pushed: 1, unchanged: 2 });
    expect(run.apiCalls).toBe(platformCalls() - before);
  });

  it('carries a supplier price change to the retailer in the hourly inventory push, without waiting for catalog sync', async () => {
    const [tote] = sim.products(p.supplierDomain).filter((x) => x.title === 'Canvas Tote');
    editProduct(sim, p.supplierDomain, tote!.id, { price: '8.00' });
    const before = platformCalls();

    const job = await runScheduled('inventory.push', p.partnershipId);
    const run = await finishedRun('inventory.push', job.id!);

    expect(sim.products(p.retailerDomain).flatMap((x) => x.variants.map((v) => `${v.sku} ${v.price}`)).sort()).toEqual(['SHIRT-M 40.99', 'SHIRT-S 40.99', 'TOTE 16.99']);
    expect(run.counts).toMatchObject({ pricesUpdated: 1, listings: 3, pushed: 0, unchanged: 3 });
    expect(run.apiCalls).toBe(platformCalls() - before);
  });

  it('pushes only the chosen product when the supplier syncs one product’s stock by hand', async () => {
    sim.placeOrder(p.supplierDomain, { lineItems: [{ sku: 'SHIRT-S', quantity: 1 }, { sku: 'SHIRT-M', quantity: 1 }] });
    const shirtS = await t.db.sourceVariant.findFirstOrThrow({ where: { connectionId: p.supplierConnectionId, sku: 'SHIRT-S' } });

    const { jobId } = await requestManualRun(t.db, queues, { queue: 'inventory.push', shopId: p.supplierShopId, partnershipId: p.partnershipId, mode: 'FULL', variantIds: [shirtS.id] });
    const run = await finishedRun('inventory.push', jobId);

    expect(['SHIRT-S', 'SHIRT-M', 'TOTE'].map((sku) => available(p.retailerDomain, sku))).toEqual([4, 5, 3]);
    expect(run.counts).toMatchObject({ listings: 1, pushed: 1 });
  });

  it('re-reads and re-pushes everything in the nightly full run, and reports what it cost', async () => {
    const before = platformCalls();

    const job = await runScheduled('nightly.full', p.supplierShopId);
    const run = await finishedRun('nightly.full', job.id!);

    expect(run).toMatchObject({ status: 'SUCCEEDED', trigger: 'nightly', mode: 'FULL' });
    expect(run.counts).toMatchObject({ listings: 3, pushed: 3, unchanged: 0, pricesUpdated: 3 });
    expect(['SHIRT-S', 'SHIRT-M', 'TOTE'].map((sku) => available(p.retailerDomain, sku))).toEqual([4, 4, 3]);
    expect(run.apiCalls).toBeGreaterThan(0);
    expect(run.apiCalls).toBe(platformCalls() - before);
  });

  it('pushes the chosen product’s price and stock at the supplier’s "Sync to partners now", and nothing of another changed product', async () => {
    const product = (title: string) => sim.products(p.supplierDomain).find((x) => x.title === title)!;
    editProduct(sim, p.supplierDomain, product('Canvas Tote').id, { price: '9.00' });
    editProduct(sim, p.supplierDomain, product('Linen Shirt').id, { price: '25.00' });
    sim.placeOrder(p.supplierDomain, { lineItems: [{ sku: 'TOTE', quantity: 1 }, { sku: 'SHIRT-M', quantity: 1 }] });
    const tote = await t.db.sourceVariant.findFirstOrThrow({ where: { connectionId: p.supplierConnectionId, sku: 'TOTE' } });
    const before = platformCalls();

    const { jobId } = await requestManualRun(t.db, queues, { queue: 'catalog.sync', shopId: p.supplierShopId, partnershipId: p.partnershipId, variantIds: [tote.id] });
    const run = await finishedRun('catalog.sync', jobId);

    expect(sim.products(p.retailerDomain).flatMap((x) => x.variants.map((v) => `${v.sku} ${v.price}`)).sort()).toEqual(['SHIRT-M 40.99', 'SHIRT-S 40.99', 'TOTE 18.99']);
    expect(['SHIRT-S', 'SHIRT-M', 'TOTE'].map((sku) => available(p.retailerDomain, sku))).toEqual([4, 4, 2]);
    expect(run).toMatchObject({ status: 'SUCCEEDED', trigger: 'manual', mode: 'PARTIAL' });
    expect(run.counts).toMatchObject({ pricesUpdated: 1, listings: 1, pushed: 1 });
    expect(run.apiCalls).toBe(platformCalls() - before);
  });

  it('spent every one of those calls from the two connections’ shared Redis budgets', async () => {
    const { rateLimit } = getConnector('shopify').manifest;
    const spent = await Promise.all([p.supplierConnectionId, p.retailerConnectionId].map((id) => budgets.forConnection(id, rateLimit, 'shopify').usage()));
    const runs = await t.db.syncRun.aggregate({ _sum: { costPoints: true }, where: { jobId: { not: null } } });

    // Shopify's budget is in query cost points (its leaky bucket), net of what Shopify refunded.
    expect(rateLimit.unit).toBe('cost');
    expect(spent[0]!.today + spent[1]!.today).toBe(runs._sum.costPoints);
    expect(spent[0]!.today).toBeGreaterThan(0);
    expect(spent[1]!.today).toBeGreaterThan(0);
  });
});
