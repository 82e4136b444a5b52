// Retry on the Activity screen, as App Bridge calls it (a session token in the Authorization
// header): a press queues the work again on the app's queues (a fresh Redis key prefix) and real
// BullMQ workers running the engine do it, against the Shopify simulator (supplier and retailer),
// WooCommerce (the supplier's system of record) and Xero (its accounting). The queues are paused
// while a test looks at what a press queued and the state Activity shows, then resumed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSessionToken, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import type { XeroSimulator } from '../../simulators/xero/index.ts';
import { backOffices, connectXero, type BackOffice } from '../../test/support/back-office.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { createPartners, productWith, type Partners } from '../../test/support/partners.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../../test/support/redis.ts';
import { useDatabase } from '../db.server.ts';
import { resetEnvCache } from '../env.server.ts';
import { useQueues } from '../jobs/app-queues.server.ts';
import { Budgets } from '../jobs/budget.server.ts';
import { engineHandlers } from '../jobs/handlers.server.ts';
import { openQueues, type QueueName, type Queues } from '../jobs/queues.server.ts';
import { startWorkers, type RunningWorkers } from '../jobs/worker.server.ts';
import type { ActivityEntry } from '../sync/activity.server.ts';
import { approveListings } from '../sync/approvals.server.ts';
import { createSyncContext, type SyncContext } from '../sync/connections.server.ts';
import { syncCatalogToPartner } from '../sync/listings.server.ts';
import { pullRetailerOrders } from '../sync/orders.server.ts';
import { startAdminSimulator } from '../../test/support/admin-simulator.ts';
import { until } from '../../test/support/until.ts';

const SUPPLIER = 'oak-supply.myshopify.com';
const RETAILER = 'fern-store.myshopify.com';
const OUTSIDER = 'moss-outsider.myshopify.com';
const prefix = uniquePrefix('activity-route');
const redis = testRedis();
const shipTo = { address1: '1 Main St', city: 'Portland', countryCode: 'US', zip: '97201' };

let t: TestDatabase;
let shopify: ShopifySimulator;
let queues: Queues;
let workers: RunningWorkers;
let books: BackOffice;
let xero: XeroSimulator;
let ctx: SyncContext;
let p: Partners;

beforeAll(async () => {
  shopify = await startAdminSimulator([
    { domain: SUPPLIER, name: 'Oak Supply' },
    { domain: RETAILER, name: 'Fern Store' },
    { domain: OUTSIDER, name: 'Moss' },
  ]);
  Object.assign(process.env, { SHOPIFY_ADMIN_ORIGIN: shopify.url, REDIS_PREFIX: prefix });
  resetEnvCache();
  t = await createTestDatabase('activity_route');
  useDatabase(t.db);
  queues = openQueues({ connection: redis, prefix });
  useQueues(queues);
  ctx = createSyncContext(t.db);
  p = await createPartners(t.db, shopify, { supplierDomain: SUPPLIER, retailerDomain: RETAILER });
  await t.db.shop.update({ where: { id: p.supplierShopId }, data: { name: 'Oak Supply' } });
  await t.db.shop.update({ where: { id: p.retailerShopId }, data: { name: 'Fern Store', email: 'buyer@fern.example' } });
  await t.db.shop.create({ data: { domain: OUTSIDER, name: 'Moss' } });
  shopify.seedProducts(SUPPLIER, [productWith('Canvas Tote', ['TOTE'], '7.50'), productWith('Linen Shirt', ['SHIRT-S'], '20.00')]);
  await syncCatalogToPartner(ctx, p.partnershipId, { mode: 'FULL', trigger: 'manual' });
  await approveListings(ctx, p.retailerShopId, (await t.db.listing.findMany()).map((l) => l.id));
  books = await backOffices.woocommerce(t.db, p.supplierShopId);
  ({ sim: xero } = await connectXero(t.db, p.supplierShopId));
  workers = startWorkers({ db: t.db, redis: { connection: redis, prefix }, handlers: engineHandlers({ budgets: new Budgets({ connection: redis, prefix }) }), queues: ['orders.pull', 'invoices.post'] });
});
afterAll(async () => {
  await workers?.close();
  await queues?.close();
  await books?.close();
  await xero?.close();
  await shopify?.close();
  await t?.drop();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  delete process.env.SHOPIFY_ADMIN_ORIGIN;
  delete process.env.REDIS_PREFIX;
  resetEnvCache();
});

function request(shop: string, form?: Record<string, string>) {
  const headers = { Authorization: `Bearer ${mintSessionToken(shopify.sim, shop)}` };
  const url = 'http://localhost:3000/app/activity';
  return form ? new Request(url, { method: 'POST', headers, body: new URLSearchParams(form) }) : new Request(url, { headers });
}

const route = () => import('./app.activity.tsx');

async function press(shop: string, target: string, id: string) {
  const { action } = await route();
  const answer = await action({ request: request(shop, { target, id }), params: {}, context: {} });
  return { status: answer.init?.status ?? 200, body: answer.data };
}

async function activity(shop: string): Promise<ActivityEntry[]> {
  const { loader } = await route();
  const answer = await loader({ request: request(shop), params: {}, context: {} });
  return ('data' in answer ? answer.data : answer).entries as ActivityEntry[];
}

/** Jobs a press left waiting on a paused queue. */
async function waiting(queue: QueueName) {
  return (await queues.get(queue).getJobs(['waiting', 'prioritized', 'delayed'])).map((j) => ({ id: j.id, data: j.data }));
}

async function setSupplierStock(sku: string, quantity: number) {
  const supplier = await ctx.connectorFor(await t.db.connection.findUniqueOrThrow({ where: { id: p.supplierConnectionId } }));
  const row = shopify.inventoryBySku(SUPPLIER, sku)[0]!;
  await supplier.writeInventory!([{ variant: { variantId: row.variantId, inventoryItemId: row.inventoryItemId }, quantity }]);
}

const alert = (shopId: string, key: string) => t.db.alert.findUniqueOrThrow({ where: { shopId_key: { shopId, key } } });
/** The worker clears an alert just after it records the success: wait for it. */
const cleared = (shopId: string, key: string) => until(async () => (await alert(shopId, key)).resolvedAt);

describe('when a merchant presses Retry on something that is not theirs to retry', () => {
  it('answers 404 and queues nothing for another shop’s order, invoice or run, or for the supplier’s books seen from the retailer', async () => {
    const order = { partnershipId: p.partnershipId, content: {}, contentHash: 'h', totalAmount: '1.00', currency: 'USD', retailerCreatedAt: new Date() };
    const failed = await t.db.orderLink.create({ data: { ...order, retailerOrderId: 'x-1', retailerOrderName: '#X1', state: 'FAILED', failureReason: 'SKU_MISMATCH', failureDetail: {} } });
    const refused = await t.db.orderLink.create({ data: { ...order, retailerOrderId: 'x-2', retailerOrderName: '#X2', supplierOrderId: 'gid://shopify/Order/1', state: 'FORWARDED', failureReason: 'PLATFORM_ERROR', failureDetail: {} } });
    const invoiced = await t.db.orderLink.create({ data: { ...order, retailerOrderId: 'x-3', retailerOrderName: '#X3', supplierOrderId: 'gid://shopify/Order/2', state: 'POSTED', systemOfRecordId: '9' } });
    const xeroConnection = await t.db.connection.findFirstOrThrow({ where: { platform: 'xero' } });
    const invoice = await t.db.invoice.create({ data: { orderLinkId: invoiced.id, connectionId: xeroConnection.id, idempotencyKey: 'x-3', status: 'GAVE_UP', attempts: 6, givenUpAt: new Date() } });
    const run = await t.db.syncRun.create({ data: { shopId: p.supplierShopId, partnershipId: p.partnershipId, kind: 'catalog.sync', trigger: 'schedule', status: 'FAILED' } });

    const refusals = [
      [OUTSIDER, 'order', failed.id, 'This order has no failure you can retry.'],
      [OUTSIDER, 'order', refused.id, 'This order has no failure you can retry.'],
      [OUTSIDER, 'invoice', invoice.id, 'This invoice has no failure you can retry.'],
      [OUTSIDER, 'run', run.id, 'This run has no failure you can retry.'],
      [RETAILER, 'order', refused.id, 'This order has no failure you can retry.'],
      [RETAILER, 'invoice', invoice.id, 'This invoice has no failure you can retry.'],
      [RETAILER, 'run', run.id, 'This run has no failure you can retry.'],
      [SUPPLIER, 'order', invoiced.id, 'This order has no failure you can retry.'],
    ];
    for (const [shop, target, id, message] of refusals) {
      expect(await press(shop!, target!, id!), `${shop} retrying ${target} ${id}`).toEqual({ status: 404, body: { ok: false, errors: {}, message } });
    }

    // An ended partnership sends no more orders: its failure stays, with nothing to retry.
    await t.db.partnership.update({ where: { id: p.partnershipId }, data: { status: 'ENDED' } });
    expect(await press(RETAILER, 'order', failed.id)).toEqual({ status: 404, body: { ok: false, errors: {}, message: 'Order #X1 cannot be retried: the partnership is ended.' } });
    await t.db.partnership.update({ where: { id: p.partnershipId }, data: { status: 'ACTIVE' } });

    for (const queue of ['orders.pull', 'invoices.post', 'catalog.sync'] as const) expect(await waiting(queue)).toEqual([]);
    expect(await t.db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).toMatchObject({ status: 'GAVE_UP', attempts: 6, nextAttemptAt: null });
    expect(await t.db.syncRun.count({ where: { status: 'QUEUED' } })).toBe(0);
    await t.db.orderLink.deleteMany({ where: { id: { in: [failed.id, refused.id, invoiced.id] } } });
    await t.db.syncRun.delete({ where: { id: run.id } });
  });

  it('answers 400 naming the field when the press names nothing it knows', async () => {
    expect(await press(SUPPLIER, 'charge', '')).toEqual({
      status: 400,
      body: { ok: false, errors: { target: ['Choose an order, invoice or run to retry'], id: ['Choose an order, invoice or run to retry'] }, message: 'Choose an order, invoice or run to retry' },
    });
  });
});

describe('when the supplier’s store refused an order and the supplier fixed the cause', () => {
  it('queues the order again at the retailer’s press, shows it being retried, and a worker sends it: alert cleared, gone from Activity', async () => {
    await queues.get('orders.pull').pause();
    await setSupplierStock('TOTE', 0);
    const placed = shopify.placeOrder(RETAILER, { lineItems: [{ sku: 'TOTE', quantity: 1 }], shippingAddress: shipTo });
    await pullRetailerOrders(ctx, p.partnershipId);
    const link = await t.db.orderLink.findFirstOrThrow({ where: { retailerOrderId: placed.id } });
    expect(link).toMatchObject({ state: 'FAILED', failureReason: 'PLATFORM_ERROR' });
    expect((await activity(RETAILER)).find((e) => e.id === link.id)).toMatchObject({ type: 'order', state: 'failed', reason: 'Platform error', retrying: false });
    await setSupplierStock('TOTE', 5);

    const pressed = await press(RETAILER, 'order', link.id);
    const again = await press(RETAILER, 'order', link.id);

    expect(pressed).toEqual({ status: 200, body: { ok: true, message: `Order ${placed.name} will be sent to Oak Supply again within moments.` } });
    expect(again.body).toEqual(pressed.body);
    // One job for both presses: the second joined the first while it waited.
    const jobs = await waiting('orders.pull');
    expect(jobs).toEqual([{ id: expect.stringMatching(new RegExp(`^orders-pull_${p.partnershipId}_order_gid---shopify-Order-\\d+_\\d+$`)), data: { shopId: p.retailerShopId, partnershipId: p.partnershipId, trigger: 'manual', orderId: placed.id, requestedAt: expect.any(Number) } }]);
    expect(await t.db.syncRun.findMany({ where: { kind: 'orders.pull' }, select: { status: true, trigger: true, jobId: true, shopId: true } })).toEqual([{ status: 'QUEUED', trigger: 'manual', jobId: jobs[0]!.id, shopId: p.retailerShopId }]);
    expect((await activity(RETAILER)).find((e) => e.id === link.id)).toMatchObject({ retrying: true });
    expect((await activity(SUPPLIER)).find((e) => e.id === link.id)).toMatchObject({ retrying: true });

    await queues.get('orders.pull').resume();
    const sent = await until(() => t.db.orderLink.findFirst({ where: { id: link.id, state: 'POSTED' } }));

    expect(sent.supplierOrderId).toBe(shopify.orders(SUPPLIER).at(-1)!.id);
    for (const shopId of [p.retailerShopId, p.supplierShopId]) expect((await alert(shopId, `order-failed_${link.id}`)).resolvedAt).toBeInstanceOf(Date);
    expect(await until(() => t.db.syncRun.findFirst({ where: { jobId: jobs[0]!.id, status: 'SUCCEEDED' } }))).toMatchObject({ trigger: 'manual' });
    expect((await activity(RETAILER)).filter((e) => e.type === 'order')).toEqual([]);
  });
});

describe('when the supplier’s system of record refused a forwarded order', () => {
  it('lets only the supplier retry it, and posts it once the store has the SKU again', async () => {
    await queues.get('orders.pull').pause();
    books.renameSku!('TOTE', 'TOTE-OLD');
    const placed = shopify.placeOrder(RETAILER, { lineItems: [{ sku: 'TOTE', quantity: 1 }], shippingAddress: shipTo });
    await pullRetailerOrders(ctx, p.partnershipId);
    const link = await t.db.orderLink.findFirstOrThrow({ where: { retailerOrderId: placed.id } });
    expect(link).toMatchObject({ state: 'FORWARDED', failureReason: 'PLATFORM_ERROR', systemOfRecordId: null });
    expect((await activity(SUPPLIER)).find((e) => e.id === link.id)).toMatchObject({ stage: 'posting', state: 'not posted' });
    expect((await press(RETAILER, 'order', link.id)).status).toBe(404);
    books.renameSku!('TOTE-OLD', 'TOTE');

    expect(await press(SUPPLIER, 'order', link.id)).toEqual({ status: 200, body: { ok: true, message: `Order ${placed.name} will be posted to your system of record again within moments.` } });
    expect((await waiting('orders.pull')).map((j) => j.data)).toEqual([expect.objectContaining({ shopId: p.supplierShopId, orderId: placed.id, trigger: 'manual' })]);
    await queues.get('orders.pull').resume();

    const posted = await until(() => t.db.orderLink.findFirst({ where: { id: link.id, state: 'POSTED' } }));
    expect(books.orders().map((o) => o.id)).toContain(posted.systemOfRecordId);
    expect(await cleared(p.supplierShopId, `order-posting_${link.id}`)).toBeInstanceOf(Date);
  });
});

describe('when Xero did not take an invoice', () => {
  async function refusedInvoice() {
    xero.faults.add({ route: '^PUT /api.xro/2.0/Invoices$', status: 503, times: 4 });
    const placed = shopify.placeOrder(RETAILER, { lineItems: [{ sku: 'SHIRT-S', quantity: 2 }], shippingAddress: shipTo });
    await pullRetailerOrders(ctx, p.partnershipId);
    const link = await t.db.orderLink.findFirstOrThrow({ where: { retailerOrderId: placed.id } });
    const invoice = await t.db.invoice.findFirstOrThrow({ where: { orderLinkId: link.id } });
    expect(invoice).toMatchObject({ status: 'RETRYING', attempts: 1 });
    return { placed, invoice };
  }

  it('makes a waiting invoice due now at the supplier’s press, its attempts kept, and a worker posts it', async () => {
    await queues.get('invoices.post').pause();
    const { placed, invoice } = await refusedInvoice();
    expect(invoice.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 119 * 60_000);

    expect(await press(SUPPLIER, 'invoice', invoice.id)).toEqual({ status: 200, body: { ok: true, message: `The invoice for order ${placed.name} will be posted to Xero again within moments.` } });

    const due = await t.db.invoice.findUniqueOrThrow({ where: { id: invoice.id } });
    expect(due).toMatchObject({ status: 'RETRYING', attempts: 1 });
    expect(due.nextAttemptAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await waiting('invoices.post')).map((j) => j.data)).toEqual([{ shopId: p.supplierShopId, invoiceId: invoice.id, requestedAt: expect.any(Number) }]);
    expect((await activity(SUPPLIER)).find((e) => e.id === invoice.id)).toMatchObject({ type: 'invoice', state: 'retrying', attempts: 1, retrying: true });
    await queues.get('invoices.post').resume();

    const posted = await until(() => t.db.invoice.findFirst({ where: { id: invoice.id, status: 'POSTED' } }));
    expect(posted.attempts).toBe(2);
    expect(xero.snapshot().invoices.map((i) => i.InvoiceID)).toContain(posted.externalInvoiceId);
    expect(await cleared(p.supplierShopId, `invoice-failed_${invoice.id}`)).toBeInstanceOf(Date);
    expect((await activity(SUPPLIER)).find((e) => e.id === invoice.id)).toBeUndefined();
  });

  it('gives a given-up invoice one more attempt at the press, posts it and clears the give-up alert', async () => {
    await queues.get('invoices.post').pause();
    const { placed, invoice } = await refusedInvoice();
    // As after its sixth attempt: Tandem stopped trying and raised a CRITICAL alert.
    await t.db.invoice.update({ where: { id: invoice.id }, data: { status: 'GAVE_UP', attempts: 6, givenUpAt: new Date(), nextAttemptAt: null } });
    await t.db.alert.create({ data: { shopId: p.supplierShopId, key: `invoice-gave-up_${invoice.id}`, severity: 'CRITICAL', title: 'Invoice not posted', message: 'Tandem gave up.' } });
    expect((await activity(SUPPLIER)).find((e) => e.id === invoice.id)).toMatchObject({ state: 'gave up', attempts: 6, retrying: false });

    expect((await press(SUPPLIER, 'invoice', invoice.id)).body).toEqual({ ok: true, message: `The invoice for order ${placed.name} will be posted to Xero again within moments.` });

    expect(await t.db.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).toMatchObject({ status: 'RETRYING', attempts: 6, givenUpAt: null });
    const link = await t.db.orderLink.findUniqueOrThrow({ where: { id: invoice.orderLinkId }, include: { events: true } });
    expect(link.events.map((e) => e.message)).toContain(`Retry pressed in Activity: the invoice for order ${placed.name} is posted again now (attempt 7).`);
    await queues.get('invoices.post').resume();

    const posted = await until(() => t.db.invoice.findFirst({ where: { id: invoice.id, status: 'POSTED' } }));
    expect(posted.attempts).toBe(7);
    expect(await cleared(p.supplierShopId, `invoice-gave-up_${invoice.id}`)).toBeInstanceOf(Date);
  });
});

describe('when a run failed', () => {
  it('queues the same job again for the same partnership and mode, recorded as a queued manual run', async () => {
    const run = await t.db.syncRun.create({
      data: { shopId: p.supplierShopId, partnershipId: p.partnershipId, kind: 'catalog.sync', mode: 'FULL', trigger: 'schedule', status: 'FAILED', errors: [{ at: 'x', code: 'auth_expired', message: 'Shopify refused the token' }] },
    });
    expect((await activity(SUPPLIER)).find((e) => e.id === run.id)).toMatchObject({ type: 'run', retryable: true });

    expect(await press(SUPPLIER, 'run', run.id)).toEqual({ status: 200, body: { ok: true, message: 'Catalog sync queued again.' } });

    const [job] = await waiting('catalog.sync');
    expect(job!.data).toEqual({ shopId: p.supplierShopId, partnershipId: p.partnershipId, trigger: 'manual', mode: 'FULL', requestedAt: expect.any(Number) });
    const queued = await t.db.syncRun.findFirstOrThrow({ where: { jobId: job!.id } });
    expect(queued).toMatchObject({ kind: 'catalog.sync', mode: 'FULL', trigger: 'manual', status: 'QUEUED' });
    // The failed run was followed by another: it offers Retry no more.
    expect((await activity(SUPPLIER)).find((e) => e.id === run.id)).toMatchObject({ retryable: false });
  });
});
