import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from './index.ts';
import { adminClient } from './test-support/client.ts';
import { startReceiver } from './test-support/receiver.ts';

const SHOP = 'orders.myshopify.com';
const SECRET = 'webhook-secret';
let sim: ShopifySimulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let gql: ReturnType<typeof adminClient>;

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startShopifySimulator({ latencyMs: 0, app: { clientSecret: SECRET }, webhookDelivery: { maxAttempts: 3, backoffMs: () => 10, timeoutMs: 2000 } });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});

beforeEach(() => {
  sim.reset();
  receiver.received.length = 0;
  receiver.answer.status = 200;
  sim.createShop({ domain: SHOP });
  sim.setWebhookSubscriptions([{ topics: ['orders/create', 'orders/updated', 'fulfillments/create'], uri: receiver.url }]);
  sim.seedProducts(SHOP, [{ title: 'Lamp', variants: [{ sku: 'LAMP-1', price: '25.00', available: 10 }, { sku: 'LAMP-2', price: '30.00', available: 4 }] }]);
  gql = adminClient(sim, SHOP, sim.issueToken(SHOP).access_token);
});
afterEach(() => sim.drainWebhooks());

function verifies(body: string, hmac: string) {
  const expected = createHmac('sha256', SECRET).update(body, 'utf8').digest();
  const given = Buffer.from(hmac, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('when a customer places an order in the storefront', () => {
  it('moves the quantity from available to committed', async () => {
    sim.placeOrder(SHOP, { lineItems: [{ sku: 'LAMP-1', quantity: 3 }], email: 'buyer@example.com' });
    expect(sim.inventoryBySku(SHOP, 'LAMP-1')[0]).toMatchObject({ available: 7, committed: 3, onHand: 10 });
  });

  it('sends orders/create signed with the client secret and Shopify headers', async () => {
    const order = sim.placeOrder(SHOP, { lineItems: [{ sku: 'LAMP-1', quantity: 2 }], email: 'buyer@example.com', shippingAddress: { firstName: 'Ana', city: 'Lyon', countryCode: 'FR' } });
    await sim.drainWebhooks();
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(verifies(delivery.body, String(delivery.headers['x-shopify-hmac-sha256']))).toBe(true);
    expect(delivery.headers).toMatchObject({
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': SHOP,
      'x-shopify-api-version': '2026-10',
      'x-shopify-webhook-id': expect.any(String),
      'x-shopify-event-id': expect.any(String),
      'x-shopify-triggered-at': expect.any(String),
    });
    const payload = JSON.parse(delivery.body);
    expect(payload).toMatchObject({
      admin_graphql_api_id: order.id,
      name: '#1001',
      email: 'buyer@example.com',
      total_price: '50.00',
      shipping_address: { first_name: 'Ana', city: 'Lyon', country_code: 'FR' },
      line_items: [{ sku: 'LAMP-1', quantity: 2, price: '25.00' }],
    });
  });

  it('delivers the same webhook id twice under a duplicate-delivery fault', async () => {
    await fetch(`${sim.url}/_control/webhooks/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ duplicate: 1 }) });
    sim.placeOrder(SHOP, { lineItems: [{ sku: 'LAMP-1', quantity: 1 }] });
    await sim.drainWebhooks();
    expect(receiver.received).toHaveLength(2);
    const [a, b] = receiver.received;
    expect(a.headers['x-shopify-webhook-id']).toBe(b.headers['x-shopify-webhook-id']);
    expect(a.body).toBe(b.body);
  });

  it('retries a failed delivery with the same webhook id', async () => {
    receiver.answer.status = 500;
    sim.placeOrder(SHOP, { lineItems: [{ sku: 'LAMP-1', quantity: 1 }] });
    await sim.drainWebhooks();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['x-shopify-webhook-id'])).size).toBe(1);
  });

  it('is placed through the HTTP control API too', async () => {
    const res = await fetch(`${sim.url}/_control/shops/${SHOP}/orders`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ lineItems: [{ sku: 'LAMP-2', quantity: 4 }] }) });
    expect(res.status).toBe(201);
    const inventory = await (await fetch(`${sim.url}/_control/shops/${SHOP}/inventory?sku=LAMP-2`)).json();
    expect(inventory).toMatchObject([{ sku: 'LAMP-2', available: 0, committed: 4, onHand: 4 }]);
  });
});

describe('when the app creates an order and fulfils it in parts', () => {
  it('records the external reference and shows each fulfillment with its tracking on the order', async () => {
    const variants = await gql<{ productVariants: { nodes: { id: string; sku: string }[] } }>('{ productVariants(first: 5, query: "sku:LAMP-1") { nodes { id sku } } }');
    const variantId = variants.body.data!.productVariants.nodes[0].id;
    const created = await gql<{ orderCreate: { order: { id: string; sourceIdentifier: string; tags: string[] }; userErrors: unknown[] } }>(
      `mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order, options: { inventoryBehaviour: DECREMENT_OBEYING_POLICY }) { order { id sourceIdentifier tags metafield(namespace: "tandem", key: "ref") { value } } userErrors { field message code } } }`,
      {
        order: {
          lineItems: [{ variantId, quantity: 3 }],
          email: 'retailer@example.com',
          sourceIdentifier: 'tandem:po-77',
          tags: ['tandem'],
          metafields: [{ namespace: 'tandem', key: 'ref', type: 'single_line_text_field', value: 'po-77' }],
          shippingAddress: { firstName: 'Bo', address1: '1 Main St', city: 'Austin', countryCode: 'US', zip: '73301' },
        },
      },
    );
    expect(created.body.data!.orderCreate).toMatchObject({ order: { sourceIdentifier: 'tandem:po-77', tags: ['tandem'], metafield: { value: 'po-77' } }, userErrors: [] });
    expect(sim.inventoryBySku(SHOP, 'LAMP-1')[0]).toMatchObject({ available: 7, committed: 3 });
    const orderId = created.body.data!.orderCreate.order.id;

    const fos = await gql<{ order: { fulfillmentOrders: { nodes: { id: string; lineItems: { nodes: { id: string; remainingQuantity: number }[] } }[] } } }>(
      'query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { nodes { id status lineItems(first: 10) { nodes { id remainingQuantity sku } } } } } }',
      { id: orderId },
    );
    const fo = fos.body.data!.order.fulfillmentOrders.nodes[0];
    const FULFIL = `mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id status trackingInfo { company number url } } userErrors { field message } } }`;
    const partial = await gql<{ fulfillmentCreate: { userErrors: unknown[] } }>(FULFIL, {
      f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: fo.lineItems.nodes[0].id, quantity: 1 }] }], trackingInfo: { company: 'UPS', number: '1Z001', url: 'https://ups.example/1Z001' } },
    });
    expect(partial.body.data!.fulfillmentCreate.userErrors).toEqual([]);
    const rest = await gql<{ fulfillmentCreate: { userErrors: unknown[] } }>(FULFIL, { f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }], trackingInfo: { company: 'DHL', number: 'D002' } } });
    expect(rest.body.data!.fulfillmentCreate.userErrors).toEqual([]);
    const tooMany = await gql<{ fulfillmentCreate: { userErrors: { message: string }[] } }>(FULFIL, { f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }] } });
    expect(tooMany.body.data!.fulfillmentCreate.userErrors[0].message).toMatch(/unfulfillable status/);

    const order = await gql('query($id: ID!) { order(id: $id) { displayFulfillmentStatus fulfillments { trackingInfo { company number url } fulfillmentLineItems(first: 5) { nodes { quantity lineItem { sku } } } } fulfillmentOrders(first: 1) { nodes { status } } } }', { id: orderId });
    expect(order.body.data).toEqual({
      order: {
        displayFulfillmentStatus: 'FULFILLED',
        fulfillments: [
          { trackingInfo: [{ company: 'UPS', number: '1Z001', url: 'https://ups.example/1Z001' }], fulfillmentLineItems: { nodes: [{ quantity: 1, lineItem: { sku: 'LAMP-1' } }] } },
          { trackingInfo: [{ company: 'DHL', number: 'D002', url: null }], fulfillmentLineItems: { nodes: [{ quantity: 2, lineItem: { sku: 'LAMP-1' } }] } },
        ],
        fulfillmentOrders: { nodes: [{ status: 'CLOSED' }] },
      },
    });
    expect(sim.inventoryBySku(SHOP, 'LAMP-1')[0]).toMatchObject({ available: 7, committed: 0, onHand: 7 });
    await sim.drainWebhooks();
    expect(receiver.received.filter((r) => r.headers['x-shopify-topic'] === 'fulfillments/create').map((r) => JSON.parse(r.body).tracking_number)).toEqual(['1Z001', 'D002']);
  });

  it('overwrites tags and note with orderUpdate and removes a tag with tagsRemove, firing orders/updated', async () => {
    const order = sim.placeOrder(SHOP, { lineItems: [{ sku: 'LAMP-1', quantity: 1 }], tags: ['a'] });
    await gql('mutation($input: OrderInput!) { orderUpdate(input: $input) { userErrors { message } } }', { input: { id: order.id, tags: ['tandem', 'po-1'], note: 'forwarded' } });
    await gql('mutation($id: ID!) { tagsRemove(id: $id, tags: ["po-1"]) { userErrors { message } } }', { id: order.id });
    const res = await gql('query($id: ID!) { order(id: $id) { tags note } }', { id: order.id });
    expect(res.body.data).toEqual({ order: { tags: ['tandem'], note: 'forwarded' } });
    await sim.drainWebhooks();
    expect(receiver.received.filter((r) => r.headers['x-shopify-topic'] === 'orders/updated').map((r) => JSON.parse(r.body).tags)).toEqual(['tandem, po-1', 'tandem']);
  });

  it('finds orders updated since a time and customers by email', async () => {
    const since = sim.clock.now().toISOString();
    sim.clock.advance(1000);
    sim.placeOrder(SHOP, { lineItems: [{ sku: 'LAMP-2', quantity: 1 }], email: 'c@example.com' });
    const res = await gql<{ orders: { nodes: { name: string; lineItems: { nodes: { sku: string; quantity: number }[] } }[] }; customers: { nodes: { email: string }[] } }>(
      `{ orders(first: 10, query: "updated_at:>'${since}'") { nodes { name lineItems(first: 5) { nodes { sku quantity variant { id } } } } } customers(first: 5, query: "email:c@example.com") { nodes { email } } }`,
    );
    expect(res.body.data!.orders.nodes.map((o) => o.lineItems.nodes.map((l) => [l.sku, l.quantity]))).toEqual([[['LAMP-2', 1]]]);
    expect(res.body.data!.customers.nodes).toEqual([{ email: 'c@example.com' }]);
  });
});

describe('when the merchant cancels an order in the admin', () => {
  it('restocks its unfulfilled units, cancels its fulfillment order and sends orders/updated with cancelled_at, once', async () => {
    const order = sim.placeOrder(SHOP, { lineItems: [{ sku: 'LAMP-1', quantity: 3 }], email: 'buyer@example.com' });
    await sim.drainWebhooks();
    receiver.received.length = 0;
    sim.clock.advance(60_000);

    const cancelled = sim.cancelOrder(SHOP, order.id);
    sim.cancelOrder(SHOP, order.id);
    await sim.drainWebhooks();

    expect(sim.inventoryBySku(SHOP, 'LAMP-1')[0]).toMatchObject({ available: 10, committed: 0, onHand: 10 });
    expect(cancelled).toMatchObject({ cancelledAt: expect.any(String), fulfillmentOrders: [expect.objectContaining({ status: 'CANCELLED' })] });
    expect(receiver.received.map((r) => r.headers['x-shopify-topic'])).toEqual(['orders/updated']);
    const payload = JSON.parse(receiver.received[0]!.body);
    expect(payload).toMatchObject({ admin_graphql_api_id: order.id, cancelled_at: cancelled.cancelledAt, updated_at: cancelled.cancelledAt });
    expect(cancelled.cancelledAt! > order.updatedAt).toBe(true);
  });

  it('answers 404 over the control API for an order the shop does not have', async () => {
    const res = await fetch(`${sim.url}/_control/shops/${SHOP}/orders/404404/cancel`, { method: 'POST' });
    expect(res.status).toBe(404);
  });
});

describe('when the app creates an order for a customer', () => {
  const CREATE = `mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order) { order { id customer { id } } userErrors { field message } } }`;
  type Created = { orderCreate: { order: { id: string; customer: { id: string } | null } | null; userErrors: { field: string[]; message: string }[] } };
  const kept = () => sim.shop(SHOP).customers.get([...sim.shop(SHOP).customers.keys()][0]!)!;

  beforeEach(() => {
    sim.placeOrder(SHOP, { lineItems: [{ sku: 'LAMP-2', quantity: 1 }], email: 'ana@example.com' });
    Object.assign(kept(), { firstName: 'Ana', lastName: 'Kept', phone: '+15550100' });
  });

  it('associates an existing customer by id as it is', async () => {
    const id = `gid://shopify/Customer/${kept().id}`;
    const created = await gql<Created>(CREATE, { order: { lineItems: [{ title: 'Lamp', quantity: 1, priceSet: { shopMoney: { amount: '1.00', currencyCode: 'USD' } } }], customer: { toAssociate: { id } } } });
    expect(created.body.data!.orderCreate.order!.customer).toEqual({ id });
    expect(kept()).toMatchObject({ email: 'ana@example.com', firstName: 'Ana', lastName: 'Kept', phone: '+15550100' });
  });

  it('updates the customer toUpsert finds by email with the fields given, as "create or update" says', async () => {
    const created = await gql<Created>(CREATE, {
      order: { lineItems: [{ title: 'Lamp', quantity: 1, priceSet: { shopMoney: { amount: '1.00', currencyCode: 'USD' } } }], customer: { toUpsert: { email: 'ana@example.com', firstName: 'Other', phone: '+15550199' } } },
    });
    expect(created.body.data!.orderCreate.order!.customer).toEqual({ id: `gid://shopify/Customer/${kept().id}` });
    expect(sim.shop(SHOP).customers.size).toBe(1);
    expect(kept()).toMatchObject({ email: 'ana@example.com', firstName: 'Other', lastName: 'Kept', phone: '+15550199' });
  });

  it('refuses a toUpsert id that names no customer', async () => {
    const created = await gql<Created>(CREATE, { order: { lineItems: [{ title: 'Lamp', quantity: 1 }], customer: { toUpsert: { id: 'gid://shopify/Customer/404' } } } });
    expect(created.body.data!.orderCreate).toEqual({ order: null, userErrors: [{ field: ['order', 'customer', 'toUpsert', 'id'], message: 'Customer does not exist' }] });
  });
});
