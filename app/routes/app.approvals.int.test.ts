// The Approvals screen's loader and action as App Bridge calls them (a session token in the
// Authorization header), over drafts a real catalog sync made in the Shopify simulator; the
// action publishes through the engine with the app's Redis budgets (a fresh key prefix).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSessionToken, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { createPartners, productWith, type Partners } from '../../test/support/partners.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../../test/support/redis.ts';
import { useDatabase } from '../db.server.ts';
import { resetEnvCache } from '../env.server.ts';
import { useQueues } from '../jobs/app-queues.server.ts';
import { openQueues, type Queues } from '../jobs/queues.server.ts';
import { createSyncContext } from '../sync/connections.server.ts';
import { syncCatalogToPartner } from '../sync/listings.server.ts';
import { startAdminSimulator } from '../../test/support/admin-simulator.ts';

const SUPPLIER = 'grove-supply.myshopify.com';
const RETAILER = 'heron-retail.myshopify.com';
const OUTSIDER = 'inlet-outsider.myshopify.com';
const prefix = uniquePrefix('approvals-route');
const redis = testRedis();

let t: TestDatabase;
let shopify: ShopifySimulator;
let queues: Queues;
let p: Partners;

beforeAll(async () => {
  shopify = await startAdminSimulator([SUPPLIER, RETAILER, OUTSIDER]);
  Object.assign(process.env, { SHOPIFY_ADMIN_ORIGIN: shopify.url, REDIS_PREFIX: prefix });
  resetEnvCache();
  t = await createTestDatabase('approvals_route');
  useDatabase(t.db);
  queues = openQueues({ connection: redis, prefix });
  useQueues(queues);
  p = await createPartners(t.db, shopify, { supplierDomain: SUPPLIER, retailerDomain: RETAILER, pricingRule: { markupPercent: 50 } });
  shopify.seedProducts(SUPPLIER, [productWith('Oak Board', ['BOARD'], '30.00'), productWith('Wool Throw', ['THROW'], '40.00')]);
  await syncCatalogToPartner(createSyncContext(t.db), p.partnershipId, { mode: 'FULL', trigger: 'manual' });
});
afterAll(async () => {
  await queues.close();
  await t.drop();
  await shopify.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  delete process.env.SHOPIFY_ADMIN_ORIGIN;
  delete process.env.REDIS_PREFIX;
  resetEnvCache();
});

function request(shop: string, path: string, form?: Record<string, string>) {
  const headers = { Authorization: `Bearer ${mintSessionToken(shopify.sim, shop)}` };
  const url = `http://localhost:3000${path}`;
  return form ? new Request(url, { method: 'POST', headers, body: new URLSearchParams(form) }) : new Request(url, { headers });
}

const route = () => import('./app.approvals.tsx');
const listings = async () => Object.fromEntries((await t.db.listing.findMany({ include: { sourceVariant: true } })).map((l) => [l.sourceVariant.sku, l.approval]));
const atRetailer = (title: string) => shopify.products(RETAILER).find((x) => x.title === title)!;

describe('when a retailer uses the Approvals screen', () => {
  it('counts the waiting products on its home screen, and the supplier none', async () => {
    const home = await import('./app._index.tsx');
    expect((await home.loader({ request: request(RETAILER, '/app'), params: {}, context: {} })).awaitingApproval).toBe(2);
    expect((await home.loader({ request: request(SUPPLIER, '/app'), params: {}, context: {} })).awaitingApproval).toBe(0);
  });

  it('shows another shop none of its products', async () => {
    const { loader } = await route();
    expect(await loader({ request: request(OUTSIDER, '/app/approvals'), params: {}, context: {} })).toEqual({ products: [], total: 0 });
    expect(await loader({ request: request(SUPPLIER, '/app/approvals'), params: {}, context: {} })).toEqual({ products: [], total: 0 });
  });

  it('answers 404 and changes nothing when another shop posts one of its products', async () => {
    const { loader, action } = await route();
    const { products } = await loader({ request: request(RETAILER, '/app/approvals'), params: {}, context: {} });
    const ids = products.map((x) => x.id).join(',');

    for (const shop of [OUTSIDER, SUPPLIER]) {
      for (const intent of ['approve', 'reject']) {
        const answer = await action({ request: request(shop, '/app/approvals', { intent, listingIds: ids }), params: {}, context: {} });
        expect(answer.init?.status).toBe(404);
        expect(answer.data).toEqual({ ok: false, errors: {}, message: 'None of the chosen products waits for your approval.' });
      }
    }

    expect(await listings()).toEqual({ BOARD: 'PENDING', THROW: 'PENDING' });
    expect(shopify.products(RETAILER).map((x) => [x.title, x.status, x.publishedOn])).toEqual([
      ['Oak Board', 'DRAFT', []],
      ['Wool Throw', 'DRAFT', []],
    ]);
  });

  it('answers 400 naming the field when no product is chosen or the action is unknown', async () => {
    const { action } = await route();
    const answer = await action({ request: request(RETAILER, '/app/approvals', { intent: 'publish', listingIds: '' }), params: {}, context: {} });
    expect(answer.init?.status).toBe(400);
    expect(answer.data).toEqual({ ok: false, errors: { intent: ['Choose Approve or Reject'], listingIds: ['Choose at least one product'] } });
    expect(await listings()).toEqual({ BOARD: 'PENDING', THROW: 'PENDING' });
  });

  it('lists each waiting product with its price and margin, approves one (published in its store) and rejects the other', async () => {
    const { loader, action } = await route();
    const { products, total } = await loader({ request: request(RETAILER, '/app/approvals'), params: {}, context: {} });
    expect(total).toBe(2);
    const byTitle = Object.fromEntries(products.map((x) => [x.title, x]));
    expect(byTitle['Oak Board']).toMatchObject({ supplierName: 'grove-supply', wholesaleCost: '30.00', price: '45.00', margin: '15.00', marginPercent: '33.3%', readyToApprove: true });
    expect(byTitle['Wool Throw']).toMatchObject({ wholesaleCost: '40.00', price: '60.00', margin: '20.00', marginPercent: '33.3%' });

    const approved = await action({ request: request(RETAILER, '/app/approvals', { intent: 'approve', listingIds: byTitle['Oak Board']!.id }), params: {}, context: {} });
    expect(approved.init?.status ?? 200).toBe(200);
    expect(approved.data).toEqual({ ok: true, outcome: { intent: 'approve', done: ['Oak Board'], failed: [], message: '1 product approved and published' } });

    const rejected = await action({ request: request(RETAILER, '/app/approvals', { intent: 'reject', listingIds: byTitle['Wool Throw']!.id }), params: {}, context: {} });
    expect(rejected.data).toEqual({ ok: true, outcome: { intent: 'reject', done: ['Wool Throw'], failed: [], message: '1 product rejected' } });

    const onlineStore = shopify.shopSummary(shopify.shop(RETAILER)).publications.find((x) => x.name === 'Online Store')!.id;
    expect(atRetailer('Oak Board')).toMatchObject({ status: 'ACTIVE', publishedOn: [onlineStore] });
    expect(atRetailer('Wool Throw')).toMatchObject({ status: 'DRAFT', publishedOn: [] });
    expect(await listings()).toEqual({ BOARD: 'APPROVED', THROW: 'REJECTED' });
    expect(await loader({ request: request(RETAILER, '/app/approvals'), params: {}, context: {} })).toEqual({ products: [], total: 0 });
    // The publish calls spent from the retailer connection's shared budget, under this test's prefix.
    expect(await redis.exists(`${prefix}:budget:{${p.retailerConnectionId}}:state`)).toBe(1);
  });
});
