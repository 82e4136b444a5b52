// Issue 8, reliability: the worker process dies (SIGKILL, no chance to clean up) in the middle of
// a catalog sync and in the middle of forwarding an order, and is started again. BullMQ finds the
// dead worker's job stalled and runs it again; the engine's intent rows and look-ups make the second
// run finish the work without doing any of it twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, requestManualRun } from '../../app/jobs/enqueue.server.ts';
import { openQueues, type Queues } from '../../app/jobs/queues.server.ts';
import { approveListings } from '../../app/sync/approvals.server.ts';
import { createSyncContext } from '../../app/sync/connections.server.ts';
import { syncCatalogToPartner } from '../../app/sync/listings.server.ts';
import { env } from '../../app/env.server.ts';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { backOffices, type BackOffice } from '../support/back-office.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { createPartners, productWith, type Partners } from '../support/partners.ts';
import { TEST_REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../support/redis.ts';
import { until } from '../support/until.ts';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.ts';

const redis = testRedis();
const prefix = uniquePrefix('chaos-kill');
let t: TestDatabase;
let sim: ShopifySimulator;
let books: BackOffice;
let queues: Queues;
let partners: Partners;
let worker: WorkerProcess | undefined;

const CATALOG = Array.from({ length: 30 }, (_, i) => `BULK-${String(i).padStart(2, '0')}`);

async function startWorker() {
  worker = startWorkerProcess({ databaseUrl: t.url, schema: t.schema, redisUrl: TEST_REDIS_URL, redisPrefix: prefix });
  await worker.ready;
  return worker;
}

async function killWorker() {
  const ended = await worker!.stop('SIGKILL');
  expect(ended.signal).toBe('SIGKILL');
  worker = undefined;
}

/** Runs delayed jobs now instead of after their backoff (the jobs' clock moves, not their logic). */
async function skipBackoffs() {
  for (const job of await queues.get('orders.pull').getJobs(['delayed'])) {
    if (job && !job.id?.startsWith('repeat:')) await job.promote().catch(() => {});
  }
}

const skusAt = (domain: string) => [...sim.sim.state.shops.get(domain)!.variants.values()].map((v) => v.sku).filter(Boolean) as string[];

beforeAll(async () => {
  t = await createTestDatabase('chaos_kill');
  queues = openQueues({ connection: redis, prefix });
  sim = await startShopifySimulator({ latencyMs: 0, app: { clientId: env().SHOPIFY_API_KEY, clientSecret: env().SHOPIFY_API_SECRET } });
  partners = await createPartners(t.db, sim);
  sim.seedProducts(partners.supplierDomain, [productWith('Canvas Tote', ['TOTE'], '7.50')]);
  books = await backOffices.woocommerce(t.db, partners.supplierShopId);
  const ctx = createSyncContext(t.db);
  await syncCatalogToPartner(ctx, partners.partnershipId, { mode: 'FULL', trigger: 'manual' });
  const listings = await t.db.listing.findMany({ where: { partnershipId: partners.partnershipId } });
  await approveListings(ctx, partners.retailerShopId, listings.map((l) => l.id));
});

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await queues?.close();
  await sim?.close();
  await books?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await t?.drop();
});

describe('when the worker is killed in the middle of a catalog sync', () => {
  it('runs the sync again after the restart and creates every product at the retailer exactly once', async () => {
    sim.seedProducts(
      partners.supplierDomain,
      CATALOG.map((sku) => productWith(`Product ${sku}`, [sku], '4.00')),
    );
    // Slow the retailer down so the kill lands while products are being created.
    sim.faults.add({ route: `^POST /store/${partners.retailerDomain}/`, delayMs: 40 });
    await startWorker();
    const { syncRunId } = await requestManualRun(t.db, queues, { queue: 'catalog.sync', shopId: partners.supplierShopId, partnershipId: partners.partnershipId, mode: 'FULL' });

    await until('some products at the retailer', () => skusAt(partners.retailerDomain).filter((s) => s.startsWith('BULK-')).length >= 5);
    await killWorker();
    const createdBeforeKill = skusAt(partners.retailerDomain).filter((s) => s.startsWith('BULK-')).length;
    expect(createdBeforeKill).toBeLessThan(CATALOG.length);
    sim.faults.clear();

    await startWorker();
    const run = await until('the interrupted run to finish', () => t.db.syncRun.findFirst({ where: { id: syncRunId, finishedAt: { not: null } } }));

    expect(run.status).toBe('SUCCEEDED');
    const atRetailer = skusAt(partners.retailerDomain).filter((s) => s.startsWith('BULK-'));
    expect(atRetailer.sort()).toEqual(CATALOG);
    const listings = await t.db.listing.findMany({ where: { partnershipId: partners.partnershipId }, select: { partnerVariantId: true } });
    expect(listings).toHaveLength(CATALOG.length + 1);
    expect(new Set(listings.map((l) => l.partnerVariantId)).size).toBe(listings.length);
  });
});

describe('when the worker is killed after the system of record booked the order but before Tandem recorded it', () => {
  it('forwards the order once, books it once and takes the stock once, after the restart', async () => {
    const supplierStock = sim.inventoryBySku(partners.supplierDomain, 'TOTE')[0]!.available;
    const bookedStock = books.stock!('TOTE');
    // WooCommerce creates the order, then holds its answer until the worker is long dead.
    books.loseNextOrderAnswer(20_000);
    const placed = sim.placeOrder(partners.retailerDomain, { lineItems: [{ sku: 'TOTE', quantity: 2 }], shippingAddress: { address1: '1 Main St', city: 'Portland', countryCode: 'US', zip: '97201' } });
    worker ??= await startWorker();
    await enqueue(queues, 'orders.pull', { shopId: partners.retailerShopId, partnershipId: partners.partnershipId, trigger: 'webhook', orderId: placed.id });

    await until('the order at the system of record', () => books.orders().length === 1);
    await killWorker();
    const unrecorded = await t.db.orderLink.findFirstOrThrow({ where: { retailerOrderId: placed.id } });
    expect(unrecorded.systemOfRecordId).toBeNull();

    await startWorker();
    const link = await until('the order posted', () => t.db.orderLink.findFirst({ where: { retailerOrderId: placed.id, state: 'POSTED' } }));

    expect(sim.orders(partners.supplierDomain)).toHaveLength(1);
    expect(books.orders()).toHaveLength(1);
    expect(link.systemOfRecordId).toBe(books.orders()[0]!.id);
    expect(sim.inventoryBySku(partners.supplierDomain, 'TOTE')[0]!.available).toBe(supplierStock - 2);
    expect(books.stock!('TOTE')).toBe(bookedStock! - 2);
    expect(await t.db.orderLink.count()).toBe(1);
  });
});

describe('when the worker is killed after the supplier’s Shopify created the order but before Tandem recorded it', () => {
  it('finds the order by its reference after the restart and creates no second one', async () => {
    const supplierStock = sim.inventoryBySku(partners.supplierDomain, 'TOTE')[0]!.available;
    const supplierOrders = sim.orders(partners.supplierDomain).length;
    const supplierRoute = `^POST /store/${partners.supplierDomain}/`;
    // Slow supplier calls leave room to act between the reference look-up and the orderCreate.
    sim.faults.add({ route: supplierRoute, delayMs: 300 });
    const seen = sim.calls(partners.supplierDomain).log.length;
    const placed = sim.placeOrder(partners.retailerDomain, { lineItems: [{ sku: 'TOTE', quantity: 1 }], shippingAddress: { address1: '2 Dock Rd', city: 'Portland', countryCode: 'US', zip: '97209' } });
    worker ??= await startWorker();
    await enqueue(queues, 'orders.pull', { shopId: partners.retailerShopId, partnershipId: partners.partnershipId, trigger: 'webhook', orderId: placed.id });

    // The look-up by reference found nothing: the next supplier call is the create, whose answer is held.
    await until('the reference look-up at the supplier', () => sim.calls(partners.supplierDomain).log.slice(seen).some((c) => c.rootFields.includes('orders')));
    sim.lostResponses.add({ route: supplierRoute, times: 1, delayMs: 30_000 });
    await until('the order created at the supplier', () => sim.orders(partners.supplierDomain).length === supplierOrders + 1);
    await killWorker();
    sim.faults.clear();
    const unrecorded = await t.db.orderLink.findFirstOrThrow({ where: { retailerOrderId: placed.id } });
    expect(unrecorded.supplierOrderId).toBeNull();

    await startWorker();
    // The dead worker's stock lock lasts its lease (30 s): the retry waits it out.
    const link = await until('the order recorded', async () => {
      await skipBackoffs();
      return t.db.orderLink.findFirst({ where: { retailerOrderId: placed.id, supplierOrderId: { not: null } } });
    }, 100_000);

    expect(sim.orders(partners.supplierDomain)).toHaveLength(supplierOrders + 1);
    expect(link.supplierOrderId).toBe(sim.orders(partners.supplierDomain).at(-1)!.id);
    expect(sim.inventoryBySku(partners.supplierDomain, 'TOTE')[0]!.available).toBe(supplierStock - 1);
  });
});
