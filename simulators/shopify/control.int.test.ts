import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySimulator, verifySessionToken, type ShopifySimulator } from './index.ts';
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

describe('when the merchant ships an order from the admin', () => {
  const STORE = 'ships-from-admin.myshopify.com';
  let order: { id: string; name: string };

  beforeAll(async () => {
    await call('POST', '/_control/shops', { domain: STORE });
    await call('POST', `/_control/shops/${STORE}/products`, [{ title: 'Mug', variants: [{ sku: 'MUG-1', price: '9.00', available: 10 }] }]);
    await call('POST', '/_control/webhooks/subscriptions', [{ topic: 'fulfillments/create', uri: receiver.url }]);
    order = (await call('POST', `/_control/shops/${STORE}/orders`, { lineItems: [{ sku: 'MUG-1', quantity: 2 }] })).body;
  });

  it('fulfils every open line with the tracking given and fires fulfillments/create', async () => {
    const shipped = await call('POST', `/_control/shops/${STORE}/orders/${encodeURIComponent(order.id)}/fulfillments`, { company: 'UPS', number: '1Z999', url: 'https://ups.example/1Z999' });
    expect(shipped.status).toBe(201);
    expect(shipped.body).toMatchObject({ orderId: order.id, name: `${order.name}.1`, tracking: [{ company: 'UPS', number: '1Z999', url: 'https://ups.example/1Z999' }] });
    const [placed] = (await call('GET', `/_control/shops/${STORE}/orders`)).body as { lineItems: { quantity: number; fulfilled: number }[] }[];
    expect(placed!.lineItems.map((l) => [l.quantity, l.fulfilled])).toEqual([[2, 2]]);
    expect((await call('GET', `/_control/shops/${STORE}/inventory?sku=MUG-1`)).body).toMatchObject([{ available: 8, committed: 0, onHand: 8 }]);
    await sim.drainWebhooks();
    const delivered = receiver.received.filter((r) => r.headers['x-shopify-topic'] === 'fulfillments/create').map((r) => JSON.parse(r.body) as { tracking_number: string });
    expect(delivered.map((d) => d.tracking_number)).toEqual(['1Z999']);
  });

  it('answers 422 when nothing is left to fulfil, and 404 for an unknown order', async () => {
    expect(await call('POST', `/_control/shops/${STORE}/orders/${encodeURIComponent(order.id)}/fulfillments`, {})).toEqual({ status: 422, body: { error: `Order ${order.name} has nothing left to fulfil.`, field: 'order' } });
    expect(await call('POST', `/_control/shops/${STORE}/orders/999999/fulfillments`, {})).toEqual({ status: 404, body: { error: `No order 999999 in ${STORE}.` } });
  });
});

describe('when a browser opens the app through the simulated admin', () => {
  const STORE = 'admin-page.myshopify.com';
  beforeAll(() => {
    sim.createShop({ domain: STORE, name: 'Admin <Page> Shop' });
    sim.configureApp({ appUrl: 'http://localhost:3999' });
  });

  it('frames the app URL with shop, host, embedded=1 and an id_token signed with the app secret', async () => {
    const res = await fetch(sim.adminAppUrl(STORE));
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<b>Admin &#60;Page&#62; Shop</b>');
    const src = new URL(/<iframe title="App" src="([^"]+)"/.exec(html)![1]!.replaceAll('&#38;', '&'));
    expect(src.origin).toBe('http://localhost:3999');
    expect(Object.fromEntries([...src.searchParams].filter(([k]) => k !== 'id_token'))).toEqual({ shop: STORE, host: Buffer.from(`${STORE}/admin`).toString('base64url'), embedded: '1', locale: 'en' });
    expect(verifySessionToken(sim.sim, sim.shop(STORE), src.searchParams.get('id_token'))).toMatchObject({ ok: true });
  });

  it('hands fresh session tokens to any origin, and 404 for a shop it does not have', async () => {
    const res = await fetch(`${sim.url}/_control/session-token?shop=${STORE}`, { headers: { Origin: 'http://localhost:3999' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(verifySessionToken(sim.sim, sim.shop(STORE), ((await res.json()) as { token: string }).token)).toMatchObject({ ok: true });
    expect((await fetch(`${sim.url}/_control/session-token?shop=nope.myshopify.com`)).status).toBe(404);
    expect((await fetch(sim.adminAppUrl('nope.myshopify.com'))).status).toBe(404);
  });

  it('serves the App Bridge stand-in as a script', async () => {
    const res = await fetch(sim.appBridgeUrl);
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(await res.text()).toContain('window.shopify = {');
  });
});
