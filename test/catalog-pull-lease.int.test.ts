// Two retailers of one supplier whose catalog syncs run at the same time: the supplier's catalog is
// read once (a per-source lease in Redis), and both retailers get its products. Real BullMQ
// workers running the engine handlers, the Shopify simulator for the three shops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from '../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { until } from './support/until.ts';
import { deletePrefix, testRedis, uniquePrefix } from './support/redis.ts';
import { connectShopifyStore, createPartners, productWith, type Partners } from './support/partners.ts';
import { Budgets } from '../app/jobs/budget.server.ts';
import { requestManualRun } from '../app/jobs/enqueue.server.ts';
import { engineHandlers } from '../app/jobs/handlers.server.ts';
import { openQueues, type Queues } from '../app/jobs/queues.server.ts';
import { startWorkers, type RunningWorkers } from '../app/jobs/worker.server.ts';
import { redisCatalogPullLease } from '../app/sync/catalog-pull-lease.server.ts';

const redis = testRedis();
const prefix = uniquePrefix('catalog-lease');
let t: TestDatabase;
let sim: ShopifySimulator;
let queues: Queues;
let workers: RunningWorkers | undefined;
let p: Partners;
let secondPartnershipId: string;
const secondRetailer = 'second-retailer.myshopify.com';

beforeAll(async () => {
  t = await createTestDatabase('catalog_lease');
  sim = await startShopifySimulator({ latencyMs: 0 });
  queues = openQueues({ connection: redis, prefix });
  p = await createPartners(t.db, sim);
  // A second retailer of the same supplier, fed from the same catalog source.
  const { shop, connection: target } = await connectShopifyStore(t.db, sim, secondRetailer, 'RETAILER');
  const partnership = await t.db.partnership.create({
    data: {
      supplierShopId: p.supplierShopId,
      retailerShopId: shop.id,
      invitedByShopId: p.supplierShopId,
      status: 'ACTIVE',
      acceptedAt: new Date(),
      pricingRule: { markupPercent: 50 },
      sourceConnectionId: p.supplierConnectionId,
      targetConnectionId: target.id,
    },
  });
  secondPartnershipId = partnership.id;
  sim.seedProducts(p.supplierDomain, [productWith('Linen Shirt', ['SHIRT-S', 'SHIRT-M'], '20.00'), productWith('Canvas Tote', ['TOTE'], '7.50')]);
});

afterAll(async () => {
  await workers?.close();
  await queues?.close();
  await sim?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await t?.drop();
});

/** The run's row once the worker has finished it. */
const finishedRun = (jobId: string) => until(() => t.db.syncRun.findFirst({ where: { kind: 'catalog.sync', jobId, status: { in: ['SUCCEEDED', 'PARTIAL', 'FAILED'] } } }));

describe('when two partnerships of one catalog source sync at the same time', () => {
  it('reads the supplier’s products once and gives both retailers the products', async () => {
    const request = (partnershipId: string) => ({ queue: 'catalog.sync' as const, shopId: p.supplierShopId, partnershipId });
    const first = await requestManualRun(t.db, queues, request(p.partnershipId));
    const second = await requestManualRun(t.db, queues, request(secondPartnershipId));
    workers = startWorkers({
      db: t.db,
      redis: { connection: redis, prefix },
      handlers: engineHandlers({ budgets: new Budgets({ connection: redis, prefix }), catalogPullLease: redisCatalogPullLease(redis, { prefix }) }),
      queues: ['catalog.sync'],
      concurrency: { 'catalog.sync': 2 },
      perShopConcurrency: 2,
    });

    const runs = await Promise.all([finishedRun(first.jobId), finishedRun(second.jobId)]);

    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    // One read of the catalog: a page query, or (a first or Full pull) one bulk export started.
    const reads = sim.calls(p.supplierDomain).counts.byRootField;
    expect((reads.products ?? 0) + (reads.bulkOperationRunQuery ?? 0)).toBe(1);
    for (const domain of [p.retailerDomain, secondRetailer]) {
      expect(sim.products(domain).map((product) => product.title).sort()).toEqual(['Canvas Tote', 'Linen Shirt']);
    }
  });
});
