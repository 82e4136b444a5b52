// An order end to end, as it happens in production: a customer buys at a retailer's Shopify, the
// simulator delivers the signed orders/create webhook to Tandem's route, the route enqueues the
// order pull, a real BullMQ worker runs the engine, and the order reaches the supplier's Shopify,
// its system of record (WooCommerce) and its accounting (Xero) — within moments, not at the next
// hourly pull. An invoice Xero refused waits for the scheduled invoices.post run. The retailer's
// later edit (a shipping address added) or cancellation reaches Tandem the same way, through the
// signed orders/updated webhook, its route and a worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from '../simulators/shopify/index.ts';
import type { XeroSimulator } from '../simulators/xero/index.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { deletePrefix, testRedis, uniquePrefix } from './support/redis.ts';
import { createPartners, productWith, type Partners } from './support/partners.ts';
import { backOffices, connectXero, type BackOffice } from './support/back-office.ts';
import { useDatabase } from '../app/db.server.ts';
import { env } from '../app/env.server.ts';
import { useQueues } from '../app/jobs/app-queues.server.ts';
import { enqueue } from '../app/jobs/enqueue.server.ts';
import { openQueues, type Queues } from '../app/jobs/queues.server.ts';
import { startWorkers, type RunningWorkers } from '../app/jobs/worker.server.ts';
import { engineHandlers } from '../app/jobs/handlers.server.ts';
import { Budgets } from '../app/jobs/budget.server.ts';
import { createSyncContext } from '../app/sync/connections.server.ts';
import { syncCatalogToPartner } from '../app/sync/listings.server.ts';
import { approveListings } from '../app/sync/approvals.server.ts';
import { until } from './support/until.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

const redis = testRedis();
const prefix = uniquePrefix('order-e2e');
let t: TestDatabase;
let sim: ShopifySimulator;
let books: BackOffice;
let xero: XeroSimulator;
let receiver: WebhookReceiver | undefined;
let queues: Queues;
let workers: RunningWorkers;
let partners: Partners;


beforeAll(async () => {
  t = await createTestDatabase('order_e2e');
  useDatabase(t.db);
  queues = openQueues({ connection: redis, prefix });
  useQueues(queues);
  sim = await startShopifySimulator({ latencyMs: 0, app: { clientId: env().SHOPIFY_API_KEY, clientSecret: env().SHOPIFY_API_SECRET } });
  receiver = await startWebhookReceiver({
    'orders/create': (await import('../app/routes/webhooks.orders.create.tsx')).action,
    'orders/updated': (await import('../app/routes/webhooks.orders.updated.tsx')).action,
  });
  sim.setWebhookSubscriptions([{ topics: ['orders/create', 'orders/updated'], uri: receiver.url }]);
  partners = await createPartners(t.db, sim);
  await t.db.shop.update({ where: { id: partners.retailerShopId }, data: { name: 'Corner Store', email: 'buyer@corner.example' } });
  sim.seedProducts(partners.supplierDomain, [productWith('Canvas Tote', ['TOTE'], '7.50')]);
  books = await backOffices.woocommerce(t.db, partners.supplierShopId);
  ({ sim: xero } = await connectXero(t.db, partners.supplierShopId));
  const ctx = createSyncContext(t.db);
  await syncCatalogToPartner(ctx, partners.partnershipId, { mode: 'FULL', trigger: 'manual' });
  const listings = await t.db.listing.findMany({ where: { partnershipId: partners.partnershipId } });
  await approveListings(ctx, partners.retailerShopId, listings.map((l) => l.id));
  workers = startWorkers({ db: t.db, redis: { connection: redis, prefix }, handlers: engineHandlers({ budgets: new Budgets({ connection: redis, prefix }) }), queues: ['orders.pull', 'invoices.post'] });
});

afterAll(async () => {
  await workers?.close();
  await queues?.close();
  await sim?.close();
  await books?.close();
  await xero?.close();
  await receiver?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await t?.drop();
});

describe('when a customer buys a supplier product at a retailer', () => {
  it('forwards the order to the supplier, posts it to its system of record and invoices it, on the webhook', async () => {
    const placed = sim.placeOrder(partners.retailerDomain, { lineItems: [{ sku: 'TOTE', quantity: 2 }], shippingAddress: { address1: '1 Main St', city: 'Portland', countryCode: 'US', zip: '97201' } });

    const link = await until(() => t.db.orderLink.findFirst({ where: { retailerOrderId: placed.id, state: 'POSTED' } }));
    const invoice = await until(() => t.db.invoice.findFirst({ where: { orderLinkId: link.id, status: 'POSTED' } }));

    const [supplierOrder] = sim.orders(partners.supplierDomain);
    expect(link).toMatchObject({ supplierOrderId: supplierOrder!.id, systemOfRecordId: books.orders()[0]!.id });
    expect(books.orders().map((o) => o.lines)).toEqual([['TOTE × 2 @ 7.50']]);
    expect(xero.snapshot().invoices.map((i) => [i.InvoiceID, i.Reference, i.Total])).toEqual([[invoice.externalInvoiceId, `${placed.name} from ${partners.retailerDomain}`, 15]]);
    const run = await until(() => t.db.syncRun.findFirst({ where: { kind: 'orders.pull', partnershipId: partners.partnershipId, finishedAt: { not: null } } }));
    expect(run).toMatchObject({ trigger: 'webhook', status: 'SUCCEEDED', shopId: partners.retailerShopId });
    expect(run.counts).toMatchObject({ forwarded: 1, posted: 1, invoicesPosted: 1 });
  });
});

describe('when Xero refused an invoice and its wait is over', () => {
  it('posts it on the scheduled invoices.post run', async () => {
    xero.faults.add({ route: '^PUT /api.xro/2.0/Invoices$', status: 503, times: 4 });
    const placed = sim.placeOrder(partners.retailerDomain, { lineItems: [{ sku: 'TOTE', quantity: 1 }], shippingAddress: { address1: '1 Main St', city: 'Portland', countryCode: 'US', zip: '97201' } });
    const link = await until(() => t.db.orderLink.findFirst({ where: { retailerOrderId: placed.id, state: 'POSTED' } }));
    const waiting = await until(() => t.db.invoice.findFirst({ where: { orderLinkId: link.id, status: 'RETRYING' } }));
    expect(waiting.nextAttemptAt!.getTime() - waiting.updatedAt.getTime()).toBeGreaterThan(119 * 60_000);

    // Two hours on: the retry is due.
    await t.db.invoice.update({ where: { id: waiting.id }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
    await enqueue(queues, 'invoices.post', {});

    const posted = await until(() => t.db.invoice.findFirst({ where: { id: waiting.id, status: 'POSTED' } }));
    expect(posted.attempts).toBe(2);
    expect(xero.snapshot().invoices.map((i) => i.Reference)).toContain(`${placed.name} from ${partners.retailerDomain}`);
    // The worker clears the alert just after it records the invoice posted.
    const alert = await until(() => t.db.alert.findFirst({ where: { key: `invoice-failed_${waiting.id}`, resolvedAt: { not: null } } }));
    expect(alert.resolvedAt).toBeInstanceOf(Date);
  });
});

/** The retailer edits an order in its Shopify admin (orderUpdate, as the admin does). */
async function editRetailerOrder(orderId: string, input: Record<string, unknown>) {
  const res = await fetch(sim.graphqlUrl(partners.retailerDomain), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': String(sim.issueToken(partners.retailerDomain).access_token) },
    body: JSON.stringify({ query: 'mutation ($input: OrderInput!) { orderUpdate(input: $input) { order { id } userErrors { message } } }', variables: { input: { id: orderId, ...input } } }),
  });
  expect(((await res.json()) as { data: unknown }).data).toEqual({ orderUpdate: { order: { id: orderId }, userErrors: [] } });
}

const resolved = (key: string) => until(async () => (await t.db.alert.findMany({ where: { key } })).every((a) => a.resolvedAt) && (await t.db.alert.count({ where: { key } })) === 2);

describe('when the retailer adds the missing shipping address to an order Tandem could not send', () => {
  it('sends it to the supplier at the orders/updated webhook, without waiting for the hourly pull', async () => {
    const placed = sim.placeOrder(partners.retailerDomain, { lineItems: [{ sku: 'TOTE', quantity: 1 }] });
    const failed = await until(() => t.db.orderLink.findFirst({ where: { retailerOrderId: placed.id, state: 'FAILED' } }));
    expect(failed.failureReason).toBe('MISSING_SHIPPING_ADDRESS');
    const supplierOrders = sim.orders(partners.supplierDomain).length;

    await editRetailerOrder(placed.id, { shippingAddress: { address1: '9 Dock Rd', city: 'Portland', countryCode: 'US', zip: '97209' } });

    const sent = await until(() => t.db.orderLink.findFirst({ where: { id: failed.id, state: 'POSTED' } }));
    expect(sim.orders(partners.supplierDomain)).toHaveLength(supplierOrders + 1);
    expect(sim.orders(partners.supplierDomain).find((o) => o.id === sent.supplierOrderId)?.shippingAddress).toMatchObject({ address1: '9 Dock Rd', city: 'Portland', zip: '97209' });
    expect(await resolved(`order-failed_${failed.id}`)).toBe(true);
    // Two pulls for this order: orders/create's, then the edit's (the worker finishes it just after the post).
    const ofOrder = { kind: 'orders.pull', jobId: { contains: placed.id.replace(/[^A-Za-z0-9._-]/g, '-') } };
    await until(async () => (await t.db.syncRun.count({ where: { ...ofOrder, finishedAt: { not: null } } })) === 2);
    const runs = await t.db.syncRun.findMany({ where: ofOrder, orderBy: { queuedAt: 'asc' } });
    expect(runs.map((r) => [r.trigger, r.status])).toEqual([
      ['webhook', 'SUCCEEDED'],
      ['webhook', 'SUCCEEDED'],
    ]);
  });
});

describe('when the retailer cancels an order Tandem could not send', () => {
  it('marks it CANCELLED at the orders/updated webhook, sends nothing and clears the alert at both shops', async () => {
    const placed = sim.placeOrder(partners.retailerDomain, { lineItems: [{ sku: 'TOTE', quantity: 1 }] });
    const failed = await until(() => t.db.orderLink.findFirst({ where: { retailerOrderId: placed.id, state: 'FAILED' } }));
    const supplierOrders = sim.orders(partners.supplierDomain).length;

    sim.cancelOrder(partners.retailerDomain, placed.id);

    const cancelled = await until(() => t.db.orderLink.findFirst({ where: { id: failed.id, state: 'CANCELLED' } }));
    expect((cancelled.content as { cancelledAt: string | null }).cancelledAt).not.toBeNull();
    expect(await resolved(`order-failed_${failed.id}`)).toBe(true);
    expect(sim.orders(partners.supplierDomain)).toHaveLength(supplierOrders);
    const events = await t.db.orderEvent.findMany({ where: { orderLinkId: failed.id }, orderBy: { at: 'asc' } });
    expect(events.at(-1)).toMatchObject({ state: 'CANCELLED', message: `The retailer cancelled order ${placed.name} before it reached the supplier; it will not be sent.` });
  });
});
