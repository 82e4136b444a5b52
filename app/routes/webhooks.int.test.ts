// Drives the real webhook route modules' actions with signed Requests against a fresh schema.
import { createHmac, randomUUID } from 'node:crypto';
import { Session } from '@shopify/shopify-api';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { useDatabase } from '../db.server.ts';
import { env } from '../env.server.ts';
import { MAX_WEBHOOK_BYTES } from '../shopify.server.ts';
import { PrismaSessionStorage } from '../session-storage.server.ts';
import { recordInstall } from '../sync/shop-lifecycle.server.ts';
import { action as ordersCreate } from './webhooks.orders.create.tsx';
import { action as appUninstalled } from './webhooks.app.uninstalled.tsx';
import { action as compliance } from './webhooks.compliance.tsx';
import { action as ordersUpdated } from './webhooks.orders.updated.tsx';
import { action as productsUpdate } from './webhooks.products.update.tsx';
import { action as inventoryLevelsUpdate } from './webhooks.inventory_levels.update.tsx';
import { action as fulfillmentsCreate } from './webhooks.fulfillments.create.tsx';
import { action as bulkOperationsFinish } from './webhooks.bulk_operations.finish.tsx';
import { useQueues } from '../jobs/app-queues.server.ts';
import { openQueues, type Queues } from '../jobs/queues.server.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../../test/support/redis.ts';

const SHOP = 'retailer-one.myshopify.com';
// Shopify's own sample payloads, in ../shared/contracts beside the repository.
const samplesDir = fileURLToPath(new URL('../../../shared/contracts/shopify/webhooks', import.meta.url));
const orderSample = readFileSync(`${samplesDir}/orders-create.json`, 'utf8');

let t: TestDatabase;
const redis = testRedis();
const prefix = uniquePrefix('webhooks');
let queues: Queues;

beforeAll(async () => {
  t = await createTestDatabase('webhooks');
  useDatabase(t.db);
  queues = openQueues({ connection: redis, prefix });
  useQueues(queues);
});
afterAll(async () => {
  await queues.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await t.drop();
});
beforeEach(async () => {
  await t.db.webhookEvent.deleteMany();
  await t.db.session.deleteMany();
  await t.db.shop.deleteMany();
});

async function storeOfflineSession(accessToken: string) {
  const session = new Session({ id: `offline_${SHOP}`, shop: SHOP, state: '', isOnline: false, accessToken });
  await new PrismaSessionStorage(t.db).storeSession(session);
}

interface Delivery {
  topic: string;
  body: string;
  webhookId?: string;
  shop?: string;
  secret?: string;
  path?: string;
  triggeredAt?: string;
}

function signedRequest({ topic, body, webhookId = randomUUID(), shop = SHOP, secret, path, triggeredAt }: Delivery) {
  const hmac = createHmac('sha256', secret ?? env().SHOPIFY_API_SECRET).update(body, 'utf8').digest('base64');
  return new Request(`http://localhost:3000${path ?? `/webhooks/${topic}`}`, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': topic,
      'X-Shopify-Hmac-Sha256': hmac,
      'X-Shopify-Shop-Domain': shop,
      'X-Shopify-API-Version': '2026-10',
      'X-Shopify-Webhook-Id': webhookId,
      ...(triggeredAt ? { 'X-Shopify-Triggered-At': triggeredAt } : {}),
    },
  });
}

/** Calls a route action the way Remix does, returning the Response it answered or threw. */
async function deliver(action: (args: never) => Promise<Response>, request: Request): Promise<Response> {
  try {
    return await action({ request, params: {}, context: {} } as never);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe('when orders/create arrives signed with the app secret', () => {
  it('answers 200 and records one WebhookEvent for the delivery', async () => {
    const response = await deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: orderSample, webhookId: 'delivery-1' }));

    expect(response.status).toBe(200);
    const events = await t.db.webhookEvent.findMany();
    expect(events).toHaveLength(1);
    // The shop has not installed Tandem: nothing to protect, so the delivery is done at once.
    expect(events[0]).toMatchObject({ eventId: 'delivery-1', shopDomain: SHOP, topic: 'ORDERS_CREATE', processedAt: expect.any(Date) });
    expect(await queues.get('oversell').count()).toBe(0);
  });

  it('enqueues oversell protection with the sold lines when the shop has installed Tandem', async () => {
    const shop = await t.db.shop.create({ data: { domain: SHOP } });
    const response = await deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: orderSample, webhookId: 'delivery-2' }));

    expect(response.status).toBe(200);
    const sample = JSON.parse(orderSample) as { admin_graphql_api_id: string; line_items: { sku: string | null; quantity: number }[] };
    const jobs = await queues.get('oversell').getJobs(['waiting', 'prioritized', 'delayed']);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].data).toMatchObject({
      shopId: shop.id,
      shopDomain: SHOP,
      orderId: sample.admin_graphql_api_id,
      webhookId: 'delivery-2',
      lines: sample.line_items.map((l) => expect.objectContaining({ sku: l.sku || null, quantity: l.quantity })),
    });
    expect((await t.db.webhookEvent.findUniqueOrThrow({ where: { eventId: 'delivery-2' } })).processedAt).not.toBeNull();
  });
});

describe('when orders/create arrives from a retailer selling partner products', () => {
  const sample = JSON.parse(orderSample) as { admin_graphql_api_id: string; line_items: { sku: string | null }[] };
  const otherOrder = JSON.stringify({ ...sample, admin_graphql_api_id: 'gid://shopify/Order/820982911946154999' });

  /** The shop retails SKU2006-001 (on the sample order) for one supplier, and nothing of another's. */
  async function partnerships() {
    const retailer = await t.db.shop.create({ data: { domain: SHOP } });
    const make = async (n: number, sku: string) => {
      const supplier = await t.db.shop.create({ data: { domain: `supplier-${n}.myshopify.com` } });
      const connection = await t.db.connection.create({ data: { shopId: supplier.id, platform: 'shopify', externalAccount: supplier.domain, credentials: 'sealed' } });
      const variant = await t.db.sourceVariant.create({
        data: { connectionId: connection.id, externalProductId: `p-${n}`, externalVariantId: `v-${n}`, sku, productTitle: sku, price: '5.00', contentHash: 'h' },
      });
      const partnership = await t.db.partnership.create({ data: { supplierShopId: supplier.id, retailerShopId: retailer.id, invitedByShopId: supplier.id, status: 'ACTIVE' } });
      await t.db.listing.create({ data: { partnershipId: partnership.id, sourceVariantId: variant.id, partnerSku: sku, partnerVariantId: `gid://shopify/ProductVariant/9${n}` } });
      return partnership;
    };
    return { retailer, selling: await make(1, 'SKU2006-001'), other: await make(2, 'NOT-ON-THE-ORDER') };
  }

  it('enqueues an order pull of the partnership it sold for, with a job id from the order, and none for the other', async () => {
    await queues.get('orders.pull').obliterate({ force: true });
    const { retailer, selling } = await partnerships();

    const response = await deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: orderSample, webhookId: 'pull-1' }));

    expect(response.status).toBe(200);
    const jobs = await queues.get('orders.pull').getJobs(['waiting', 'prioritized', 'delayed']);
    expect(jobs.map((j) => [j.id, j.data])).toEqual([
      [`orders-pull_${selling.id}_order_gid---shopify-Order-820982911946154508`, { shopId: retailer.id, partnershipId: selling.id, trigger: 'webhook', orderId: sample.admin_graphql_api_id }],
    ]);
  });

  it('keeps one waiting pull per partnership when orders arrive in a burst', async () => {
    await queues.get('orders.pull').obliterate({ force: true });
    await queues.get('oversell').obliterate({ force: true });
    const { selling } = await partnerships();

    await deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: orderSample, webhookId: 'burst-1' }));
    await deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: otherOrder, webhookId: 'burst-2' }));

    const jobs = await queues.get('orders.pull').getJobs(['waiting', 'prioritized', 'delayed']);
    expect(jobs.map((j) => j.data.partnershipId)).toEqual([selling.id]);
    expect(await queues.get('oversell').getJobs(['waiting', 'prioritized', 'delayed'])).toHaveLength(2);
  });
});

describe('when orders/updated arrives from a retailer', () => {
  const updatedSample = readFileSync(`${samplesDir}/orders-updated.json`, 'utf8');
  const sample = JSON.parse(updatedSample) as { admin_graphql_api_id: string; source_identifier: string | null; line_items: { sku: string | null }[] };
  const jobsOf = async () => (await queues.get('orders.pull').getJobs(['waiting', 'prioritized', 'delayed'])).map((j) => [j.id, j.data]);

  /** The shop retails SKU2006-001 for one supplier; another holds a copy of the order from before its lines changed; a third has nothing to do with it. */
  async function partnerships() {
    const retailer = await t.db.shop.create({ data: { domain: SHOP } });
    const partner = async (n: number) => {
      const supplier = await t.db.shop.create({ data: { domain: `supplier-${n}.myshopify.com` } });
      const connection = await t.db.connection.create({ data: { shopId: supplier.id, platform: 'shopify', externalAccount: supplier.domain, credentials: 'sealed' } });
      const partnership = await t.db.partnership.create({ data: { supplierShopId: supplier.id, retailerShopId: retailer.id, invitedByShopId: supplier.id, status: 'ACTIVE' } });
      return { partnership, connection };
    };
    const list = async (n: number, sku: string) => {
      const { partnership, connection } = await partner(n);
      const variant = await t.db.sourceVariant.create({ data: { connectionId: connection.id, externalProductId: `p-${n}`, externalVariantId: `v-${n}`, sku, productTitle: sku, price: '5.00', contentHash: 'h' } });
      await t.db.listing.create({ data: { partnershipId: partnership.id, sourceVariantId: variant.id, partnerSku: sku } });
      return partnership;
    };
    const selling = await list(1, 'SKU2006-001');
    const holding = await list(2, 'REMOVED-FROM-THE-ORDER');
    await t.db.orderLink.create({
      data: { partnershipId: holding.id, retailerOrderId: sample.admin_graphql_api_id, content: {}, contentHash: 'h', totalAmount: '5.00', currency: 'USD', retailerCreatedAt: new Date(), state: 'FAILED' },
    });
    await list(3, 'NOT-ON-THE-ORDER');
    return { retailer, selling, holding };
  }

  it('enqueues an order pull of each partnership the order sells for or that holds a copy of it, one job per edit', async () => {
    await queues.get('orders.pull').obliterate({ force: true });
    const { retailer, selling, holding } = await partnerships();

    const response = await deliver(ordersUpdated, signedRequest({ topic: 'orders/updated', body: updatedSample, webhookId: 'edit-1' }));

    expect(response.status).toBe(200);
    const payload = (partnershipId: string) => ({ shopId: retailer.id, partnershipId, trigger: 'webhook', orderId: sample.admin_graphql_api_id, requestedAt: expect.any(Number) });
    const id = (partnershipId: string) => expect.stringMatching(new RegExp(`^orders-pull_${partnershipId}_order_gid---shopify-Order-820982911946154508_\\d+$`));
    const byPartnership = (a: unknown[], b: unknown[]) => String((a[1] as { partnershipId: string }).partnershipId).localeCompare((b[1] as { partnershipId: string }).partnershipId);
    expect((await jobsOf()).sort(byPartnership)).toEqual(
      [
        [id(selling.id), payload(selling.id)],
        [id(holding.id), payload(holding.id)],
      ].sort((a, b) => (a[1] as { partnershipId: string }).partnershipId.localeCompare((b[1] as { partnershipId: string }).partnershipId)),
    );
    expect((await t.db.webhookEvent.findUniqueOrThrow({ where: { eventId: 'edit-1' } })).processedAt).not.toBeNull();
  });

  it('keeps one waiting pull per partnership when edits and the order’s creation arrive in a burst', async () => {
    await queues.get('orders.pull').obliterate({ force: true });
    const { selling, holding } = await partnerships();

    await deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: orderSample, webhookId: 'create-1' }));
    for (const n of [1, 2, 3]) await deliver(ordersUpdated, signedRequest({ topic: 'orders/updated', body: updatedSample, webhookId: `edit-burst-${n}` }));

    expect((await jobsOf()).map(([, data]) => (data as { partnershipId: string }).partnershipId).sort()).toEqual([selling.id, holding.id].sort());
  });

  it('enqueues nothing for an order Tandem placed at this shop as a supplier', async () => {
    await queues.get('orders.pull').obliterate({ force: true });
    await partnerships();
    const forwarded = JSON.stringify({ ...sample, source_identifier: 'tandem:order-cmx1' });

    expect((await deliver(ordersUpdated, signedRequest({ topic: 'orders/updated', body: forwarded, webhookId: 'edit-ours' }))).status).toBe(200);

    expect(await jobsOf()).toEqual([]);
  });
});

// Every subscription in shopify.app.toml has its own route: each must verify and dedupe, not
// only orders/create (topic as Shopify sends it, route action, sample file, topic as stored).
const routes = [
  ['orders/create', ordersCreate, 'orders-create.json', 'ORDERS_CREATE'],
  ['orders/updated', ordersUpdated, 'orders-updated.json', 'ORDERS_UPDATED'],
  ['products/update', productsUpdate, 'products-update.json', 'PRODUCTS_UPDATE'],
  ['inventory_levels/update', inventoryLevelsUpdate, 'inventory_levels-update.json', 'INVENTORY_LEVELS_UPDATE'],
  ['fulfillments/create', fulfillmentsCreate, 'fulfillments-create.json', 'FULFILLMENTS_CREATE'],
  ['bulk_operations/finish', bulkOperationsFinish, 'bulk_operations-finish.json', 'BULK_OPERATIONS_FINISH'],
  ['app/uninstalled', appUninstalled, 'app-uninstalled.json', 'APP_UNINSTALLED'],
] as const;

describe.each(routes)('when %s arrives at its route', (topic, action, file, stored) => {
  const body = readFileSync(`${samplesDir}/${file}`, 'utf8');

  it('records a delivery signed with the app secret once, however often it is replayed', async () => {
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await deliver(action, signedRequest({ topic, body, webhookId: `${stored}-1` }))).status);

    expect(answers).toEqual([200, 200, 200]);
    expect(await t.db.webhookEvent.findMany({ select: { eventId: true, shopDomain: true, topic: true } })).toEqual([
      { eventId: `${stored}-1`, shopDomain: SHOP, topic: stored },
    ]);
  });

  it('answers 401 to a delivery signed with another secret and records nothing', async () => {
    const response = await deliver(action, signedRequest({ topic, body, webhookId: `${stored}-forged`, secret: 'not-the-app-secret' }));

    expect(response.status).toBe(401);
    expect(await t.db.webhookEvent.count()).toBe(0);
  });
});

describe('when the HMAC was made with another secret', () => {
  it('answers 401 and records nothing', async () => {
    const forged = signedRequest({ topic: 'orders/create', body: orderSample, secret: 'not-the-app-secret' });

    const response = await deliver(ordersCreate, forged);

    expect(response.status).toBe(401);
    expect(await t.db.webhookEvent.count()).toBe(0);
  });
});

describe('when the same delivery is replayed', () => {
  it('answers 200 both times and keeps one WebhookEvent', async () => {
    const first = await deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: orderSample, webhookId: 'delivery-2' }));
    const again = await deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: orderSample, webhookId: 'delivery-2' }));

    expect([first.status, again.status]).toEqual([200, 200]);
    expect(await t.db.webhookEvent.count({ where: { eventId: 'delivery-2' } })).toBe(1);
  });

  it('records it once when both copies arrive at the same moment', async () => {
    const copies = await Promise.all(
      [1, 2, 3].map(() => deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: orderSample, webhookId: 'delivery-3' }))),
    );

    expect(copies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await t.db.webhookEvent.count()).toBe(1);
  });
});

describe('when a signed body is not JSON', () => {
  it('answers 400 naming the problem and records nothing', async () => {
    const response = await deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: '{"id": 1,' }));

    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/^Webhook body is not valid JSON/);
    expect(await t.db.webhookEvent.count()).toBe(0);
  });

  it('still accepts the next delivery', async () => {
    await deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: 'not json' }));
    const next = await deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: orderSample, webhookId: 'after-bad' }));

    expect(next.status).toBe(200);
    expect(await t.db.webhookEvent.findMany({ select: { eventId: true } })).toEqual([{ eventId: 'after-bad' }]);
  });
});

describe('when a body is larger than 1 MB', () => {
  it('answers 413 without recording it', async () => {
    const huge = JSON.stringify({ note: 'x'.repeat(MAX_WEBHOOK_BYTES) });

    const response = await deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: huge }));

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: `Webhook body is larger than ${MAX_WEBHOOK_BYTES} bytes.` });
    expect(await t.db.webhookEvent.count()).toBe(0);
  });

  it('answers 413 when the size is not declared up front (chunked)', async () => {
    const huge = JSON.stringify({ note: 'x'.repeat(MAX_WEBHOOK_BYTES) });
    const signed = signedRequest({ topic: 'orders/create', body: huge });
    const bytes = new TextEncoder().encode(huge);
    const chunked = new Request(signed.url, {
      method: 'POST',
      headers: signed.headers,
      body: new ReadableStream({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.slice(at, at + 64 * 1024));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);

    const response = await deliver(ordersCreate, chunked);

    expect(response.status).toBe(413);
  });
});

describe('when app/uninstalled arrives', () => {
  const uninstalled = (webhookId: string, triggeredAt: string) =>
    signedRequest({ topic: 'app/uninstalled', body: JSON.stringify({ domain: SHOP }), webhookId, triggeredAt });

  async function seedInstalledShop(installedAt: Date) {
    await recordInstall(t.db, { domain: SHOP, name: 'Retailer One' }, installedAt);
    await storeOfflineSession('shpat_first');
  }

  it('marks the shop uninstalled at the trigger time and deletes its sessions', async () => {
    await seedInstalledShop(new Date('2026-11-01T00:00:00Z'));

    const response = await deliver(appUninstalled, uninstalled('uninstall-1', '2026-11-20T10:00:00.123456789Z'));

    expect(response.status).toBe(200);
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(shop.uninstalledAt?.toISOString()).toBe('2026-11-20T10:00:00.123Z');
    expect(await t.db.session.count({ where: { shop: SHOP } })).toBe(0);
  });

  it('changes nothing when the uninstall is replayed after a reinstall', async () => {
    await seedInstalledShop(new Date('2026-11-01T00:00:00Z'));
    await deliver(appUninstalled, uninstalled('uninstall-2', '2026-11-20T10:00:00Z'));
    await recordInstall(t.db, { domain: SHOP }, new Date('2026-11-21T00:00:00Z'));
    await storeOfflineSession('shpat_after_reinstall');

    const replay = await deliver(appUninstalled, uninstalled('uninstall-2', '2026-11-20T10:00:00Z'));

    expect(replay.status).toBe(200);
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(shop.uninstalledAt).toBeNull();
    expect(await t.db.session.count({ where: { shop: SHOP } })).toBe(1);
  });

  it('ignores a late uninstall triggered before the current install', async () => {
    await seedInstalledShop(new Date('2026-11-21T00:00:00Z'));

    const late = await deliver(appUninstalled, uninstalled('uninstall-old', '2026-11-20T10:00:00Z'));

    expect(late.status).toBe(200);
    expect((await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).uninstalledAt).toBeNull();
    expect(await t.db.session.count({ where: { shop: SHOP } })).toBe(1);
  });
});

describe('when a compliance webhook arrives', () => {
  const complianceRequest = (topic: string, file: string, webhookId: string, secret?: string) =>
    signedRequest({ topic, body: readFileSync(`${samplesDir}/${file}`, 'utf8'), webhookId, secret, path: '/webhooks/compliance' });

  it.each([
    ['customers/data_request', 'customers-data_request.json', 'CUSTOMERS_DATA_REQUEST'],
    ['customers/redact', 'customers-redact.json', 'CUSTOMERS_REDACT'],
    ['shop/redact', 'shop-redact.json', 'SHOP_REDACT'],
  ])('acknowledges %s with 200 and records it', async (topic, file, stored) => {
    const response = await deliver(compliance, complianceRequest(topic, file, `c-${stored}`));

    expect(response.status).toBe(200);
    expect(await t.db.webhookEvent.findMany({ select: { eventId: true, topic: true } })).toEqual([
      { eventId: `c-${stored}`, topic: stored },
    ]);
  });

  it('answers 401 to a forged one', async () => {
    const response = await deliver(compliance, complianceRequest('shop/redact', 'shop-redact.json', 'forged', 'wrong'));

    expect(response.status).toBe(401);
    expect(await t.db.webhookEvent.count()).toBe(0);
  });

  it("deletes the shop's data on shop/redact and keeps only the redact delivery", async () => {
    await recordInstall(t.db, { domain: SHOP, name: 'Retailer One' });
    await storeOfflineSession('shpat_first');
    await deliver(ordersCreate, signedRequest({ topic: 'orders/create', body: orderSample, webhookId: 'old-order' }));

    const response = await deliver(
      compliance,
      signedRequest({ topic: 'shop/redact', body: JSON.stringify({ shop_domain: SHOP }), webhookId: 'redact-1', path: '/webhooks/compliance' }),
    );

    expect(response.status).toBe(200);
    expect(await t.db.shop.count({ where: { domain: SHOP } })).toBe(0);
    expect(await t.db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await t.db.webhookEvent.findMany({ select: { eventId: true } })).toEqual([{ eventId: 'redact-1' }]);
  });
});
