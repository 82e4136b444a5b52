import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildCallback } from '../../simulators/bigcommerce/events.ts';
import type { BigCommerceSimulator } from '../../simulators/bigcommerce/index.ts';
import { memoryCredentials, requireCapability } from '../sdk/connector.ts';
import { isConnectorError } from '../sdk/errors.ts';
import { createMemoryBudget } from '../sdk/memory-budget.ts';
import type { Sku } from '../sdk/types.ts';
import { connectTo, seedStore, STORE, startStore, WEBHOOK_SECRET } from './simulated-store.ts';
import { webhookHeaders } from './webhooks.ts';

let sim: BigCommerceSimulator;

beforeAll(async () => {
  sim = await startStore();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  seedStore(sim);
});

const store = () => sim.state.store(STORE)!;
const requestsTo = (key: string) => sim.requestCounts(STORE)[key] ?? 0;

async function variantOf(sku: string) {
  const [variant] = (await requireCapability(connectTo(sim), 'products.read').findVariantsBySku([sku as Sku])).get(sku as Sku) ?? [];
  return variant;
}

describe('when BigCommerce answers a storm of 429s', () => {
  it('waits out each reset time and, paced by the budget, never spends past the store’s quota', async () => {
    sim.setLimits(STORE, { quota: 10, windowMs: 1_000 });
    sim.faults.add({
      route: `GET /stores/${STORE}/v3/inventory/items`,
      status: 429,
      times: 3,
      headers: { 'X-Rate-Limit-Requests-Left': '0', 'X-Rate-Limit-Time-Reset-Ms': '200' },
    });
    const budget = createMemoryBudget({ kind: 'fixed-window', capacity: 10, windowMs: 1_000, unit: 'call', source: 'https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits' });
    const inventory = requireCapability(connectTo(sim, { budget }), 'inventory.read');
    const tote = store().products.find((p) => p.sku === 'TOTE')!.variants[0];

    const reads = [];
    for (let i = 0; i < 25; i++) reads.push(await inventory.readInventory([{ variantId: String(tote.id) }]));

    expect(reads.map((levels) => levels.map((l) => l.available))).toEqual(Array.from({ length: 25 }, () => [20]));
    expect(sim.faults.list()[0]).toMatchObject({ hits: 3, remaining: 0 });
    expect(store().requests.filter((r) => r.status === 429)).toEqual([]);
    expect(store().requests).toHaveLength(25);
  }, 30_000);
});

describe('when Tandem crashes between creating an order and recording it', () => {
  it('finds the order by external_order_id on the retry instead of creating a second one', async () => {
    const tote = await variantOf('TOTE');
    const input = {
      externalReference: 'tandem:retailer.myshopify.com:1001',
      currency: 'USD',
      lineItems: [{ sku: 'TOTE' as Sku, title: 'Canvas Tote', quantity: 2, price: '11.00', variantExternalId: tote.externalId }],
      customer: { email: 'buyer@retail.example', accountId: null },
    };
    const losesOrderAnswers: typeof fetch = async (url, init) => {
      const response = await fetch(url, init);
      if (init?.method === 'POST' && String(url).endsWith('/v2/orders')) throw new TypeError('socket hang up');
      return response;
    };
    const crashed = requireCapability(connectTo(sim, { fetch: losesOrderAnswers }), 'orders.write').createOrder(input);
    await expect(crashed).rejects.toMatchObject({ code: 'unavailable' });
    expect(store().orders).toHaveLength(1);

    const retried = await requireCapability(connectTo(sim), 'orders.write').createOrder(input);

    expect(store().orders).toHaveLength(1);
    expect(retried).toMatchObject({ externalId: String(store().orders[0].id), externalReference: input.externalReference, totalPrice: '22.00' });
    expect(sim.stockBySku(STORE).TOTE).toBe(18);
  });
});

describe('when the API token is wrong', () => {
  it('answers auth_expired with a message telling the merchant how to reconnect', async () => {
    const connector = connectTo(sim, { credentials: memoryCredentials({ accessToken: 'revoked' }) });
    const failure = await requireCapability(connector, 'products.read').listChangedProducts({}).catch((e: unknown) => e);

    expect(isConnectorError(failure) && failure.code).toBe('auth_expired');
    expect(isConnectorError(failure) && failure.merchantMessage).toBe(
      `BigCommerce store ${STORE} refused Tandem's API token (Unauthorized - the v3 Auth client ID or token in the request are not a valid combination for this store.). Create a store API account with Products, Orders, Information & Settings and Customers scopes, then reconnect BigCommerce in Connectors.`,
    );
  });
});

describe('when pushing stock for many variants', () => {
  it('sends 2,100 absolute adjustments as two calls of at most 2,000, each at the location', async () => {
    seedStore(sim, 2_100);
    const bulk = store().products.filter((p) => p.sku.startsWith('BULK-')).map((p) => p.variants[0]);
    const writes = bulk.map((v) => ({ variant: { variantId: String(v.id), sku: v.sku as Sku }, quantity: 700 }));

    const result = await requireCapability(connectTo(sim), 'inventory.write').writeInventory(writes);

    expect(result).toEqual({ written: 2_100, stale: [] });
    expect(requestsTo(`PUT /stores/${STORE}/v3/inventory/adjustments/absolute`)).toBe(2);
    expect(bulk.every((v) => v.stock.get(1) === 700)).toBe(true);
  });

  it('explains a product whose stock is tracked by product, naming the fix', async () => {
    const shirt = store().products.find((p) => p.sku === 'SHIRT')!;
    shirt.inventory_tracking = 'product';
    const failure = await requireCapability(connectTo(sim), 'inventory.write')
      .writeInventory([{ variant: { variantId: String(shirt.variants[1].id) }, quantity: 3 }])
      .catch((e: unknown) => e);

    expect(isConnectorError(failure) && failure.merchantMessage).toBe(
      `BigCommerce store ${STORE} tracks stock of variant ${shirt.variants[1].id} on its product, so Tandem cannot set it per variant. In BigCommerce, set that product's inventory tracking to "track by variant" (or keep one variant), then press Retry in Activity.`,
    );
  });
});

describe('when two variants carry one SKU', () => {
  it('reports both instead of picking one', async () => {
    const found = await requireCapability(connectTo(sim), 'products.read').findVariantsBySku(['MUG-DUP' as Sku, 'SHIRT-M' as Sku]);

    expect(found.get('MUG-DUP' as Sku)?.map((v) => v.productTitle)).toEqual(['Stoneware Mug', 'Stoneware Mug (imported)']);
    expect(found.get('SHIRT-M' as Sku)).toMatchObject([{ title: 'M', price: '42.00', available: 7, selectedOptions: [{ name: 'Size', value: 'M' }] }]);
  });

  it('refuses to forward an order line matched only by that SKU, naming it', async () => {
    const failure = await requireCapability(connectTo(sim), 'orders.write')
      .createOrder({ externalReference: 'tandem:r:2002', currency: 'USD', lineItems: [{ sku: 'MUG-DUP' as Sku, title: 'Mug', quantity: 1, price: '9.00' }] })
      .catch((e: unknown) => e);

    expect(isConnectorError(failure) && failure.merchantMessage).toBe(
      'Tandem could not forward order tandem:r:2002 to BigCommerce: SKU MUG-DUP matches 2 variants. Give exactly one variant that SKU, then press Retry in Activity.',
    );
    expect(store().orders).toHaveLength(0);
  });
});

describe('when a shipment is copied to a BigCommerce order', () => {
  it('creates one shipment with tracking, marks the order shipped, and returns the same shipment on a retry', async () => {
    const tote = await variantOf('TOTE');
    const connector = connectTo(sim);
    const order = await requireCapability(connector, 'orders.write').createOrder({
      externalReference: 'tandem:r:3003',
      currency: 'USD',
      lineItems: [{ sku: 'TOTE' as Sku, title: 'Canvas Tote', quantity: 3, price: '11.00', variantExternalId: tote.externalId }],
    });
    const shipment = { orderExternalId: order.externalId, lines: [], carrier: 'FedEx', trackingNumber: '7489', trackingUrl: 'https://fedex.example/7489' };
    const writer = requireCapability(connector, 'fulfillments.write');

    const first = await writer.createFulfillment(shipment);
    const again = await writer.createFulfillment(shipment);

    expect(again).toEqual(first);
    expect(first).toMatchObject({ carrier: 'FedEx', trackingNumber: '7489', lines: [{ sku: 'TOTE', quantity: 3 }] });
    expect(store().shipments.map((s) => [s.tracking_carrier, s.tracking_number])).toEqual([['fedex', '7489']]);
    expect(store().orders[0].status_id).toBe(2);
  });
});

describe('when the answer to a shipment is lost', () => {
  it('returns the shipment BigCommerce made on the retry instead of shipping twice', async () => {
    const tote = await variantOf('TOTE');
    const order = await requireCapability(connectTo(sim), 'orders.write').createOrder({
      externalReference: 'tandem:r:5005',
      currency: 'USD',
      lineItems: [{ sku: 'TOTE' as Sku, title: 'Canvas Tote', quantity: 2, price: '11.00', variantExternalId: tote.externalId }],
    });
    const shipment = { orderExternalId: order.externalId, lines: [], carrier: 'UPS', trackingNumber: '1Z5', trackingUrl: null };
    const losesShipmentAnswers: typeof fetch = async (url, init) => {
      const response = await fetch(url, init);
      if (init?.method === 'POST' && String(url).endsWith('/shipments')) throw new TypeError('socket hang up');
      return response;
    };
    await expect(requireCapability(connectTo(sim, { fetch: losesShipmentAnswers }), 'fulfillments.write').createFulfillment(shipment)).rejects.toMatchObject({ code: 'unavailable' });

    const retried = await requireCapability(connectTo(sim), 'fulfillments.write').createFulfillment(shipment);

    expect(store().shipments).toHaveLength(1);
    expect(retried).toMatchObject({ externalId: String(store().shipments[0].id), carrier: 'UPS', trackingNumber: '1Z5', lines: [{ sku: 'TOTE', quantity: 2 }] });
  });
});

describe('when looking a buyer up', () => {
  it('finds the customer BigCommerce made with an order, by email in any case and by account id', async () => {
    sim.placeOrder(STORE, { lines: [{ sku: 'TOTE', quantity: 1 }], email: 'Ada@Retail.example', first_name: 'Ada', last_name: 'Lovelace' });
    const customers = requireCapability(connectTo(sim), 'customers.read');

    const byEmail = await customers.findCustomer({ email: 'ADA@RETAIL.EXAMPLE' });
    const byAccount = await customers.findCustomer({ accountId: byEmail?.accountId });

    expect(byEmail).toMatchObject({ email: 'Ada@Retail.example', firstName: 'Ada', lastName: 'Lovelace' });
    expect(byAccount?.externalId).toBe(byEmail?.externalId);
    expect(await customers.findCustomer({ email: 'nobody@retail.example' })).toBeNull();
  });
});

describe('when BigCommerce calls the webhook URL', () => {
  let receiver: Server;
  let url: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/bigcommerce`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const verifier = () => requireCapability(connectTo(sim), 'webhooks');
  const headersOf = (h: IncomingHttpHeaders) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));

  it('accepts a real delivery from a hook registered with Tandem’s token and translates it', async () => {
    store().hooks.push({ id: 1, client_id: 'tandem', scope: 'store/order/*', destination: url, is_active: true, headers: webhookHeaders(WEBHOOK_SECRET), created_at: 0, updated_at: 0 });
    received.length = 0;
    const order = sim.placeOrder(STORE, { lines: [{ sku: 'TOTE', quantity: 1 }] });
    await sim.webhooks.drain();

    const [delivery] = received;
    const event = await verifier().verifyWebhook(headersOf(delivery.headers), Buffer.from(delivery.body));

    expect(event).toEqual({ kind: 'order.created', eventId: JSON.parse(delivery.body).hash, shop: STORE, orderExternalId: String(order.id) });
  });

  it('translates the stock callbacks its own inventory writes cause, by variant and by product', async () => {
    store().hooks.push({ id: 2, client_id: 'tandem', scope: 'store/*', destination: url, is_active: true, headers: webhookHeaders(WEBHOOK_SECRET), created_at: 0, updated_at: 0 });
    received.length = 0;
    const shirtS = await variantOf('SHIRT-S');
    const tote = await variantOf('TOTE');
    await requireCapability(connectTo(sim), 'inventory.write').writeInventory([
      { variant: { variantId: shirtS.externalId }, quantity: 9 },
      { variant: { variantId: tote.externalId }, quantity: 12 },
    ]);
    await sim.webhooks.drain();

    const events = await Promise.all(received.map((d) => verifier().verifyWebhook(headersOf(d.headers), Buffer.from(d.body))));
    expect(events.map((e) => (e === 'ignored' ? e : { ...e, eventId: undefined }))).toEqual([
      { kind: 'inventory.updated', eventId: undefined, shop: STORE, inventoryItemId: shirtS.externalId, locationId: null, available: 9 },
      { kind: 'product.updated', eventId: undefined, shop: STORE, productExternalId: tote.productExternalId },
    ]);
  });

  it.each([
    ['store/sku/updated', { type: 'sku', id: 461, sku: { product_id: 206, variant_id: 509 } }, { kind: 'product.updated', productExternalId: '206' }],
    ['store/sku/inventory/updated', { type: 'sku', id: 461, inventory: { product_id: 206, method: 'absolute', value: 5, variant_id: 509 } }, { kind: 'inventory.updated', inventoryItemId: '509', locationId: null, available: 5 }],
    ['store/product/inventory/updated', { type: 'product', id: 167, inventory: { product_id: 167, method: 'absolute', value: 9 } }, { kind: 'product.updated', productExternalId: '167' }],
    ['store/shipment/created', { type: 'shipment', id: 12, orderId: 251 }, { kind: 'fulfillment.created', orderExternalId: '251', fulfillmentExternalId: '12' }],
  ])('translates %s', async (scope, data, expected) => {
    const body = JSON.stringify(buildCallback(store(), scope, data, Date.now()));
    const event = await verifier().verifyWebhook(webhookHeaders(WEBHOOK_SECRET), body);
    expect(event).toEqual({ ...expected, eventId: JSON.parse(body).hash, shop: STORE });
  });

  it('ignores scopes Tandem does not act on', async () => {
    const body = JSON.stringify(buildCallback(store(), 'store/cart/created', { type: 'cart', id: 3 }, Date.now()));
    expect(await verifier().verifyWebhook(webhookHeaders(WEBHOOK_SECRET), body)).toBe('ignored');
  });

  it.each([
    ['without Tandem’s token', {}, (body: string) => body],
    ['with another token', webhookHeaders('guess'), (body: string) => body],
    ['whose body was changed after hashing', webhookHeaders(WEBHOOK_SECRET), (body: string) => body.replace('"id":5', '"id":6')],
  ])('refuses a callback %s', async (_case, headers, alter) => {
    const body = JSON.stringify(buildCallback(store(), 'store/order/created', { type: 'order', id: 5 }, Date.now()));
    await expect(verifier().verifyWebhook(headers, alter(body))).rejects.toMatchObject({ code: 'invalid' });
  });
});

describe('when pulling what changed since a checkpoint', () => {
  it('returns only the products and orders changed after it, and resumes pages from the cursor', async () => {
    sim.clock.advance(3_600_000);
    const checkpoint = new Date(sim.clock.nowMs() - 60_000);
    const connector = connectTo(sim);
    const tote = await variantOf('TOTE');
    await requireCapability(connector, 'inventory.write').writeInventory([{ variant: { variantId: tote.externalId }, quantity: 3 }]);
    sim.placeOrder(STORE, { lines: [{ sku: 'SHIRT-S', quantity: 1 }], email: 'walk-in@shop.example' });

    const products = await requireCapability(connector, 'products.read').listChangedProducts({ since: checkpoint });
    const orders = await requireCapability(connector, 'orders.read').listChangedOrders({ since: checkpoint });
    const first = await requireCapability(connector, 'products.read').listChangedVariants({});
    const rest = await requireCapability(connector, 'products.read').listChangedVariants({ cursor: first.nextCursor });

    // The order took stock from the shirt, so the shirt changed too.
    expect(products.items.map((p) => [p.title, p.variants.map((v) => v.available)])).toEqual([
      ['Canvas Tote', [3]],
      ['Linen Shirt', [4, 7]],
    ]);
    expect(products.nextCursor).toBeNull();
    expect(orders.items.map((o) => [o.customer.email, o.lineItems.map((l) => [l.sku, l.quantity])])).toEqual([['walk-in@shop.example', [['SHIRT-S', 1]]]]);
    expect(new Set([...first.items, ...rest.items].map((v) => v.externalId)).size).toBe(first.items.length + rest.items.length);
    expect(rest.nextCursor).toBeNull();
  });
});

describe('when forwarding an order for a buyer', () => {
  it('attaches the BigCommerce customer found by email, and sends an unknown account as a guest', async () => {
    sim.placeOrder(STORE, { lines: [{ sku: 'TOTE', quantity: 1 }], email: 'ada@retail.example' });
    const buyer = store().customers.find((c) => c.email === 'ada@retail.example')!;
    const tote = await variantOf('TOTE');
    const orders = requireCapability(connectTo(sim), 'orders.write');
    const line = { sku: 'TOTE' as Sku, title: 'Canvas Tote', quantity: 1, price: '11.00', variantExternalId: tote.externalId };

    const known = await orders.createOrder({ externalReference: 'tandem:r:4004', currency: 'USD', lineItems: [line], customer: { email: 'ADA@retail.example', accountId: null } });
    const guest = await orders.createOrder({ externalReference: 'tandem:r:4005', currency: 'USD', lineItems: [line], customer: { email: 'new@retail.example', accountId: '999999' } });

    expect(known.customer).toEqual({ email: 'ADA@retail.example', accountId: String(buyer.id) });
    expect(guest.customer).toEqual({ email: 'new@retail.example', accountId: null });
  });
});
