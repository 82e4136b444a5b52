import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WooCommerceSimulator } from '../../simulators/woocommerce/index.ts';
import { memoryCredentials, requireCapability } from '../sdk/connector.ts';
import { isConnectorError } from '../sdk/errors.ts';
import { createMemoryBudget } from '../sdk/memory-budget.ts';
import type { Sku } from '../sdk/types.ts';
import { connectTo, KEY, seedSite, SITE, startSite, WEBHOOK_SECRET } from './simulated-site.ts';
import { signWooWebhook } from './webhooks.ts';

let sim: WooCommerceSimulator;
let seeded: ReturnType<typeof seedSite>;

beforeAll(async () => {
  sim = await startSite();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  seeded = seedSite(sim);
});

const site = () => sim.state.site(SITE)!;
const requestsTo = (key: string) => sim.requestCounts(SITE)[key] ?? 0;

async function variantOf(sku: string) {
  const connector = requireCapability(connectTo(sim), 'products.read');
  const [variant] = (await connector.findVariantsBySku([sku as Sku])).get(sku as Sku) ?? [];
  return variant;
}

describe('when the host answers a storm of 429s', () => {
  it('waits out every Retry-After and, paced by the budget, never trips the host limit itself', async () => {
    // A host allowing 10 requests a second; a budget of 5 at once plus 5 a second never sends more
    // than 10 in any second. The injected 429s come before the host counts anything.
    sim.setHostLimit(SITE, { requests: 10, windowMs: 1_000 });
    sim.faults.add({ route: 'GET /sites/supplier/wp-json/wc/v3/products$', status: 429, times: 3, retryAfterS: 1 });
    const budget = createMemoryBudget({ kind: 'token-bucket', capacity: 5, refillPerSecond: 5, unit: 'call', source: 'https://woocommerce.github.io/woocommerce-rest-api-docs/' });
    const inventory = requireCapability(connectTo(sim, { budget }), 'inventory.read');
    const tote = site().products.find((p) => p.sku === 'TOTE')!;

    const reads = [];
    for (let i = 0; i < 20; i++) reads.push(await inventory.readInventory([{ variantId: String(tote.id) }]));

    expect(reads.map((levels) => levels.map((l) => l.available))).toEqual(Array.from({ length: 20 }, () => [20]));
    expect(sim.faults.list()[0]).toMatchObject({ hits: 3, remaining: 0 });
    expect(site().requests.filter((r) => r.status === 429)).toEqual([]);
    expect(site().requests).toHaveLength(20);
  }, 30_000);
});

describe('when Tandem crashes between creating an order and recording it', () => {
  it('finds the order by its reference on the retry instead of creating a second one', async () => {
    const tote = await variantOf('TOTE');
    const input = {
      externalReference: 'tandem:retailer.myshopify.com:1001',
      currency: 'USD',
      lineItems: [{ sku: 'TOTE' as Sku, title: 'Canvas Tote', quantity: 2, price: '11.00', variantExternalId: tote.externalId }],
      customer: { email: 'buyer@retail.example', accountId: null },
    };
    // The order is created, then the connection dies before WooCommerce's answer arrives.
    const losesOrderAnswers: typeof fetch = async (url, init) => {
      const response = await fetch(url, init);
      if (init?.method === 'POST' && String(url).endsWith('/orders')) throw new TypeError('socket hang up');
      return response;
    };
    const crashed = requireCapability(connectTo(sim, { fetch: losesOrderAnswers }), 'orders.write').createOrder(input);
    await expect(crashed).rejects.toMatchObject({ code: 'unavailable' });
    expect(site().orders).toHaveLength(1);

    const retried = await requireCapability(connectTo(sim), 'orders.write').createOrder(input);

    expect(site().orders).toHaveLength(1);
    expect(retried).toMatchObject({ externalId: String(site().orders[0].id), externalReference: input.externalReference, totalPrice: '22.00' });
    expect(sim.stockBySku(SITE).TOTE).toBe(18);
  });
});

describe('when the consumer secret is wrong', () => {
  it('answers auth_expired with a message telling the merchant how to reconnect', async () => {
    const connector = connectTo(sim, { credentials: memoryCredentials({ apiKey: KEY, apiSecret: 'cs_revoked' }) });
    const failure = await requireCapability(connector, 'products.read').listChangedProducts({}).catch((e: unknown) => e);

    expect(isConnectorError(failure) && failure.code).toBe('auth_expired');
    expect(isConnectorError(failure) && failure.merchantMessage).toBe(
      `WooCommerce at 127.0.0.1:${sim.port}/sites/supplier refused Tandem's API key (Consumer secret is invalid.). Create a key with Read/Write access under WooCommerce → Settings → Advanced → REST API, then reconnect the store in Connectors.`,
    );
  });
});

describe('when pushing stock for many items', () => {
  it('sends 120 simple-product updates as two batch calls of at most 100', async () => {
    const bulk = site().products.filter((p) => p.sku.startsWith('BULK-'));
    const writes = bulk.map((p) => ({ variant: { variantId: String(p.id), sku: p.sku as Sku }, quantity: 500 }));

    const result = await requireCapability(connectTo(sim), 'inventory.write').writeInventory(writes);

    expect(result).toEqual({ written: 120, stale: [] });
    expect(requestsTo('POST /products/batch')).toBe(2);
    expect(Object.entries(sim.stockBySku(SITE)).filter(([sku, qty]) => sku.startsWith('BULK-') && qty === 500)).toHaveLength(120);
  });

  it('sends variation updates through their parent’s batch endpoint', async () => {
    const [small, medium] = seeded.shirtVariationIds;
    const writes = [small, medium].map((id, i) => ({ variant: { variantId: String(id), inventoryItemId: `${seeded.shirtId}/${id}` }, quantity: 60 + i }));

    await requireCapability(connectTo(sim), 'inventory.write').writeInventory(writes);

    expect(requestsTo('POST /products/{id}/variations/batch')).toBe(1);
    expect(sim.stockBySku(SITE)).toMatchObject({ 'SHIRT-S': 60, 'SHIRT-M': 61 });
  });
});

describe('when a variation sells from its variable product’s stock', () => {
  it('reads the parent’s quantity for it', async () => {
    const shirt = site().products.find((p) => p.id === seeded.shirtId)!;
    Object.assign(shirt, { manage_stock: true, stock_quantity: 9 });
    const small = site().products.find((p) => p.id === seeded.shirtVariationIds[0])!;
    // WooCommerce answers manage_stock "parent" here; the simulator stores a boolean, so it is set directly.
    Object.assign(small, { manage_stock: 'parent' });

    const levels = await requireCapability(connectTo(sim), 'inventory.read').readInventory([
      { variantId: String(small.id), inventoryItemId: `${shirt.id}/${small.id}` },
      { variantId: String(seeded.shirtVariationIds[1]), inventoryItemId: `${shirt.id}/${seeded.shirtVariationIds[1]}` },
    ]);

    expect(levels.map((l) => l.available)).toEqual([9, 7]);
  });
});

describe('when two products carry one SKU', () => {
  it('reports both, across simple products and variations, instead of picking one', async () => {
    site().products.find((p) => p.sku === 'SHIRT-M')!.sku = 'TOTE';

    const found = await requireCapability(connectTo(sim), 'products.read').findVariantsBySku(['TOTE' as Sku]);

    expect(found.get('TOTE' as Sku)?.map((v) => [v.productTitle, v.title])).toEqual([
      ['Canvas Tote', 'Canvas Tote'],
      ['Linen Shirt', 'M'],
    ]);
  });

  it('refuses to forward an order line matched only by that SKU, naming it', async () => {
    const orders = requireCapability(connectTo(sim), 'orders.write');
    const failure = await orders
      .createOrder({ externalReference: 'tandem:r:2002', currency: 'USD', lineItems: [{ sku: 'MUG-DUP' as Sku, title: 'Mug', quantity: 1, price: '9.00' }] })
      .catch((e: unknown) => e);

    expect(isConnectorError(failure) && failure.merchantMessage).toBe(
      'Tandem could not forward order tandem:r:2002 to WooCommerce: SKU MUG-DUP matches 2 products. Give exactly one product that SKU, then press Retry in Activity.',
    );
    expect(site().orders).toHaveLength(0);
  });
});

describe('when a shipment is copied to a WooCommerce order', () => {
  it('completes the order, tells the buyer once in a customer note, and returns the same shipment on a retry', async () => {
    const tote = await variantOf('TOTE');
    const connector = connectTo(sim);
    const order = await requireCapability(connector, 'orders.write').createOrder({
      externalReference: 'tandem:r:3003',
      currency: 'USD',
      lineItems: [{ sku: 'TOTE' as Sku, title: 'Canvas Tote', quantity: 3, price: '11.00', variantExternalId: tote.externalId }],
    });
    const shipment = { orderExternalId: order.externalId, lines: [], carrier: 'DHL', trackingNumber: 'JD0146000012345', trackingUrl: 'https://www.dhl.com/track?id=JD0146000012345' };
    const writer = requireCapability(connector, 'fulfillments.write');

    const first = await writer.createFulfillment(shipment);
    const again = await writer.createFulfillment(shipment);

    expect(again).toEqual(first);
    const stored = site().orders[0];
    expect(stored.status).toBe('completed');
    expect(stored.notes.map((n) => [n.customer_note, n.note])).toEqual([
      [true, `Your order has shipped (3 items with DHL). Tracking number: JD0146000012345. Track it at https://www.dhl.com/track?id=JD0146000012345 [${order.externalId}-1]`],
    ]);
  });
});

describe('when Tandem crashes between recording a shipment and telling the buyer', () => {
  it('sends the missing customer note on the retry, once', async () => {
    const tote = await variantOf('TOTE');
    const order = await requireCapability(connectTo(sim), 'orders.write').createOrder({
      externalReference: 'tandem:r:5005',
      currency: 'USD',
      lineItems: [{ sku: 'TOTE' as Sku, title: 'Canvas Tote', quantity: 1, price: '11.00', variantExternalId: tote.externalId }],
    });
    const shipment = { orderExternalId: order.externalId, lines: [], carrier: 'UPS', trackingNumber: '1Z5', trackingUrl: null };
    const diesBeforeTheNote: typeof fetch = async (url, init) => {
      if (init?.method === 'POST' && String(url).endsWith('/notes')) throw new TypeError('worker killed');
      return fetch(url, init);
    };
    await expect(requireCapability(connectTo(sim, { fetch: diesBeforeTheNote }), 'fulfillments.write').createFulfillment(shipment)).rejects.toMatchObject({ code: 'unavailable' });
    expect(site().orders[0].notes).toEqual([]);

    const retried = await requireCapability(connectTo(sim), 'fulfillments.write').createFulfillment(shipment);

    expect(retried).toMatchObject({ externalId: `${order.externalId}-1`, trackingNumber: '1Z5' });
    expect(site().orders[0].notes.map((n) => n.note)).toEqual([`Your order has shipped (1 item with UPS). Tracking number: 1Z5. [${order.externalId}-1]`]);
  });
});

describe('when WooCommerce calls the webhook URL', () => {
  const verifier = () => requireCapability(connectTo(sim), 'webhooks');
  const signed = (topic: string, body: string) => ({
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-signature': signWooWebhook(body, WEBHOOK_SECRET),
    'x-wc-webhook-delivery-id': '77',
    'x-wc-webhook-source': 'https://shop.example/',
  });

  it.each([
    ['order.updated', { id: 5, status: 'completed' }, { kind: 'order.updated', orderExternalId: '5' }],
    ['product.updated', { id: 12, parent_id: 10 }, { kind: 'product.updated', productExternalId: '10' }],
    ['product.deleted', { id: 10 }, { kind: 'product.deleted', productExternalId: '10' }],
  ])('translates %s', async (topic, payload, event) => {
    const body = JSON.stringify(payload);
    expect(await verifier().verifyWebhook(signed(topic, body), Buffer.from(body))).toEqual({ ...event, eventId: '77', shop: 'https://shop.example/' });
  });

  it('ignores topics Tandem does not act on, and the unsigned ping sent when a webhook is saved', async () => {
    const body = JSON.stringify({ id: 3, code: 'SPRING' });
    expect(await verifier().verifyWebhook(signed('coupon.created', body), body)).toBe('ignored');
    expect(await verifier().verifyWebhook({ 'content-type': 'application/x-www-form-urlencoded' }, 'webhook_id=42')).toBe('ignored');
  });

  it('refuses a delivery signed with another secret', async () => {
    const body = JSON.stringify({ id: 5 });
    const headers = { ...signed('order.created', body), 'x-wc-webhook-signature': signWooWebhook(body, 'someone-else') };
    await expect(verifier().verifyWebhook(headers, body)).rejects.toMatchObject({ code: 'invalid' });
  });
});

describe('when pulling what changed since a checkpoint', () => {
  it('returns only the products and orders changed after it, and resumes pages from the cursor', async () => {
    sim.clock.advance(3_600_000);
    const checkpoint = new Date(sim.clock.nowMs() - 60_000);
    const connector = connectTo(sim);
    const tote = await variantOf('TOTE');
    await requireCapability(connector, 'inventory.write').writeInventory([{ variant: { variantId: tote.externalId, inventoryItemId: tote.inventoryItemId }, quantity: 3 }]);
    sim.placeOrder(SITE, { lines: [{ sku: 'SHIRT-S', quantity: 1 }], email: 'walk-in@shop.example' });

    const products = await requireCapability(connector, 'products.read').listChangedProducts({ since: checkpoint });
    const orders = await requireCapability(connector, 'orders.read').listChangedOrders({ since: checkpoint });
    const everything = await requireCapability(connector, 'products.read').listChangedVariants({});
    const rest = await requireCapability(connector, 'products.read').listChangedVariants({ cursor: everything.nextCursor });

    expect(products).toEqual({ items: [expect.objectContaining({ title: 'Canvas Tote', variants: [expect.objectContaining({ available: 3 })] })], nextCursor: null });
    expect(orders.items.map((o) => [o.customer.email, o.lineItems.map((l) => [l.sku, l.quantity])])).toEqual([['walk-in@shop.example', [['SHIRT-S', 1]]]]);
    expect(new Set([...everything.items, ...rest.items].map((v) => v.externalId)).size).toBe(everything.items.length + rest.items.length);
    expect(rest.nextCursor).toBeNull();
  });
});

describe('when forwarding an order for a buyer', () => {
  it('attaches the WooCommerce account found by email, and sends an unknown account as a guest', async () => {
    const buyer = sim.seedCustomer(SITE, { email: 'ada@retail.example', first_name: 'Ada', last_name: 'Lovelace' });
    const tote = await variantOf('TOTE');
    const orders = requireCapability(connectTo(sim), 'orders.write');
    const line = { sku: 'TOTE' as Sku, title: 'Canvas Tote', quantity: 1, price: '11.00', variantExternalId: tote.externalId };

    const known = await orders.createOrder({ externalReference: 'tandem:r:4004', currency: 'USD', lineItems: [line], customer: { email: 'ADA@retail.example', accountId: null } });
    const guest = await orders.createOrder({ externalReference: 'tandem:r:4005', currency: 'USD', lineItems: [line], customer: { email: 'new@retail.example', accountId: '999999' } });

    expect(known.customer).toEqual({ email: 'ADA@retail.example', accountId: String(buyer.id) });
    expect(guest.customer).toEqual({ email: 'new@retail.example', accountId: null });
  });
});
