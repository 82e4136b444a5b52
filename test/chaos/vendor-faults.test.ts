// Issue 8, reliability: every platform an order passes through answers 429 and 5xx at once. The
// supplier's Shopify throttles (a cost bucket far smaller than a real shop's), the system of record
// (WooCommerce, BigCommerce, Lightspeed) answers 429 with Retry-After and then 503 to the order
// create, Xero does the same to the invoice. A worker process runs the order pull; the work completes
// with one supplier order, one booked order and one invoice per retail order. (Stripe's faults meet
// the billing job in billing-twice.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../app/jobs/enqueue.server.ts';
import { openQueues, QUEUE_NAMES, type Queues } from '../../app/jobs/queues.server.ts';
import { approveListings } from '../../app/sync/approvals.server.ts';
import { createSyncContext } from '../../app/sync/connections.server.ts';
import { syncCatalogToPartner } from '../../app/sync/listings.server.ts';
import { env } from '../../app/env.server.ts';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import type { XeroSimulator } from '../../simulators/xero/index.ts';
import { backOffices, connectXero, type BackOffice } from '../support/back-office.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { createPartners, productWith, type Partners } from '../support/partners.ts';
import { TEST_REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../support/redis.ts';
import { until } from '../support/until.ts';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.ts';

const redis = testRedis();
const prefix = uniquePrefix('chaos-vendors');
let t: TestDatabase;
let sim: ShopifySimulator;
let queues: Queues;
let worker: WorkerProcess;

type Platform = keyof typeof backOffices;
interface Pair {
  partners: Partners;
  books: BackOffice;
  xero: XeroSimulator;
}
const pairs = new Map<Platform, Pair>();
const PLATFORMS = Object.keys(backOffices) as Platform[];

beforeAll(async () => {
  t = await createTestDatabase('chaos_vendors');
  queues = openQueues({ connection: redis, prefix });
  sim = await startShopifySimulator({ latencyMs: 0, app: { clientId: env().SHOPIFY_API_KEY, clientSecret: env().SHOPIFY_API_SECRET } });
  const ctx = createSyncContext(t.db);
  for (const platform of PLATFORMS) {
    const partners = await createPartners(t.db, sim, { supplierDomain: `${platform}-supplier.myshopify.com`, retailerDomain: `${platform}-retailer.myshopify.com` });
    sim.seedProducts(partners.supplierDomain, [productWith('Canvas Tote', ['TOTE'], '7.50')]);
    const books = await backOffices[platform](t.db, partners.supplierShopId);
    const { sim: xero } = await connectXero(t.db, partners.supplierShopId);
    await syncCatalogToPartner(ctx, partners.partnershipId, { mode: 'FULL', trigger: 'manual' });
    const listings = await t.db.listing.findMany({ where: { partnershipId: partners.partnershipId } });
    await approveListings(ctx, partners.retailerShopId, listings.map((l) => l.id));
    pairs.set(platform, { partners, books, xero });
  }
  worker = startWorkerProcess({ databaseUrl: t.url, schema: t.schema, redisUrl: TEST_REDIS_URL, redisPrefix: prefix });
  await worker.ready;
});

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await queues?.close();
  await sim?.close();
  for (const { books, xero } of pairs.values()) {
    await books.close();
    await xero.close();
  }
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await t?.drop();
});

/**
 * Runs delayed jobs now instead of after their backoff (the jobs' clock, not their logic, moves):
 * a 5xx on a create is retried by the job layer with a 30 s first backoff.
 */
async function skipBackoffs() {
  for (const q of QUEUE_NAMES) {
    for (const job of await queues.get(q).getJobs(['delayed'])) {
      if (job && !job.id?.startsWith('repeat:')) await job.promote().catch(() => {});
    }
  }
}

// Shopify's answer from an empty bucket (simulators/shopify/admin-api.ts), with no cost to report.
const THROTTLED = {
  errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
  extensions: { cost: { requestedQueryCost: 10, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 } } },
};

const ORDER_CREATE: Record<Platform, string> = {
  woocommerce: '^POST /sites/books/wp-json/wc/v3/orders$',
  bigcommerce: '^POST /stores/books/v2/orders$',
  lightspeed: '^POST .*/sales$',
};

describe.each(PLATFORMS)('when Shopify throttles and %s and Xero answer 429 then 5xx', (platform) => {
  it('forwards, books and invoices the order once each, after honouring every refusal', async () => {
    const { partners, books, xero } = pairs.get(platform)!;
    // The supplier's Shopify answers its next calls THROTTLED, as a drained cost bucket does.
    const throttled = { route: `^POST /store/${partners.supplierDomain}/admin/`, times: 3, status: 200, body: THROTTLED };
    sim.faults.add(throttled);
    const booked = { route: ORDER_CREATE[platform], times: 2, status: 429, retryAfterS: 1 };
    const bookedDown = { route: ORDER_CREATE[platform], times: 1, status: 503 };
    const invoiced = { route: '^(PUT|POST) .*/Invoices$', times: 2, status: 429, retryAfterS: 1 };
    const invoicedDown = { route: '^(PUT|POST) .*/Invoices$', times: 1, status: 500 };
    const backOfficeFaults = books.faults;
    for (const f of [booked, bookedDown]) backOfficeFaults.add(f);
    for (const f of [invoiced, invoicedDown]) xero.faults.add(f);

    const placed = sim.placeOrder(partners.retailerDomain, { lineItems: [{ sku: 'TOTE', quantity: 2 }], shippingAddress: { address1: '1 Main St', city: 'Portland', countryCode: 'US', zip: '97201' } });
    await enqueue(queues, 'orders.pull', { shopId: partners.retailerShopId, partnershipId: partners.partnershipId, trigger: 'webhook', orderId: placed.id });

    const link = await until('the order posted and invoiced', async () => {
      await skipBackoffs();
      const row = await t.db.orderLink.findFirst({ where: { retailerOrderId: placed.id, state: 'POSTED' }, include: { invoices: true } });
      if (!row?.invoices.some((i) => i.status === 'POSTED')) {
        // invoices.post runs every 15 minutes: ask for the due invoice now, as the schedule would.
        if (row?.invoices.length) await enqueue(queues, 'invoices.post', {}).catch(() => {});
        return null;
      }
      return row;
    }, 100_000).catch(async (err) => {
      console.log(JSON.stringify({ links: await t.db.orderLink.findMany({ where: { retailerOrderId: placed.id }, include: { invoices: true } }), runs: await t.db.syncRun.findMany({ where: { partnershipId: partners.partnershipId } }), dead: await t.db.deadLetter.findMany(), faults: backOfficeFaults.list(), xero: xero.faults.list(), shopify: sim.faults.list() }, null, 1));
      console.log(worker.output());
      throw err;
    });

    expect(sim.orders(partners.supplierDomain)).toHaveLength(1);
    expect(books.orders()).toHaveLength(1);
    expect(link.systemOfRecordId).toBe(books.orders()[0]!.id);
    expect(xero.snapshot().invoices.map((i) => i.InvoiceID)).toEqual([link.invoices[0]!.externalInvoiceId]);
    // Every refusal was met (the storms happened) and waited out.
    expect(sim.faults.list().find((f) => f.route === throttled.route)?.hits).toBe(3);
    expect(backOfficeFaults.list().map((f) => f.hits)).toEqual([2, 1]);
    expect(xero.faults.list().map((f) => f.hits)).toEqual([2, 1]);
    expect(await t.db.deadLetter.count()).toBe(0);
  });
});
