// Issue 8, reliability: webhooks arrive late, out of order, twice, forged, malformed or oversized.
// Real deliveries from the Shopify simulator reach the real routes over HTTP, a worker process runs
// the jobs they queue. Whatever the order of arrival, each retail order is forwarded to the supplier
// once and its units leave the supplier's stock once; a bad delivery gets a clear 4xx and changes
// nothing, and the order it stood for still arrives by the hourly pull.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabase } from '../../app/db.server.ts';
import { env, resetEnvCache } from '../../app/env.server.ts';
import { useQueues } from '../../app/jobs/app-queues.server.ts';
import { enqueue } from '../../app/jobs/enqueue.server.ts';
import { openQueues, QUEUE_NAMES, type Queues } from '../../app/jobs/queues.server.ts';
import { approveListings } from '../../app/sync/approvals.server.ts';
import { createSyncContext } from '../../app/sync/connections.server.ts';
import { pushInventory } from '../../app/sync/inventory-push.server.ts';
import { syncCatalogToPartner } from '../../app/sync/listings.server.ts';
import { MAX_WEBHOOK_BYTES } from '../../app/shopify.server.ts';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { createPartners, productWith, type Partners } from '../support/partners.ts';
import { TEST_REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../support/redis.ts';
import { until } from '../support/until.ts';
import { startWebhookReceiver, type HeldDelivery, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.ts';

const redis = testRedis();
const prefix = uniquePrefix('chaos-webhooks');
let t: TestDatabase;
let sim: ShopifySimulator;
let queues: Queues;
let partners: Partners;
let receiver: WebhookReceiver;
let worker: WorkerProcess;

const SHIPPING = { address1: '1 Main St', city: 'Portland', countryCode: 'US', zip: '97201' };
const supplierStock = () => sim.inventoryBySku(partners.supplierDomain, 'MUG')[0]!.available;

beforeAll(async () => {
  t = await createTestDatabase('chaos_webhooks');
  useDatabase(t.db);
  queues = openQueues({ connection: redis, prefix });
  useQueues(queues);
  sim = await startShopifySimulator({ latencyMs: 0, app: { clientId: env().SHOPIFY_API_KEY, clientSecret: env().SHOPIFY_API_SECRET } });
  resetEnvCache();
  receiver = await startWebhookReceiver({
    'orders/create': (await import('../../app/routes/webhooks.orders.create.tsx')).action,
    'orders/updated': (await import('../../app/routes/webhooks.orders.updated.tsx')).action,
  });
  sim.setWebhookSubscriptions([{ topics: ['orders/create', 'orders/updated'], uri: `${receiver.url}/webhooks` }]);
  partners = await createPartners(t.db, sim);
  sim.seedProducts(partners.supplierDomain, [productWith('Enamel Mug', ['MUG'], '6.50', { variants: [{ sku: 'MUG', price: '6.50', available: 40, title: 'S1', selectedOptions: [{ name: 'Size', value: 'S1' }] }] })]);
  const ctx = createSyncContext(t.db);
  await syncCatalogToPartner(ctx, partners.partnershipId, { mode: 'FULL', trigger: 'manual' });
  const listings = await t.db.listing.findMany({ where: { partnershipId: partners.partnershipId } });
  await approveListings(ctx, partners.retailerShopId, listings.map((l) => l.id));
  await pushInventory(ctx, partners.partnershipId, { mode: 'FULL', trigger: 'manual' });
  worker = startWorkerProcess({ databaseUrl: t.url, schema: t.schema, redisUrl: TEST_REDIS_URL, redisPrefix: prefix });
  await worker.ready;
});

afterAll(async () => {
  await worker?.stop('SIGTERM');
  await queues?.close();
  await sim?.close();
  await receiver?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await t?.drop();
});

/** No job waiting, delayed or running on any queue: every piece of work the deliveries started is done. */
async function settled() {
  await sim.drainWebhooks();
  await until('the queues to empty', async () => {
    const jobs = await Promise.all(QUEUE_NAMES.map((q) => queues.get(q).getJobs(['waiting', 'prioritized', 'delayed', 'active'])));
    // A scheduler's next run always waits (delayed, id `repeat:…`): not work a delivery started.
    return jobs.flat().every((j) => !j || j.id?.startsWith('repeat:'));
  });
}

const forwarded = (orderId: string) => until(`order ${orderId} forwarded`, () => t.db.orderLink.findFirst({ where: { retailerOrderId: orderId, supplierOrderId: { not: null } } }));
const supplierOrdersOf = (orderName: string) => sim.orders(partners.supplierDomain).filter((o) => JSON.stringify(o).includes(orderName));

/** The hourly orders.pull (what catches any order a webhook did not bring). */
const hourlyPull = () => enqueue(queues, 'orders.pull', { shopId: partners.retailerShopId, partnershipId: partners.partnershipId, trigger: 'schedule', requestedAt: Date.now() });

/** The retailer edits the order in its admin (orderUpdate): orders/updated fires. */
async function editRetailerOrder(orderId: string, input: Record<string, unknown>) {
  const res = await fetch(sim.graphqlUrl(partners.retailerDomain), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': String(sim.issueToken(partners.retailerDomain).access_token) },
    body: JSON.stringify({ query: 'mutation ($input: OrderInput!) { orderUpdate(input: $input) { userErrors { message } } }', variables: { input: { id: orderId, ...input } } }),
  });
  expect(((await res.json()) as { data: unknown }).data).toEqual({ orderUpdate: { userErrors: [] } });
}

function signed(topic: string, body: string, secret = env().SHOPIFY_API_SECRET): HeldDelivery {
  return {
    topic,
    body: Buffer.from(body),
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body, 'utf8').digest('base64'),
      'x-shopify-shop-domain': partners.retailerDomain,
      'x-shopify-api-version': '2026-10',
      'x-shopify-webhook-id': randomUUID(),
    },
  };
}

describe('when orders/create arrives after the hourly pull already forwarded the order', () => {
  it('takes the sold units out of the supplier once', async () => {
    const before = supplierStock();
    receiver.hold(['orders/create']);
    const placed = sim.placeOrder(partners.retailerDomain, { lineItems: [{ sku: 'MUG', quantity: 3 }], shippingAddress: SHIPPING });
    await sim.drainWebhooks();
    const late = receiver.held();
    receiver.hold([]);
    await hourlyPull();
    await forwarded(placed.id);
    await settled();
    expect(supplierStock()).toBe(before - 3);

    for (const delivery of late) expect((await receiver.deliver(delivery)).status).toBe(200);
    await settled();

    expect(supplierStock()).toBe(before - 3);
    expect(supplierOrdersOf(placed.name)).toHaveLength(1);
  });
});

describe('when orders/updated arrives before orders/create, while the supplier is slow', () => {
  it('forwards the order once and takes its units once, though the oversell job runs during the forward', async () => {
    const before = supplierStock();
    receiver.hold(['orders/create', 'orders/updated']);
    const placed = sim.placeOrder(partners.retailerDomain, { lineItems: [{ sku: 'MUG', quantity: 2 }], shippingAddress: SHIPPING });
    await editRetailerOrder(placed.id, { note: 'gift wrap' });
    await sim.drainWebhooks();
    const held = receiver.held();
    receiver.hold([]);
    const reordered = [...held.filter((d) => d.topic === 'orders/updated'), ...held.filter((d) => d.topic === 'orders/create')];
    expect(reordered.map((d) => d.topic)).toContain('orders/create');

    // A slow supplier: the oversell job of orders/create runs while the pull is still forwarding.
    sim.faults.add({ route: `^POST /store/${partners.supplierDomain}/`, delayMs: 250 });
    for (const delivery of reordered) expect((await receiver.deliver(delivery)).status).toBe(200);
    await forwarded(placed.id);
    await settled();
    sim.faults.clear();

    expect(supplierStock()).toBe(before - 2);
    expect(supplierOrdersOf(placed.name)).toHaveLength(1);
    expect(await t.db.orderLink.count({ where: { retailerOrderId: placed.id } })).toBe(1);
  });
});

describe('when every delivery arrives twice', () => {
  it('forwards the order once and takes its units once', async () => {
    const before = supplierStock();
    sim.setDeliveryFaults({ duplicate: 1 });
    const placed = sim.placeOrder(partners.retailerDomain, { lineItems: [{ sku: 'MUG', quantity: 1 }], shippingAddress: SHIPPING });
    await forwarded(placed.id);
    await settled();

    expect(sim.deliveries().filter((d) => d.body.includes(placed.id.split('/').pop()!) && d.headers['X-Shopify-Topic'] === 'orders/create').length).toBe(2);
    expect(supplierStock()).toBe(before - 1);
    expect(supplierOrdersOf(placed.name)).toHaveLength(1);
  });
});

describe('when a delivery is forged, malformed or oversized', () => {
  const order = () => JSON.stringify({ admin_graphql_api_id: 'gid://shopify/Order/990001', tags: '', line_items: [{ sku: 'MUG', variant_id: 1, quantity: 5 }] });

  it('answers 401 to a body signed with another secret, recording and queuing nothing', async () => {
    const forged = signed('orders/create', order(), 'not-the-app-secret');
    const answer = await receiver.deliver(forged);

    expect(answer.status).toBe(401);
    expect(await t.db.webhookEvent.count({ where: { eventId: forged.headers['x-shopify-webhook-id'] } })).toBe(0);
    expect(await queues.get('oversell').getJobs(['waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed'])).not.toContainEqual(expect.objectContaining({ data: expect.objectContaining({ orderId: 'gid://shopify/Order/990001' }) }));
  });

  it('answers 413 to a body over the limit', async () => {
    const answer = await receiver.deliver(signed('orders/create', JSON.stringify({ padding: 'x'.repeat(MAX_WEBHOOK_BYTES) })));

    expect(answer).toEqual({ status: 413, body: JSON.stringify({ error: `Webhook body is larger than ${MAX_WEBHOOK_BYTES} bytes.` }) });
  });

  it('answers 400 naming the field to a signed order without lines, and the hourly pull still brings the order', async () => {
    const before = supplierStock();
    receiver.hold(['orders/create']);
    const placed = sim.placeOrder(partners.retailerDomain, { lineItems: [{ sku: 'MUG', quantity: 4 }], shippingAddress: SHIPPING });
    await sim.drainWebhooks();
    receiver.held();
    receiver.hold([]);
    const malformed = signed('orders/create', JSON.stringify({ admin_graphql_api_id: placed.id, tags: '' }));

    const answer = await receiver.deliver(malformed);

    expect(answer).toEqual({ status: 400, body: JSON.stringify({ error: 'Webhook payload is not a Shopify order: line_items: Invalid input: expected array, received undefined' }) });
    await hourlyPull();
    await forwarded(placed.id);
    await settled();
    expect(supplierStock()).toBe(before - 4);
    expect(supplierOrdersOf(placed.name)).toHaveLength(1);
  });
});
