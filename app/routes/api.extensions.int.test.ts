// The admin extensions' backend over real HTTP, as the admin's extension worker calls it: a
// session token the Shopify simulator signs, the CORS preflight from extensions.shopifycdn.com,
// then GET/POST. "Sync to partners now" queues a real BullMQ job (fresh Redis prefix); the order
// block reads OrderLink, OrderEvent and Fulfillment rows. A shop never reaches another shop's
// products or orders, not even its partner's.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSessionToken, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { startAppServer, type AppServer } from '../../test/support/app-server.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../../test/support/redis.ts';
import { sealCredentials } from '../sync/connections.server.ts';
import { startAdminSimulator } from '../../test/support/admin-simulator.ts';

const SUPPLIER = { domain: 'dune-supply.myshopify.com', name: 'Dune Supply' };
const RETAILER = { domain: 'elm-retail.myshopify.com', name: 'Elm Retail' };
const WOO_RETAILER = { domain: 'oak-goods.myshopify.com', name: 'Oak Goods' };
const OUTSIDER = { domain: 'fern-outsider.myshopify.com', name: 'Fern Outsider' };
const EXTENSIONS_ORIGIN = 'https://extensions.shopifycdn.com';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const SHIRT = 'gid://shopify/Product/101';

const prefix = uniquePrefix('extensions-api');
const redis = testRedis();
let t: TestDatabase;
let shopify: ShopifySimulator;
let app: AppServer;
const ids = {} as { elm: string; oak: string; sent: string; failed: string };

beforeAll(async () => {
  shopify = await startAdminSimulator([SUPPLIER, RETAILER, WOO_RETAILER, OUTSIDER].map((s) => ({ ...s, timezone: 'America/New_York' })));
  t = await createTestDatabase('extensions_api');
  await seed();
  app = await startAppServer({ db: t.db, redisPrefix: prefix, shopify });
}, 180_000);

afterAll(async () => {
  await app?.close();
  await t?.drop();
  await shopify?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

/** Dune Supply sells its Shopify catalog to Elm Retail, and its WooCommerce catalog to Oak Goods. */
async function seed() {
  const db = t.db;
  const [dune, elm, oak] = await Promise.all([SUPPLIER, RETAILER, WOO_RETAILER, OUTSIDER].map((s) => db.shop.create({ data: { domain: s.domain, name: s.name, timezone: 'America/New_York' } })));
  const connection = (shopId: string, platform: string, externalAccount: string) =>
    db.connection.create({ data: { shopId, platform, externalAccount, credentials: sealCredentials({ accessToken: 'unused-here' }) } });
  const duneShopify = await connection(dune!.id, 'shopify', SUPPLIER.domain);
  const duneWoo = await connection(dune!.id, 'woocommerce', 'https://dune-supply.example');
  const partnership = (retailerShopId: string, sourceConnectionId: string) =>
    db.partnership.create({ data: { supplierShopId: dune!.id, retailerShopId, invitedByShopId: dune!.id, status: 'ACTIVE', acceptedAt: new Date(), sourceConnectionId } });
  const toElm = await partnership(elm!.id, duneShopify.id);
  const toOak = await partnership(oak!.id, duneWoo.id);
  ids.elm = toElm.id;
  ids.oak = toOak.id;

  const variant = (sku: string, n: number) =>
    db.sourceVariant.create({ data: { connectionId: duneShopify.id, externalProductId: SHIRT, externalVariantId: `gid://shopify/ProductVariant/${n}`, sku, productTitle: 'Linen Shirt', price: '20.00', contentHash: sku } });
  const [small, medium] = [await variant('SHIRT-S', 1001), await variant('SHIRT-M', 1002)];
  await db.listing.create({ data: { partnershipId: toElm.id, sourceVariantId: small.id, partnerVariantId: 'gid://shopify/ProductVariant/9001', approval: 'APPROVED', lastSyncedAt: new Date('2026-11-23T12:05:00Z') } });
  await db.listing.create({ data: { partnershipId: toElm.id, sourceVariantId: medium.id, approval: 'PENDING', lastError: 'Shopify rejected product "Linen Shirt": title is too long.' } });

  const order = (retailerOrderId: string, name: string, extra: object) =>
    db.orderLink.create({
      data: { partnershipId: toElm.id, retailerOrderId, retailerOrderName: name, content: { name }, contentHash: name, totalAmount: '40.00', currency: 'USD', retailerCreatedAt: new Date('2026-11-23T14:00:00Z'), ...extra },
    });
  const sent = await order('gid://shopify/Order/501', '#1001', {
    state: 'PARTIALLY_FULFILLED',
    supplierOrderId: 'gid://shopify/Order/777',
    supplierOrderName: '#2002',
    systemOfRecordId: 'SO-88',
    forwardedAt: new Date('2026-11-23T15:05:00Z'),
  });
  await db.orderEvent.createMany({
    data: [
      { orderLinkId: sent.id, state: 'RECEIVED', message: 'Received order #1001 from the retailer (1 line for this supplier).', at: new Date('2026-11-23T15:00:00Z') },
      { orderLinkId: sent.id, state: 'FORWARDED', message: 'Sent to Dune Supply as order #2002 (gid://shopify/Order/777).', at: new Date('2026-11-23T15:05:00Z') },
    ],
  });
  await db.fulfillment.create({
    data: { orderLinkId: sent.id, supplierFulfillmentId: 'gid://shopify/Fulfillment/31', carrier: 'UPS', trackingNumber: '1Z999', trackingUrl: 'https://ups.example/1Z999', lines: [{ sku: 'SHIRT-S', quantity: 1, retailerLineId: 'gid://shopify/LineItem/5' }], pushedAt: new Date('2026-11-24T09:00:00Z') },
  });
  const failed = await order('gid://shopify/Order/502', '#1002', { state: 'FAILED', failureReason: 'SKU_MISMATCH', failureDetail: { lines: [] } });
  await db.alert.create({
    data: { shopId: elm!.id, key: `order-failed_${failed.id}`, title: 'Order #1002: SKU SHIRT-XL not found at Dune Supply', message: 'Order #1002 from Elm Retail was not sent to Dune Supply: no Dune Supply variant carries this SKU.', fix: 'Give the Dune Supply variant the SKU the order carries again; Tandem retries on the next order sync.' },
  });
  ids.sent = sent.id;
  ids.failed = failed.id;
}

function call(shop: string, method: string, path: string) {
  return fetch(`${app.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${mintSessionToken(shopify.sim, shop)}`, Origin: EXTENSIONS_ORIGIN, 'User-Agent': BROWSER },
  });
}

async function json(shop: string, method: string, path: string) {
  const res = await call(shop, method, path);
  return { status: res.status, body: await res.json(), cors: res.headers.get('access-control-allow-origin') };
}

const catalogJobs = async () => {
  const queue = new Queue('catalog.sync', { connection: redis, prefix });
  const jobs = await queue.getJobs(['prioritized', 'waiting', 'delayed']);
  await queue.close();
  return jobs;
};

describe('when the admin extension worker asks the app across origins', () => {
  it('answers the CORS preflight without a session token', async () => {
    const res = await fetch(`${app.url}/api/products/101/sync`, {
      method: 'OPTIONS',
      headers: { Origin: EXTENSIONS_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization', 'User-Agent': BROWSER },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    // What the browser checks: the header it asked to send is in the allowed list (any case).
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/)).toContain('authorization');
  });

  it('refuses a session token issued for another app', async () => {
    const forged = mintSessionToken(shopify.sim, SUPPLIER.domain, '1', { aud: 'another-apps-client-id' });
    const res = await fetch(`${app.url}/api/orders/501/routing`, { headers: { Authorization: `Bearer ${forged}`, Origin: EXTENSIONS_ORIGIN, 'User-Agent': BROWSER } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('when a supplier opens "Sync to partners now" on a product', () => {
  it('shows each retailer it supplies and where the product stands there', async () => {
    const { status, body, cors } = await json(SUPPLIER.domain, 'GET', '/api/products/101/sync');

    expect(status).toBe(200);
    expect(cors).toBe('*');
    expect(body).toEqual({
      productId: SHIRT,
      partners: [
        {
          partnershipId: ids.elm,
          partner: 'Elm Retail',
          fromThisStore: true,
          catalogPlatform: 'Shopify',
          variantsInCatalog: 2,
          offered: 2,
          created: 1,
          approved: 1,
          pending: 1,
          rejected: 0,
          lastSyncedAt: '2026-11-23T12:05:00.000Z',
          lastSyncedExact: 'Nov 23, 2026, 7:05 AM EST',
          lastError: 'Shopify rejected product "Linen Shirt": title is too long.',
        },
        {
          partnershipId: ids.oak,
          partner: 'Oak Goods',
          fromThisStore: false,
          catalogPlatform: 'WooCommerce',
          variantsInCatalog: 0,
          offered: 0,
          created: 0,
          approved: 0,
          pending: 0,
          rejected: 0,
          lastSyncedAt: null,
          lastSyncedExact: null,
          lastError: null,
        },
      ],
    });
  });

  it('queues a catalog sync of just this product for the retailer fed from this store, and skips the other', async () => {
    const { status, body } = await json(SUPPLIER.domain, 'POST', '/api/products/101/sync');

    expect(status).toBe(200);
    const queued = body.results[0];
    expect(body).toEqual({
      productId: SHIRT,
      results: [
        { partnershipId: ids.elm, partner: 'Elm Retail', outcome: 'queued', syncRunId: expect.any(String) },
        { partnershipId: ids.oak, partner: 'Oak Goods', outcome: 'skipped', reason: 'Oak Goods gets its catalog from your WooCommerce connection, not from this store.' },
      ],
    });
    const run = await t.db.syncRun.findUniqueOrThrow({ where: { id: queued.syncRunId } });
    expect(run).toMatchObject({ kind: 'catalog.sync', mode: 'PARTIAL', trigger: 'manual', status: 'QUEUED', partnershipId: ids.elm });
    const jobs = (await catalogJobs()).filter((j) => j.id === run.jobId);
    expect(jobs.map((j) => j.data)).toEqual([
      { shopId: run.shopId, partnershipId: ids.elm, trigger: 'manual', requestedAt: expect.any(Number), productIds: [SHIRT], mode: 'PARTIAL' },
    ]);
  });

  it('answers 400 naming the id when it is not a Shopify product number', async () => {
    const { status, body } = await json(SUPPLIER.domain, 'POST', '/api/products/shirt/sync');
    expect(status).toBe(400);
    expect(body).toEqual({ errors: { id: ['A Shopify product id is a number, like 8123456789'] } });
  });

  it('answers 405 to a method other than GET and POST', async () => {
    const res = await call(SUPPLIER.domain, 'DELETE', '/api/products/101/sync');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
  });
});

describe('when another shop presses "Sync to partners now" on the same product id', () => {
  it.each([
    ['the retailer partner', RETAILER.domain],
    ['a shop outside the partnership', OUTSIDER.domain],
  ])('%s sees no partners and queues nothing', async (_who, domain) => {
    const jobsBefore = (await catalogJobs()).length;
    const runsBefore = await t.db.syncRun.count();

    const seen = await json(domain, 'GET', '/api/products/101/sync');
    const pressed = await json(domain, 'POST', '/api/products/101/sync');

    expect(seen.body).toEqual({ productId: SHIRT, partners: [] });
    expect(pressed.body).toEqual({ productId: SHIRT, results: [] });
    expect((await catalogJobs()).length).toBe(jobsBefore);
    expect(await t.db.syncRun.count()).toBe(runsBefore);
  });
});

describe('when the retailer opens an order it sold', () => {
  it('shows the supplier order it went to, its state, the tracking and the history, newest first', async () => {
    const { status, body, cors } = await json(RETAILER.domain, 'GET', '/api/orders/501/routing');

    expect(status).toBe(200);
    expect(cors).toBe('*');
    expect(body).toEqual({
      orderId: 'gid://shopify/Order/501',
      routes: [
        {
          orderLinkId: ids.sent,
          direction: 'sent',
          partner: 'Dune Supply',
          retailerOrderName: '#1001',
          supplierPlatform: 'Shopify',
          supplierOrderName: '#2002',
          supplierOrderId: 'gid://shopify/Order/777',
          systemOfRecordId: 'SO-88',
          state: 'PARTIALLY_FULFILLED',
          forwardedAt: '2026-11-23T15:05:00.000Z',
          forwardedExact: 'Nov 23, 2026, 10:05 AM EST',
          failure: null,
          fulfillments: [{ carrier: 'UPS', trackingNumber: '1Z999', trackingUrl: 'https://ups.example/1Z999', lines: [{ sku: 'SHIRT-S', quantity: 1 }], sentToRetailerAt: '2026-11-24T09:00:00.000Z', lastError: null }],
          events: [
            { at: '2026-11-23T15:05:00.000Z', exact: 'Nov 23, 2026, 10:05 AM EST', state: 'FORWARDED', message: 'Sent to Dune Supply as order #2002 (gid://shopify/Order/777).' },
            { at: '2026-11-23T15:00:00.000Z', exact: 'Nov 23, 2026, 10:00 AM EST', state: 'RECEIVED', message: 'Received order #1001 from the retailer (1 line for this supplier).' },
          ],
        },
      ],
    });
  });

  it('shows why a failed order did not go through and the fix, from its alert', async () => {
    const { body } = await json(RETAILER.domain, 'GET', '/api/orders/502/routing');

    expect(body.routes).toHaveLength(1);
    expect(body.routes[0]).toMatchObject({
      state: 'FAILED',
      supplierOrderName: null,
      failure: {
        reason: 'SKU mismatch',
        message: 'Order #1002 from Elm Retail was not sent to Dune Supply: no Dune Supply variant carries this SKU.',
        fix: 'Give the Dune Supply variant the SKU the order carries again; Tandem retries on the next order sync.',
      },
    });
  });

  it('answers 400 naming the id when it is not a Shopify order number', async () => {
    const { status, body } = await json(RETAILER.domain, 'GET', '/api/orders/0/routing');
    expect(status).toBe(400);
    expect(body).toEqual({ errors: { id: ['A Shopify order id is a number, like 5512345678'] } });
  });
});

describe('when the supplier opens the order Tandem placed in its store', () => {
  it('shows whose sale it was', async () => {
    const { body } = await json(SUPPLIER.domain, 'GET', '/api/orders/777/routing');

    expect(body.routes).toHaveLength(1);
    expect(body.routes[0]).toMatchObject({ orderLinkId: ids.sent, direction: 'received', partner: 'Elm Retail', retailerOrderName: '#1001', supplierOrderName: '#2002', state: 'PARTIALLY_FULFILLED' });
  });
});

describe('when a shop asks for an order id that is not its own', () => {
  it.each([
    ['the supplier, for the retailer’s order id', SUPPLIER.domain, 501],
    ['the retailer, for the supplier’s order id', RETAILER.domain, 777],
    ['a shop outside the partnership', OUTSIDER.domain, 501],
  ])('%s finds no route', async (_who, domain, id) => {
    const { status, body } = await json(domain, 'GET', `/api/orders/${id}/routing`);
    expect(status).toBe(200);
    expect(body).toEqual({ orderId: `gid://shopify/Order/${id}`, routes: [] });
  });
});
