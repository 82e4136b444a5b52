import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import { contractsDir, contractsPresent, missingContractsMessage, responseValidator } from '../common/openapi.ts';
import { startBigCommerceSimulator, type BigCommerceSimulator } from './index.ts';

const CONTRACTS = 'bigcommerce';
const describeContract = contractsPresent(CONTRACTS) ? describe : describe.skip;
const contractTitle = contractsPresent(CONTRACTS) ? 'BigCommerce simulator against the vendor OpenAPI' : missingContractsMessage(CONTRACTS);

let sim: BigCommerceSimulator;
let hash: string;
let token: string;

async function call(method: string, path: string, body?: unknown, auth = token, storeHash = hash) {
  const res = await fetch(`${sim.url}/stores/${storeHash}${path}`, {
    method,
    headers: { 'x-auth-token': auth, 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

function expectContract(file: string, method: string, specPath: string, status: number, body: unknown) {
  const check = responseValidator(`${CONTRACTS}/${file}`).check(method, specPath, status, body);
  expect(check.message).toBe('');
  expect(check.valid).toBe(true);
}

beforeAll(async () => {
  sim = await startBigCommerceSimulator({ latencyMs: 0, webhooks: { maxAttempts: 3, backoffMs: () => 5, timeoutMs: 2000 } });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.state.reset();
  sim.clock.reset();
  sim.faults.clear();
  const store = sim.createStore({ hash: 'abc123', accessToken: 'secret-token' });
  hash = store.hash;
  token = store.accessToken;
  sim.seedProduct(hash, { name: 'Linen Shirt', sku: 'SHIRT', price: 40, variants: [
    { sku: 'SHIRT-S', inventory_level: 5, option_values: [{ option_display_name: 'Size', label: 'S' }] },
    { sku: 'SHIRT-M', price: 42, inventory_level: 7, option_values: [{ option_display_name: 'Size', label: 'M' }] },
  ] });
  sim.seedProduct(hash, { name: 'Canvas Tote', sku: 'TOTE', price: 15, inventory_level: 20 });
});

describeContract(contractTitle, () => {
  describe('when listing products', () => {
    it('answers the documented product collection with variants and pagination meta', async () => {
      const res = await call('GET', '/v3/catalog/products?include=variants&limit=1&page=2');
      expect(res.status).toBe(200);
      expectContract('catalog/products_catalog.v3.yml', 'GET', '/catalog/products', 200, res.body);
      expect(res.body.data).toHaveLength(1);
      expect(res.body.data[0].sku).toBe('TOTE');
      expect(res.body.data[0].variants[0].sku).toBe('TOTE');
      expect(res.body.meta.pagination).toMatchObject({ total: 2, count: 1, per_page: 1, current_page: 2, total_pages: 2 });
      expect(res.body.meta.pagination.links.previous).toBe('?page=1&limit=1');
    });

    it('caps the page size at 250', async () => {
      const res = await call('GET', '/v3/catalog/products?limit=1000');
      expect(res.body.meta.pagination.per_page).toBe(250);
    });

    it('filters by sku, sku:in and date_modified:min', async () => {
      expect((await call('GET', '/v3/catalog/products?sku=TOTE')).body.data.map((p: { sku: string }) => p.sku)).toEqual(['TOTE']);
      expect((await call('GET', '/v3/catalog/products?sku:in=TOTE,SHIRT')).body.data).toHaveLength(2);
      sim.clock.advance(60_000);
      const since = sim.clock.now().toISOString();
      await call('PUT', '/v3/catalog/variants', [{ id: sim.state.store(hash)!.products[1].variants[0].id, price: 16 }]);
      const changed = await call('GET', `/v3/catalog/products?date_modified:min=${encodeURIComponent(since)}`);
      expect(changed.body.data.map((p: { sku: string }) => p.sku)).toEqual(['TOTE']);
    });
  });

  describe('when reading and writing variants', () => {
    it('finds a variant by SKU in the documented shape', async () => {
      const res = await call('GET', '/v3/catalog/variants?sku=SHIRT-M');
      expect(res.status).toBe(200);
      expectContract('catalog/product-variants_catalog.v3.yml', 'GET', '/catalog/variants', 200, res.body);
      expect(res.body.data).toHaveLength(1);
      expect(res.body.data[0]).toMatchObject({ sku: 'SHIRT-M', price: 42, inventory_level: 7 });
    });

    it('updates a batch of variants and answers the documented collection', async () => {
      const ids = sim.state.store(hash)!.products[0].variants.map((v) => v.id);
      const res = await call('PUT', '/v3/catalog/variants', ids.map((id) => ({ id, price: 50, inventory_level: 3 })));
      expect(res.status).toBe(200);
      expectContract('catalog/product-variants_catalog.v3.yml', 'PUT', '/catalog/variants', 200, res.body);
      expect(sim.stockBySku(hash)).toMatchObject({ 'SHIRT-S': 3, 'SHIRT-M': 3 });
    });

    it('refuses a batch of more than 50 variants with 413', async () => {
      const id = sim.state.store(hash)!.products[0].variants[0].id;
      const res = await call('PUT', '/v3/catalog/variants', Array.from({ length: 51 }, () => ({ id, price: 1 })));
      expect(res.status).toBe(413);
      expect(res.body.title).toBe('The request payload is too large. The maximum items allowed in the array is 50');
      expect(sim.state.store(hash)!.products[0].variants[0].price).toBeNull();
    });
  });

  describe('when creating a product with variants', () => {
    it('answers the documented product and refuses a duplicate SKU with 409', async () => {
      const input = { name: 'Wool Socks', type: 'physical', weight: 1, price: 9, variants: [{ sku: 'SOCK-1', inventory_level: 4 }] };
      const res = await call('POST', '/v3/catalog/products', input);
      expect(res.status).toBe(200);
      expectContract('catalog/products_catalog.v3.yml', 'POST', '/catalog/products', 200, res.body);
      expect(res.body.data.variants[0].sku).toBe('SOCK-1');
      const again = await call('POST', '/v3/catalog/products', { ...input, name: 'Wool Socks 2' });
      expect(again.status).toBe(409);
    });
  });

  describe('when adjusting inventory', () => {
    it('sets absolute quantities at a location and answers a transaction id', async () => {
      const res = await call('PUT', '/v3/inventory/adjustments/absolute', { reason: 'recount', items: [{ location_id: 1, sku: 'SHIRT-S', quantity: 11 }] });
      expect(res.status).toBe(200);
      expectContract('inventory.v3.yml', 'PUT', '/inventory/adjustments/absolute', 200, res.body);
      expect(sim.stockBySku(hash)['SHIRT-S']).toBe(11);
    });

    it('adds relative quantities', async () => {
      const res = await call('POST', '/v3/inventory/adjustments/relative', { items: [{ location_id: 1, sku: 'TOTE', quantity: -3 }] });
      expect(res.status).toBe(200);
      expect(sim.stockBySku(hash).TOTE).toBe(17);
    });

    it('refuses an item without location_id and changes nothing in the batch', async () => {
      const res = await call('PUT', '/v3/inventory/adjustments/absolute', {
        items: [{ location_id: 1, sku: 'TOTE', quantity: 1 }, { sku: 'SHIRT-S', quantity: 2 }],
      });
      expect(res.status).toBe(422);
      expect(sim.stockBySku(hash)).toMatchObject({ TOTE: 20, 'SHIRT-S': 5 });
    });

    it('refuses more than 2000 items', async () => {
      const items = Array.from({ length: 2001 }, () => ({ location_id: 1, sku: 'TOTE', quantity: 1 }));
      const res = await call('PUT', '/v3/inventory/adjustments/absolute', { items });
      expect(res.status).toBe(422);
    });

    it('lists inventory items and locations in the documented shapes', async () => {
      const items = await call('GET', '/v3/inventory/items?sku:in=SHIRT-M');
      expectContract('inventory.v3.yml', 'GET', '/inventory/items', 200, items.body);
      expect(items.body.data[0].locations[0]).toMatchObject({ location_id: 1, available_to_sell: 7 });
      const locations = await call('GET', '/v3/inventory/locations');
      expectContract('locations.v3.yml', 'GET', '/inventory/locations', 200, locations.body);
      expect(locations.body.data[0].id).toBe(1);
    });
  });

  describe('when orders are created and shipped through the v2 API', () => {
    it('creates an order with an external reference, takes stock, and finds it again', async () => {
      const variantId = sim.state.store(hash)!.products[0].variants[1].id;
      const created = await call('POST', '/v2/orders', {
        external_order_id: 'tandem-42',
        billing_address: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', zip: '10001' },
        products: [{ product_id: sim.state.store(hash)!.products[0].id, variant_id: variantId, quantity: 2 }],
      });
      expect(created.status).toBe(200);
      expectContract('orders.v2.oas2.yml', 'POST', '/orders', 200, created.body);
      expect(created.body.external_order_id).toBe('tandem-42');
      expect(sim.stockBySku(hash)['SHIRT-M']).toBe(5);

      const byRef = await call('GET', '/v2/orders?external_order_id=tandem-42');
      expectContract('orders.v2.oas2.yml', 'GET', '/orders', 200, byRef.body);
      expect(byRef.body.map((o: { id: number }) => o.id)).toEqual([created.body.id]);
      const byEmail = await call('GET', '/v2/orders?email=ada@example.com');
      expect(byEmail.body).toHaveLength(1);
      const later = encodeURIComponent(new Date(sim.clock.nowMs() + 60_000).toUTCString());
      expect((await call('GET', `/v2/orders?min_date_modified=${later}`)).status).toBe(204);
    });

    it('refuses an order for more than the stock on hand', async () => {
      const res = await call('POST', '/v2/orders', { billing_address: { zip: '1' }, products: [{ sku: 'TOTE', quantity: 21 }] });
      expect(res.status).toBe(400);
      expect(res.body[0].status).toBe(400);
      expect(sim.stockBySku(hash).TOTE).toBe(20);
    });

    it('lists order products and shipping addresses, then ships with tracking', async () => {
      const order = sim.placeOrder(hash, { lines: [{ sku: 'TOTE', quantity: 2 }], email: 'buyer@example.com' });
      const products = await call('GET', `/v2/orders/${order.id}/products`);
      expectContract('orders.v2.oas2.yml', 'GET', '/orders/{order_id}/products', 200, products.body);
      const addresses = await call('GET', `/v2/orders/${order.id}/shipping_addresses`);
      expectContract('orders.v2.oas2.yml', 'GET', '/orders/{order_id}/shipping_addresses', 200, addresses.body);
      expect((await call('GET', `/v2/orders/${order.id}/shipments`)).status).toBe(204);

      const shipment = await call('POST', `/v2/orders/${order.id}/shipments`, {
        order_address_id: addresses.body[0].id,
        tracking_number: '1Z999',
        tracking_carrier: 'ups',
        items: [{ order_product_id: products.body[0].id, quantity: 2 }],
      });
      expect(shipment.status).toBe(201);
      expectContract('orders.v2.oas2.yml', 'POST', '/orders/{order_id}/shipments', 201, shipment.body);
      expect(shipment.body.tracking_number).toBe('1Z999');
      const after = await call('GET', `/v2/orders/${order.id}`);
      expectContract('orders.v2.oas2.yml', 'GET', '/orders/{order_id}', 200, after.body);
      expect(after.body).toMatchObject({ status_id: 2, status: 'Shipped', items_shipped: 2 });
      const listed = await call('GET', `/v2/orders/${order.id}/shipments`);
      expectContract('orders.v2.oas2.yml', 'GET', '/orders/{order_id}/shipments', 200, listed.body);
    });

    it('refuses to ship more than was ordered', async () => {
      const order = sim.placeOrder(hash, { lines: [{ sku: 'TOTE', quantity: 1 }] });
      const res = await call('POST', `/v2/orders/${order.id}/shipments`, {
        order_address_id: order.shipping_address.id,
        items: [{ order_product_id: order.lines[0].id, quantity: 2 }],
      });
      expect(res.status).toBe(400);
    });
  });

  describe('when managing webhooks', () => {
    it('creates, reads, updates and deletes a hook in the documented shape', async () => {
      const created = await call('POST', '/v3/hooks', { scope: 'store/order/created', destination: 'https://example.com/hook', is_active: true });
      expectContract('webhooks.v3.yml', 'POST', '/hooks', 200, created.body);
      const id = created.body.data.id;
      expectContract('webhooks.v3.yml', 'GET', '/hooks', 200, (await call('GET', '/v3/hooks')).body);
      const updated = await call('PUT', `/v3/hooks/${id}`, { is_active: false });
      expectContract('webhooks.v3.yml', 'PUT', '/hooks/{webhook_id}', 200, updated.body);
      expect(updated.body.data.is_active).toBe(false);
      expect((await call('DELETE', `/v3/hooks/${id}`)).status).toBe(200);
      const missing = await call('GET', `/v3/hooks/${id}`);
      expect(missing.status).toBe(404);
      expectContract('webhooks.v3.yml', 'GET', '/hooks/{webhook_id}', 404, missing.body);
    });

    it('refuses a hook without a destination with 422', async () => {
      const res = await call('POST', '/v3/hooks', { scope: 'store/order/created' });
      expect(res.status).toBe(422);
      expectContract('webhooks.v3.yml', 'POST', '/hooks', 422, res.body);
      expect(res.body.errors).toEqual({ destination: 'error.path.missing' });
    });
  });

  describe('when the token is wrong', () => {
    it('answers 401 in the documented v3 error shape', async () => {
      const res = await call('GET', '/v3/hooks', undefined, 'wrong');
      expect(res.status).toBe(401);
      expectContract('webhooks.v3.yml', 'GET', '/hooks', 401, res.body);
    });
  });
});

describe('when a store spends its rate-limit quota', () => {
  it('answers 429 with the quota headers and serves again after the window', async () => {
    sim.setLimits(hash, { quota: 3, windowMs: 30_000 });
    const first = await call('GET', '/v3/catalog/products');
    expect(first.headers.get('x-rate-limit-requests-quota')).toBe('3');
    expect(first.headers.get('x-rate-limit-requests-left')).toBe('2');
    expect(first.headers.get('x-rate-limit-time-window-ms')).toBe('30000');
    await call('GET', '/v3/catalog/products');
    await call('GET', '/v3/catalog/products');
    sim.clock.advance(10_000);
    const limited = await call('GET', '/v3/catalog/products');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ status: 429, title: 'Too many requests', type: '/api-docs/getting-started/api-status-codes' });
    expect(limited.headers.get('x-rate-limit-requests-left')).toBe('0');
    const resetMs = Number(limited.headers.get('x-rate-limit-time-reset-ms'));
    expect(resetMs).toBeGreaterThan(19_000);
    expect(resetMs).toBeLessThanOrEqual(20_000);
    expect(limited.headers.get('x-retry-after')).toBe('20');
    sim.clock.advance(20_000);
    const again = await call('GET', '/v3/catalog/products');
    expect(again.status).toBe(200);
    expect(again.headers.get('x-rate-limit-requests-left')).toBe('2');
  });

  it('keeps each store on its own quota', async () => {
    sim.setLimits(hash, { quota: 1 });
    const other = sim.createStore({ hash: 'other', accessToken: 'other-token' });
    await call('GET', '/v3/catalog/products');
    expect((await call('GET', '/v3/catalog/products')).status).toBe(429);
    expect((await call('GET', '/v3/catalog/products', undefined, other.accessToken, other.hash)).status).toBe(200);
  });
});

describe('when credentials do not match the store', () => {
  it.each([
    ['a wrong token', 'wrong', 'abc123'],
    ["another store's token", 'other-token', 'abc123'],
    ['an unknown store', 'secret-token', 'nope'],
  ])('refuses %s with 401', async (_label, auth, storeHash) => {
    sim.createStore({ hash: 'other', accessToken: 'other-token' });
    const v3 = await call('GET', '/v3/catalog/products', undefined, auth, storeHash);
    expect(v3.status).toBe(401);
    expect(v3.body.status).toBe(401);
    const v2 = await call('GET', '/v2/orders', undefined, auth, storeHash);
    expect(v2.status).toBe(401);
    expect(v2.body[0].status).toBe(401);
  });
});

describe('when an order is placed in the store', () => {
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
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/bc`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    answer = 200;
  });

  it('takes stock and delivers store/order/created with the custom headers and a matching hash', async () => {
    await call('POST', '/v3/hooks', { scope: 'store/order/*', destination: receiverUrl, headers: { 'X-Tandem-Secret': 's3cret' } });
    const order = sim.placeOrder(hash, { lines: [{ sku: 'SHIRT-S', quantity: 2 }] });
    await sim.webhooks.drain();
    expect(sim.stockBySku(hash)['SHIRT-S']).toBe(3);
    expect(received).toHaveLength(1);
    const { headers, body } = received[0];
    expect(headers['x-tandem-secret']).toBe('s3cret');
    const payload = JSON.parse(body);
    expect(payload).toMatchObject({ scope: 'store/order/created', producer: `stores/${hash}`, data: { type: 'order', id: order.id } });
    const { hash: sent, ...rest } = payload;
    expect(sent).toBe(createHash('sha1').update(JSON.stringify(rest)).digest('hex'));
  });

  it('retries a failed delivery and obeys the drop fault', async () => {
    await call('POST', '/v3/hooks', { scope: 'store/order/created', destination: receiverUrl });
    answer = 500;
    sim.placeOrder(hash, { lines: [{ sku: 'TOTE', quantity: 1 }] });
    await sim.webhooks.drain();
    expect(received).toHaveLength(3);
    answer = 200;
    received.length = 0;
    const res = await fetch(`${sim.url}/_control/webhook-faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ drop: 1 }) });
    expect(res.status).toBe(200);
    sim.placeOrder(hash, { lines: [{ sku: 'TOTE', quantity: 1 }] });
    await sim.webhooks.drain();
    expect(received).toHaveLength(0);
  });
});

// Every change Tandem acts on reaches a hook as the callback webhook-callbacks/<scope>.yml documents
// (no field it lacks, each of its type), so the connector's translations meet real shapes.
const CALLBACKS = 'bigcommerce/webhook-callbacks';
describe.skipIf(!contractsPresent(CALLBACKS))(contractsPresent(CALLBACKS) ? 'when the catalog, stock and orders change under a hook on store/*' : missingContractsMessage(CALLBACKS), () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: { scope: string; body: Record<string, unknown> }[] = [];
  const ajv = new Ajv({ allErrors: true, strict: false });

  /** The documented callback of one scope, with undocumented fields refused. */
  function callbackSchema(scope: string): object {
    const file = resolve(contractsDir, CALLBACKS, `${scope.replace(/\//g, '_')}.yml`);
    const strict = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(strict);
      if (!node || typeof node !== 'object') return node;
      const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, d]) => [p, strict(d)])) : strict(v)]));
      return 'properties' in copy ? { ...copy, additionalProperties: false } : copy;
    };
    const doc = yaml.load(readFileSync(file, 'utf8')) as { properties: Record<string, object> };
    return strict(doc.properties[scope]) as object;
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        received.push({ scope: body.scope, body });
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/bc`;
  });
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

  it('sends product, SKU, stock, order and shipment callbacks of the documented shapes', async () => {
    received.length = 0;
    await call('POST', '/v3/hooks', { scope: 'store/*', destination: receiverUrl });
    const created = await call('POST', '/v3/catalog/products', { name: 'Mug', type: 'physical', weight: 1, price: 9, sku: 'MUG', inventory_level: 3, inventory_tracking: 'product' });
    await call('PUT', `/v3/catalog/products/${created.body.data.id}`, { price: 10 });
    const shirtS = (await call('GET', '/v3/catalog/variants?sku=SHIRT-S')).body.data[0];
    await call('PUT', '/v3/catalog/variants', [{ id: shirtS.id, price: 41, inventory_level: 6 }]);
    const location = (await call('GET', '/v3/inventory/locations')).body.data[0].id;
    await call('PUT', '/v3/inventory/adjustments/absolute', { reason: 'count', items: [{ location_id: location, variant_id: shirtS.id, quantity: 4 }, { location_id: location, product_id: created.body.data.id, quantity: 8 }] });
    const order = await call('POST', '/v2/orders', { products: [{ product_id: shirtS.product_id, product_options: [], quantity: 1, variant_id: shirtS.id }], billing_address: { email: 'b@example.com', first_name: 'B', last_name: 'C' } });
    await call('PUT', `/v2/orders/${order.body.id}`, { status_id: 9 });
    const address = (await call('GET', `/v2/orders/${order.body.id}/shipping_addresses`)).body[0].id;
    const product = (await call('GET', `/v2/orders/${order.body.id}/products`)).body[0].id;
    await call('POST', `/v2/orders/${order.body.id}/shipments`, { order_address_id: address, tracking_number: '1Z', items: [{ order_product_id: product, quantity: 1 }] });
    await sim.webhooks.drain();

    expect(received.map((r) => r.scope)).toEqual([
      'store/product/created',
      'store/product/updated',
      'store/sku/updated',
      'store/sku/inventory/updated',
      'store/sku/inventory/updated',
      'store/product/inventory/updated',
      'store/order/created',
      'store/sku/inventory/order/updated',
      'store/order/updated',
      'store/order/statusUpdated',
      'store/shipment/created',
      'store/order/statusUpdated',
    ]);
    for (const { scope, body } of received) {
      const validate = ajv.compile(callbackSchema(scope));
      expect(validate(body) ? [] : validate.errors?.map((e) => `${scope} ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
    }
    expect(received.filter((r) => r.scope.includes('inventory')).map((r) => (r.body.data as { inventory: { value: number } }).inventory.value)).toEqual([6, 4, 8, 3]);
  });
});

describe('when driven through the control API', () => {
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.url}/_control${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  it('creates a store, seeds a product, places an order and reports stock, orders and request counts', async () => {
    const store = await control('POST', '/stores', { hash: 'ctl', accessToken: 'ctl-token', quota: 10 });
    expect(store.status).toBe(201);
    expect(store.body).toMatchObject({ hash: 'ctl', accessToken: 'ctl-token', locationId: 1, quota: 10 });
    expect((await control('POST', '/stores/ctl/products', { name: 'Mug', sku: 'MUG', price: 8, inventory_level: 4 })).status).toBe(201);
    expect((await control('POST', '/stores/ctl/orders', { lines: [{ sku: 'MUG', quantity: 3 }] })).status).toBe(201);
    expect((await control('GET', '/stores/ctl/stock')).body).toEqual({ MUG: 1 });
    expect((await control('GET', '/stores/ctl/orders')).body).toHaveLength(1);
    await call('GET', '/v3/catalog/products', undefined, 'ctl-token', 'ctl');
    await call('GET', '/v3/catalog/products', undefined, 'ctl-token', 'ctl');
    const log = await control('GET', '/stores/ctl/requests');
    expect(log.body.counts).toEqual({ 'GET /stores/ctl/v3/catalog/products': 2 });
  });

  it('applies an injected 500 fault once', async () => {
    await control('POST', '/faults', { route: 'GET /stores/.*/v3/catalog/products', status: 500, times: 1 });
    expect((await call('GET', '/v3/catalog/products')).status).toBe(500);
    expect((await call('GET', '/v3/catalog/products')).status).toBe(200);
  });
});
