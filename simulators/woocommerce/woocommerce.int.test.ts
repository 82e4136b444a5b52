// WooCommerce publishes no OpenAPI file, so these contract tests assert the documented fields,
// headers and error bodies from the reference in shared/contracts/woocommerce.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWooCommerceSimulator, type WooCommerceSimulator } from './index.ts';

let sim: WooCommerceSimulator;
const SITE = 'shop';
const KEY = 'ck_test';
const SECRET = 'cs_test';
let shirtId: number;

const basic = (key = KEY, secret = SECRET) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

async function call(method: string, path: string, body?: unknown, auth: string | null = basic(), site = SITE) {
  const res = await fetch(`${sim.siteApi(site)}${path}`, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  sim = await startWooCommerceSimulator({ latencyMs: 0 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.state.reset();
  sim.clock.reset();
  sim.faults.clear();
  sim.webhooks.reset();
  sim.createSite({ id: SITE, consumerKey: KEY, consumerSecret: SECRET });
  const { product } = sim.seedProduct(SITE, {
    name: 'Linen Shirt',
    sku: 'SHIRT',
    attributes: [{ id: 0, name: 'Size', options: ['S', 'M'], variation: true, visible: true }],
    variations: [
      { sku: 'SHIRT-S', regular_price: '40.00', stock_quantity: 5, attributes: [{ id: 0, name: 'Size', option: 'S' }] },
      { sku: 'SHIRT-M', regular_price: '42.00', stock_quantity: 7, attributes: [{ id: 0, name: 'Size', option: 'M' }] },
    ],
  });
  shirtId = product.id;
  sim.seedProduct(SITE, { name: 'Canvas Tote', sku: 'TOTE', regular_price: '15.00', stock_quantity: 20 });
});

describe('when listing products', () => {
  it('answers the documented product fields without variations at the top level', async () => {
    const res = await call('GET', '/products');
    expect(res.status).toBe(200);
    expect(res.body.map((p: { sku: string }) => p.sku).sort()).toEqual(['SHIRT', 'TOTE']);
    const tote = res.body.find((p: { sku: string }) => p.sku === 'TOTE');
    expect(tote).toMatchObject({ type: 'simple', status: 'publish', regular_price: '15.00', price: '15.00', manage_stock: true, stock_quantity: 20, stock_status: 'instock' });
    expect(tote.date_modified_gmt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    const shirt = res.body.find((p: { sku: string }) => p.sku === 'SHIRT');
    expect(shirt.type).toBe('variable');
    expect(shirt.variations).toHaveLength(2);
  });

  it('pages with X-WP-Total, X-WP-TotalPages and a Link header', async () => {
    const res = await call('GET', '/products?per_page=1&page=1&orderby=id&order=asc');
    expect(res.headers.get('x-wp-total')).toBe('2');
    expect(res.headers.get('x-wp-totalpages')).toBe('2');
    const next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
    expect(new URL(next!).searchParams.get('page')).toBe('2');
    expect(new URL(next!).searchParams.get('per_page')).toBe('1');
    expect(res.body[0].sku).toBe('SHIRT');
    const second = await call('GET', '/products?per_page=1&page=2&orderby=id&order=asc');
    expect(second.body[0].sku).toBe('TOTE');
    expect(second.headers.get('link')).toContain('rel="prev"');
  });

  it('refuses more than 100 per page', async () => {
    const res = await call('GET', '/products?per_page=101');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('rest_invalid_param');
  });

  it('filters by sku and modified_after', async () => {
    expect((await call('GET', '/products?sku=TOTE')).body.map((p: { sku: string }) => p.sku)).toEqual(['TOTE']);
    sim.clock.advance(60_000);
    const since = sim.clock.now().toISOString().slice(0, 19);
    sim.clock.advance(1_000);
    const tote = sim.state.site(SITE)!.products.find((p) => p.sku === 'TOTE')!;
    await call('PUT', `/products/${tote.id}`, { regular_price: '16.00' });
    const changed = await call('GET', `/products?modified_after=${since}`);
    expect(changed.body.map((p: { sku: string }) => p.sku)).toEqual(['TOTE']);
  });
});

describe('when reading and writing variations', () => {
  it('lists variations with their sku, price and stock', async () => {
    const res = await call('GET', `/products/${shirtId}/variations?orderby=id&order=asc`);
    expect(res.status).toBe(200);
    expect(res.body.map((v: { sku: string; stock_quantity: number }) => [v.sku, v.stock_quantity])).toEqual([
      ['SHIRT-S', 5],
      ['SHIRT-M', 7],
    ]);
    expect(res.body[0]).toMatchObject({ regular_price: '40.00', manage_stock: true, attributes: [{ id: 0, name: 'Size', option: 'S' }] });
  });

  it('updates stock in a variation batch and answers each item', async () => {
    const [s, m] = sim.state.site(SITE)!.products.filter((p) => p.type === 'variation');
    const res = await call('POST', `/products/${shirtId}/variations/batch`, {
      update: [{ id: s.id, stock_quantity: 1 }, { id: m.id, regular_price: '45.00' }, { id: 999999, stock_quantity: 3 }],
    });
    expect(res.status).toBe(200);
    expect(res.body.update[0].stock_quantity).toBe(1);
    expect(res.body.update[1].regular_price).toBe('45.00');
    expect(res.body.update[2]).toEqual({ id: 999999, error: { code: 'woocommerce_rest_product_variation_invalid_id', message: 'Invalid ID.', data: { status: 404 } } });
    expect(sim.stockBySku(SITE)).toMatchObject({ 'SHIRT-S': 1, 'SHIRT-M': 7 });
  });

  it.each([
    ['/products/batch', () => ({ create: Array.from({ length: 101 }, (_, i) => ({ name: `P${i}` })) })],
    ['/products/{shirt}/variations/batch', () => ({ update: Array.from({ length: 60 }, () => ({ id: 1 })), delete: Array.from({ length: 41 }, () => 1) })],
  ])('refuses more than 100 objects on %s with 413', async (path, body) => {
    const res = await call('POST', path.replace('{shirt}', String(shirtId)), body());
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ code: 'woocommerce_rest_request_entity_too_large', message: 'Unable to accept more than 100 items for this request.', data: { status: 413 } });
    expect(sim.state.site(SITE)!.products).toHaveLength(4);
  });

  it('creates products in a batch and refuses a duplicated SKU per item', async () => {
    const res = await call('POST', '/products/batch', { create: [{ name: 'Mug', sku: 'MUG', regular_price: '8.00' }, { name: 'Copy', sku: 'TOTE' }] });
    expect(res.status).toBe(200);
    expect(res.body.create[0].sku).toBe('MUG');
    expect(res.body.create[1].error).toEqual({ code: 'product_invalid_sku', message: 'Invalid or duplicated SKU.', data: { status: 400 } });
  });

  it('sets stock only while stock is managed', async () => {
    const created = await call('POST', '/products', { name: 'Mug', sku: 'MUG', stock_quantity: 5 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ manage_stock: false, stock_quantity: null });
    const managed = await call('PUT', `/products/${created.body.id}`, { manage_stock: true, stock_quantity: 5 });
    expect(managed.body).toMatchObject({ manage_stock: true, stock_quantity: 5, stock_status: 'instock' });
  });
});

describe('when orders are created through the API', () => {
  it('takes stock when set_paid is true and keeps the external reference in meta_data', async () => {
    const [s] = sim.state.site(SITE)!.products.filter((p) => p.type === 'variation');
    const res = await call('POST', '/orders', {
      set_paid: true,
      billing: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
      line_items: [{ product_id: shirtId, variation_id: s.id, quantity: 2 }],
      meta_data: [{ key: '_tandem_order_ref', value: 'tandem-42' }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'processing', currency: 'USD', total: '80.00', customer_id: 0 });
    expect(res.body.date_paid_gmt).not.toBeNull();
    expect(res.body.line_items[0]).toMatchObject({ product_id: shirtId, variation_id: s.id, quantity: 2, sku: 'SHIRT-S', price: 40, total: '80.00' });
    expect(res.body.meta_data).toEqual([{ id: expect.any(Number), key: '_tandem_order_ref', value: 'tandem-42' }]);
    expect(sim.stockBySku(SITE)['SHIRT-S']).toBe(3);
  });

  it('leaves stock alone for an unpaid pending order and restores it on cancel', async () => {
    const pending = await call('POST', '/orders', { line_items: [{ sku: 'TOTE', quantity: 4 }] });
    expect(pending.body.status).toBe('pending');
    expect(sim.stockBySku(SITE).TOTE).toBe(20);
    await call('PUT', `/orders/${pending.body.id}`, { status: 'processing' });
    expect(sim.stockBySku(SITE).TOTE).toBe(16);
    await call('PUT', `/orders/${pending.body.id}`, { status: 'cancelled' });
    expect(sim.stockBySku(SITE).TOTE).toBe(20);
  });

  it('lists orders modified after a date and finds them by search', async () => {
    sim.placeOrder(SITE, { lines: [{ sku: 'TOTE', quantity: 1 }], email: 'early@example.com' });
    sim.clock.advance(60_000);
    const since = sim.clock.now().toISOString().slice(0, 19);
    sim.clock.advance(1_000);
    sim.placeOrder(SITE, { lines: [{ sku: 'TOTE', quantity: 1 }], email: 'late@example.com' });
    const res = await call('GET', `/orders?modified_after=${since}`);
    expect(res.body.map((o: { billing: { email: string } }) => o.billing.email)).toEqual(['late@example.com']);
    expect(res.headers.get('x-wp-total')).toBe('1');
    const found = await call('GET', '/orders?search=early@example.com');
    expect(found.body).toHaveLength(1);
  });

  it('adds a customer note with tracking and lists it', async () => {
    const order = sim.placeOrder(SITE, { lines: [{ sku: 'TOTE', quantity: 1 }] });
    const note = await call('POST', `/orders/${order.id}/notes`, { note: 'Shipped with UPS 1Z999', customer_note: true });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ note: 'Shipped with UPS 1Z999', customer_note: true });
    const notes = await call('GET', `/orders/${order.id}/notes`);
    expect(notes.body.map((n: { note: string }) => n.note)).toEqual(['Shipped with UPS 1Z999']);
  });

  it('finds a customer by email', async () => {
    sim.seedCustomer(SITE, { email: 'buyer@example.com', first_name: 'Bea' });
    const res = await call('GET', '/customers?email=buyer@example.com');
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ email: 'buyer@example.com', first_name: 'Bea', role: 'customer' });
    expect((await call('GET', '/customers?email=nobody@example.com')).body).toEqual([]);
  });
});

describe('when credentials are wrong or missing', () => {
  it.each([
    ['no credentials on a list', 'GET', null, { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.' }],
    ['no credentials on a create', 'POST', null, { code: 'woocommerce_rest_cannot_create', message: 'Sorry, you are not allowed to create resources.' }],
    ['an unknown consumer key', 'GET', basic('ck_wrong', SECRET), { code: 'woocommerce_rest_authentication_error', message: 'Consumer key is invalid.' }],
    ['a wrong consumer secret', 'GET', basic(KEY, 'cs_wrong'), { code: 'woocommerce_rest_authentication_error', message: 'Consumer secret is invalid.' }],
  ])('answers 401 for %s', async (_label, method, auth, expected) => {
    const res = await call(method, '/products', method === 'POST' ? { name: 'X' } : undefined, auth);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ ...expected, data: { status: 401 } });
  });

  it('accepts the consumer key and secret as query parameters', async () => {
    const res = await call('GET', `/products?consumer_key=${KEY}&consumer_secret=${SECRET}`, undefined, null);
    expect(res.status).toBe(200);
  });

  it("refuses another site's keys", async () => {
    sim.createSite({ id: 'other', consumerKey: 'ck_other', consumerSecret: 'cs_other' });
    expect((await call('GET', '/products', undefined, basic('ck_other', 'cs_other'))).status).toBe(401);
    expect((await call('GET', '/products', undefined, basic('ck_other', 'cs_other'), 'other')).body).toEqual([]);
  });
});

describe('when the host limits requests', () => {
  it('answers 429 with Retry-After and serves again after the window', async () => {
    sim.setHostLimit(SITE, { requests: 2, windowMs: 60_000 });
    await call('GET', '/products');
    await call('GET', '/products');
    const limited = await call('GET', '/products');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.body.data.status).toBe(429);
    sim.clock.advance(60_000);
    expect((await call('GET', '/products')).status).toBe(200);
  });

  it('has no limit by default', async () => {
    const statuses = await Promise.all(Array.from({ length: 30 }, () => call('GET', '/products').then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([200]));
  });
});

describe('when webhooks are subscribed', () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  let answer = 200;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/woo`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    answer = 200;
  });

  it('delivers order.created signed with base64 HMAC-SHA256 of the body and the WooCommerce headers', async () => {
    const hook = await call('POST', '/webhooks', { name: 'Orders', topic: 'order.created', delivery_url: receiverUrl, secret: 'whsec' });
    expect(hook.status).toBe(201);
    expect(hook.body).toMatchObject({ status: 'active', topic: 'order.created', resource: 'order', event: 'created', delivery_url: receiverUrl });
    expect(hook.body.secret).toBeUndefined();
    const order = sim.placeOrder(SITE, { lines: [{ sku: 'TOTE', quantity: 2 }] });
    await sim.webhooks.drain();
    expect(sim.stockBySku(SITE).TOTE).toBe(18);
    expect(received).toHaveLength(1);
    const { headers, body } = received[0];
    expect(headers['x-wc-webhook-signature']).toBe(createHmac('sha256', 'whsec').update(body).digest('base64'));
    expect(headers).toMatchObject({
      'x-wc-webhook-topic': 'order.created',
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': 'created',
      'x-wc-webhook-id': String(hook.body.id),
      'x-wc-webhook-source': `${sim.url}/sites/${SITE}/`,
    });
    expect(headers['x-wc-webhook-delivery-id']).toMatch(/^\d+$/);
    expect(JSON.parse(body)).toMatchObject({ id: order.id, status: 'processing', line_items: [{ sku: 'TOTE', quantity: 2 }] });
  });

  it('disables the webhook after 5 consecutive failed deliveries until it is re-enabled', async () => {
    const hook = await call('POST', '/webhooks', { topic: 'order.created', delivery_url: receiverUrl, secret: 'whsec' });
    answer = 500;
    for (let i = 0; i < 5; i++) {
      sim.placeOrder(SITE, { lines: [{ sku: 'TOTE', quantity: 1 }] });
      await sim.webhooks.drain();
    }
    expect(received).toHaveLength(5);
    expect((await call('GET', `/webhooks/${hook.body.id}`)).body.status).toBe('disabled');
    answer = 200;
    sim.placeOrder(SITE, { lines: [{ sku: 'TOTE', quantity: 1 }] });
    await sim.webhooks.drain();
    expect(received).toHaveLength(5);
    await call('PUT', `/webhooks/${hook.body.id}`, { status: 'active' });
    sim.placeOrder(SITE, { lines: [{ sku: 'TOTE', quantity: 1 }] });
    await sim.webhooks.drain();
    expect(received).toHaveLength(6);
  });

  it('counts a success between failures as a fresh start', async () => {
    const hook = await call('POST', '/webhooks', { topic: 'order.created', delivery_url: receiverUrl, secret: 'whsec' });
    for (const status of [500, 500, 500, 500, 200, 500, 500, 500, 500]) {
      answer = status;
      sim.placeOrder(SITE, { lines: [{ sku: 'TOTE', quantity: 1 }] });
      await sim.webhooks.drain();
    }
    expect((await call('GET', `/webhooks/${hook.body.id}`)).body.status).toBe('active');
  });

  it('drops a delivery when told to by the control API', async () => {
    await call('POST', '/webhooks', { topic: 'order.created', delivery_url: receiverUrl, secret: 'whsec' });
    await fetch(`${sim.url}/_control/webhook-faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ drop: 1 }) });
    sim.placeOrder(SITE, { lines: [{ sku: 'TOTE', quantity: 1 }] });
    sim.placeOrder(SITE, { lines: [{ sku: 'TOTE', quantity: 1 }] });
    await sim.webhooks.drain();
    expect(received).toHaveLength(1);
  });
});

describe('when driven through the control API', () => {
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.url}/_control${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  it('creates a site, seeds a product, places an order and reports stock, orders and request counts', async () => {
    const site = await control('POST', '/sites', { id: 'ctl' });
    expect(site.status).toBe(201);
    expect(site.body.consumerKey).toMatch(/^ck_/);
    expect(site.body.apiBase).toBe(`${sim.url}/sites/ctl/wp-json/wc/v3`);
    await control('POST', '/sites/ctl/products', { name: 'Mug', sku: 'MUG', regular_price: '8.00', stock_quantity: 4 });
    expect((await control('POST', '/sites/ctl/orders', { lines: [{ sku: 'MUG', quantity: 3 }] })).status).toBe(201);
    expect((await control('GET', '/sites/ctl/stock')).body).toEqual({ MUG: 1 });
    expect((await control('GET', '/sites/ctl/orders')).body).toHaveLength(1);
    const res = await fetch(`${site.body.apiBase}/products`, { headers: { authorization: basic(site.body.consumerKey, site.body.consumerSecret) } });
    expect(res.status).toBe(200);
    expect((await control('GET', '/sites/ctl/requests')).body.counts).toEqual({ 'GET /products': 1 });
  });

  it('serves the root /wp-json path by consumer key', async () => {
    const res = await fetch(`${sim.url}/wp-json/wc/v3/products?sku=TOTE`, { headers: { authorization: basic() } });
    expect(res.status).toBe(200);
    expect((await res.json()).map((p: { sku: string }) => p.sku)).toEqual(['TOTE']);
  });

  it('applies an injected 503 fault in the WordPress error shape', async () => {
    await control('POST', '/faults', { route: 'GET .*/wc/v3/products', status: 503, times: 1 });
    const failed = await call('GET', '/products');
    expect(failed.status).toBe(503);
    expect(failed.body.data.status).toBe(503);
    expect((await call('GET', '/products')).status).toBe(200);
  });
});
