import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from './index.ts';
import { startReceiver } from './test-support/receiver.ts';

let sim: ShopifySimulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const SHOP = 'demo-supplier.myshopify.com';

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function graphql(token: string, query: string) {
  const res = await fetch(`${sim.url}/store/${SHOP}/admin/api/2026-10/graphql.json`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': token }, body: JSON.stringify({ query }) });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; extensions?: { cost: { throttleStatus: unknown } } } };
}

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startShopifySimulator({ latencyMs: 0 });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});

describe('when the demo drives the simulator over HTTP', () => {
  it('creates a shop, seeds products, issues a token and counts the API calls', async () => {
    const shop = await call('POST', '/_control/shops', { domain: SHOP, name: 'Demo Supplier', plan: 'Plus', ianaTimezone: 'Europe/Berlin', currencyCode: 'EUR' });
    expect(shop.status).toBe(201);
    expect(shop.body).toMatchObject({ domain: SHOP, plan: 'Plus', bucket: { maximumAvailable: 20000, restoreRate: 1000 } });

    const seeded = await call('POST', `/_control/shops/${SHOP}/products`, [{ title: 'Tea', variants: [{ sku: 'TEA-1', price: '4.00', available: 12 }] }]);
    expect(seeded.body).toMatchObject([{ title: 'Tea', status: 'ACTIVE', variants: [{ sku: 'TEA-1', price: '4.00', available: 12 }] }]);

    const token = await call('POST', `/_control/shops/${SHOP}/tokens`, {});
    const res = await graphql(token.body.access_token, '{ products(first: 5) { nodes { title } } }');
    expect(res.body.data).toEqual({ products: { nodes: [{ title: 'Tea' }] } });
    expect(res.body.extensions!.cost.throttleStatus).toMatchObject({ maximumAvailable: 20000, restoreRate: 1000 });

    const calls = await call('GET', `/_control/shops/${SHOP}/calls`);
    expect(calls.body.counts).toMatchObject({ total: 1, throttled: 0, byRootField: { products: 1 } });
  });

  it('changes the bucket of a shop', async () => {
    const res = await call('POST', `/_control/shops/${SHOP}/plan`, { plan: 'Standard', maximumAvailable: 500 });
    expect(res.body.bucket).toMatchObject({ maximumAvailable: 500, restoreRate: 100 });
  });

  it('answers 400 naming the field when a body is wrong', async () => {
    const res = await call('POST', '/_control/shops', { domain: 'not a domain' });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].field).toBe('domain');
  });

  it('answers 404 for an unknown shop', async () => {
    expect((await call('GET', '/_control/shops/nope.myshopify.com')).status).toBe(404);
    const res = await fetch(`${sim.url}/store/nope.myshopify.com/admin/api/2026-10/graphql.json`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"query":"{ shop { name } }"}' });
    expect(res.status).toBe(404);
  });

  it('fires app/uninstalled and revokes the tokens on uninstall', async () => {
    await call('POST', '/_control/webhooks/subscriptions', [{ topic: 'app/uninstalled', uri: receiver.url }]);
    const token = (await call('POST', `/_control/shops/${SHOP}/tokens`, {})).body.access_token;
    await call('POST', `/_control/shops/${SHOP}/uninstall`);
    await sim.drainWebhooks();
    expect(receiver.received.map((r) => [r.headers['x-shopify-topic'], JSON.parse(r.body).myshopify_domain])).toEqual([['app/uninstalled', SHOP]]);
    expect((await graphql(token, '{ shop { name } }')).status).toBe(401);
  });

  it('offers the same operations in process', () => {
    sim.shops.create({ domain: 'inproc.myshopify.com', plan: 'Advanced' });
    expect(sim.shops.get('inproc.myshopify.com').bucket).toMatchObject({ maximumAvailable: 4000, restoreRate: 200 });
    expect(sim.shops.list().map((s) => s.domain)).toContain('inproc.myshopify.com');
  });

  it('forgets every shop on reset', async () => {
    await call('POST', '/_control/reset');
    expect((await call('GET', '/_control/shops')).body).toEqual([]);
  });
});
