// Oversell protection end to end: a customer buys at a retailer's Shopify, the simulator delivers
// a signed orders/create webhook to Tandem's route, the route enqueues the oversell job, a real
// BullMQ worker runs the engine, and the supplier and the retailer both show the netted count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from '../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { deletePrefix, testRedis, uniquePrefix } from './support/redis.ts';
import { createPartners, productWith, type Partners } from './support/partners.ts';
import { useDatabase } from '../app/db.server.ts';
import { env } from '../app/env.server.ts';
import { useQueues } from '../app/jobs/app-queues.server.ts';
import { openQueues, type Queues } from '../app/jobs/queues.server.ts';
import { startWorkers, type RunningWorkers } from '../app/jobs/worker.server.ts';
import { engineHandlers } from '../app/jobs/handlers.server.ts';
import { Budgets } from '../app/jobs/budget.server.ts';
import { redisStockLock } from '../app/sync/stock-lock.server.ts';
import { createSyncContext } from '../app/sync/connections.server.ts';
import { syncCatalogToPartner } from '../app/sync/listings.server.ts';
import { approveListings } from '../app/sync/approvals.server.ts';
import { pushInventory } from '../app/sync/inventory-push.server.ts';
import { until } from './support/until.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

const redis = testRedis();
const prefix = uniquePrefix('oversell-e2e');
let t: TestDatabase;
let sim: ShopifySimulator;
let receiver: WebhookReceiver | undefined;
let queues: Queues;
let workers: RunningWorkers;
let partners: Partners;

const available = (domain: string, sku: string) => sim.inventoryBySku(domain, sku)[0]?.available;

beforeAll(async () => {
  t = await createTestDatabase('oversell_e2e');
  useDatabase(t.db);
  queues = openQueues({ connection: redis, prefix });
  useQueues(queues);
  sim = await startShopifySimulator({ latencyMs: 0, app: { clientId: env().SHOPIFY_API_KEY, clientSecret: env().SHOPIFY_API_SECRET } });
  receiver = await startWebhookReceiver({ 'orders/create': (await import('../app/routes/webhooks.orders.create.tsx')).action });
  sim.setWebhookSubscriptions([{ topic: 'orders/create', uri: receiver.url }]);
  partners = await createPartners(t.db, sim);
  sim.seedProducts(partners.supplierDomain, [productWith('Enamel Mug', ['MUG-1'], '6.50')]);
  sim.inventoryBySku(partners.supplierDomain, 'MUG-1');
  const ctx = createSyncContext(t.db);
  await syncCatalogToPartner(ctx, partners.partnershipId, { mode: 'FULL', trigger: 'manual' });
  const listings = await t.db.listing.findMany({ where: { partnershipId: partners.partnershipId } });
  await approveListings(ctx, partners.retailerShopId, listings.map((l) => l.id));
  await pushInventory(ctx, partners.partnershipId, { mode: 'FULL', trigger: 'manual' });
  workers = startWorkers({ db: t.db, redis: { connection: redis, prefix }, handlers: engineHandlers({ budgets: new Budgets({ connection: redis, prefix }), stockLock: redisStockLock(redis, { prefix }) }), queues: ['oversell'] });
});

afterAll(async () => {
  await workers?.close();
  await queues?.close();
  await sim?.close();
  await receiver?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await t?.drop();
});

describe('when a customer buys at a retailer', () => {
  it('starts with the supplier count at both shops', () => {
    expect(available(partners.supplierDomain, 'MUG-1')).toBe(5);
    expect(available(partners.retailerDomain, 'MUG-1')).toBe(5);
  });

  it('nets the sold units out of the supplier and pushes the count back to the retailer, once even when the webhook arrives twice', async () => {
    sim.setDeliveryFaults({ duplicate: 1 });
    sim.placeOrder(partners.retailerDomain, { lineItems: [{ sku: 'MUG-1', quantity: 2 }] });
    await until(() => available(partners.supplierDomain, 'MUG-1') === 3);
    await sim.drainWebhooks();
    await until(() => available(partners.retailerDomain, 'MUG-1') === 3);
    // Let any second job finish before judging: stock must not move twice.
    await new Promise((r) => setTimeout(r, 500));
    expect(available(partners.supplierDomain, 'MUG-1')).toBe(3);
    expect(available(partners.retailerDomain, 'MUG-1')).toBe(3);
    // Two deliveries of one event (same X-Shopify-Webhook-Id): recorded once, netted once.
    expect(sim.deliveries().filter((d) => d.headers['X-Shopify-Topic'] === 'orders/create' && d.deliveredAt)).toHaveLength(2);
    expect(await t.db.webhookEvent.count({ where: { topic: 'ORDERS_CREATE' } })).toBe(1);
    expect(await t.db.reservation.count()).toBe(1);
  });
});
