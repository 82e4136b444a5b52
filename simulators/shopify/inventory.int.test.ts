import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from './index.ts';
import { adminClient } from './test-support/client.ts';
import { startReceiver } from './test-support/receiver.ts';

const SHOP = 'supplier.myshopify.com';
let sim: ShopifySimulator;
let gql: ReturnType<typeof adminClient>;
let itemId: string;
let locationId: string;

const SET = `mutation($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}`;

beforeAll(async () => {
  sim = await startShopifySimulator({ latencyMs: 0 });
  gql = () => Promise.reject(new Error('not ready'));
});
afterAll(() => sim.close());

beforeEach(() => {
  sim.reset();
  sim.createShop({ domain: SHOP });
  const [product] = sim.seedProducts(SHOP, [{ title: 'Mug', variants: [{ sku: 'MUG-1', available: 10 }] }]);
  itemId = product.variants[0].inventoryItemId;
  locationId = sim.shopSummary(sim.shop(SHOP)).locations[0].id;
  gql = adminClient(sim, SHOP, sim.issueToken(SHOP).access_token);
});

const input = (quantity: number, changeFromQuantity: number | null) => ({ name: 'available', reason: 'correction', referenceDocumentUri: 'tandem://sync/1', quantities: [{ inventoryItemId: itemId, locationId, quantity, changeFromQuantity }] });

describe('when setting quantities with compare-and-swap', () => {
  it('sets available when changeFromQuantity matches', async () => {
    const res = await gql(SET, { input: input(7, 10), key: 'k1' });
    expect(res.body.data).toEqual({ inventorySetQuantities: { inventoryAdjustmentGroup: { reason: 'correction', changes: [{ name: 'available', delta: -3, quantityAfterChange: 7 }, { name: 'on_hand', delta: -3, quantityAfterChange: 7 }] }, userErrors: [] } });
    expect(sim.inventoryBySku(SHOP, 'MUG-1')[0]).toMatchObject({ available: 7, onHand: 7 });
  });

  it('refuses a stale changeFromQuantity with CHANGE_FROM_QUANTITY_STALE and changes nothing', async () => {
    const res = await gql<{ inventorySetQuantities: { userErrors: { field: string[]; code: string }[] } }>(SET, { input: input(7, 9), key: 'k2' });
    expect(res.body.data!.inventorySetQuantities.userErrors).toEqual([
      { field: ['input', 'quantities', '0', 'changeFromQuantity'], message: 'The specified changeFromQuantity (9) does not match the current available quantity (10).', code: 'CHANGE_FROM_QUANTITY_STALE' },
    ]);
    expect(sim.inventoryBySku(SHOP, 'MUG-1')[0].available).toBe(10);
  });

  it('skips the check when changeFromQuantity is null', async () => {
    const res = await gql<{ inventorySetQuantities: { userErrors: unknown[] } }>(SET, { input: input(3, null), key: 'k3' });
    expect(res.body.data!.inventorySetQuantities.userErrors).toEqual([]);
    expect(sim.inventoryBySku(SHOP, 'MUG-1')[0].available).toBe(3);
  });

  it('fails when changeFromQuantity is omitted', async () => {
    const { changeFromQuantity: _omitted, ...quantity } = input(3, null).quantities[0];
    const res = await gql(SET, { input: { ...input(3, null), quantities: [quantity] }, key: 'k4' });
    expect((res.body.errors as { message: string }[])[0].message).toMatch(/changeFromQuantity must be provided/);
    expect(sim.inventoryBySku(SHOP, 'MUG-1')[0].available).toBe(10);
  });

  it('requires the @idempotent key', async () => {
    const res = await gql('mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }', { input: input(3, 10) });
    expect((res.body.errors as { message: string }[])[0].message).toMatch(/idempotency key is required/);
  });

  it('refuses more than 250 quantities in one call', async () => {
    const many = Array.from({ length: 251 }, () => input(1, null).quantities[0]);
    const res = await gql(SET, { input: { ...input(1, null), quantities: many }, key: 'k5' });
    expect((res.body.errors as { message: string; extensions: { code: string } }[])[0]).toMatchObject({ message: 'The input array size of 251 is greater than the maximum allowed of 250.', extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' } });
  });
});

describe('when a mutation is retried with the same idempotency key', () => {
  it('returns the original result without applying the change twice', async () => {
    const first = await gql(SET, { input: input(7, 10), key: 'retry-1' });
    const again = await gql(SET, { input: input(7, 10), key: 'retry-1' });
    expect(again.body.data).toEqual(first.body.data);
    expect(sim.inventoryBySku(SHOP, 'MUG-1')[0].available).toBe(7);
  });

  it('refuses the same key with other arguments', async () => {
    await gql(SET, { input: input(7, 10), key: 'retry-2' });
    const other = await gql<{ inventorySetQuantities: { userErrors: { code: string }[] } }>(SET, { input: input(5, 7), key: 'retry-2' });
    expect(other.body.data!.inventorySetQuantities.userErrors.map((e) => e.code)).toEqual(['IDEMPOTENCY_KEY_PARAMETER_MISMATCH']);
    expect(sim.inventoryBySku(SHOP, 'MUG-1')[0].available).toBe(7);
  });
});

describe('when stock changes', () => {
  it('sends inventory_levels/update with the new available quantity, sharing the event id of the order that caused it', async () => {
    const receiver = await startReceiver();
    try {
      sim.setWebhookSubscriptions([{ topics: ['inventory_levels/update', 'orders/create'], uri: receiver.url }]);
      await gql(SET, { input: input(8, 10), key: 'hook-1' });
      sim.placeOrder(SHOP, { lineItems: [{ sku: 'MUG-1', quantity: 3 }] });
      await sim.drainWebhooks();
      const levels = receiver.received.filter((r) => r.headers['x-shopify-topic'] === 'inventory_levels/update').map((r) => JSON.parse(r.body));
      expect(levels.map((l) => [l.admin_graphql_api_id, l.available])).toEqual([
        [`gid://shopify/InventoryLevel/${locationId.split('/').pop()}?inventory_item_id=${itemId.split('/').pop()}`, 8],
        [`gid://shopify/InventoryLevel/${locationId.split('/').pop()}?inventory_item_id=${itemId.split('/').pop()}`, 5],
      ]);
      const eventOf = (topic: string) => receiver.received.filter((r) => r.headers['x-shopify-topic'] === topic).map((r) => r.headers['x-shopify-event-id']);
      expect(eventOf('orders/create')[0]).toBe(eventOf('inventory_levels/update')[1]);
    } finally {
      await receiver.close();
    }
  });
});

describe('when adjusting quantities', () => {
  it('adds the delta to available and on_hand', async () => {
    const res = await gql<{ inventoryAdjustQuantities: { userErrors: unknown[] } }>(
      `mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) @idempotent(key: "adj-1") { inventoryAdjustmentGroup { changes { name delta } } userErrors { code } } }`,
      { input: { name: 'available', reason: 'received', changes: [{ inventoryItemId: itemId, locationId, delta: 5 }] } },
    );
    expect(res.body.data!.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect(sim.inventoryBySku(SHOP, 'MUG-1')[0]).toMatchObject({ available: 15, onHand: 15 });
  });

  it('refuses more than 250 changes in one call and changes nothing', async () => {
    const changes = Array.from({ length: 251 }, () => ({ inventoryItemId: itemId, locationId, delta: 1 }));
    const res = await gql(
      `mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) @idempotent(key: "adj-2") { userErrors { code } } }`,
      { input: { name: 'available', reason: 'received', changes } },
    );
    expect((res.body.errors as { message: string; extensions: { code: string } }[])[0]).toMatchObject({ message: 'The input array size of 251 is greater than the maximum allowed of 250.', extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' } });
    expect(sim.inventoryBySku(SHOP, 'MUG-1')[0].available).toBe(10);
  });
});

describe('when reading inventory levels', () => {
  it('returns available, on_hand and committed through quantities(names:)', async () => {
    sim.placeOrder(SHOP, { lineItems: [{ sku: 'MUG-1', quantity: 4 }] });
    const res = await gql<{ inventoryItem: { inventoryLevels: { nodes: { quantities: { name: string; quantity: number }[] }[] } } }>(
      'query($id: ID!) { inventoryItem(id: $id) { sku inventoryLevels(first: 5) { nodes { location { id } quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } } }',
      { id: itemId },
    );
    expect(res.body.data!.inventoryItem.inventoryLevels.nodes[0].quantities).toEqual([
      { name: 'available', quantity: 6 },
      { name: 'on_hand', quantity: 10 },
      { name: 'committed', quantity: 4 },
    ]);
  });
});
