// The simulator's webhook bodies held to Shopify's sample payloads (shared/contracts/shopify/webhooks,
// copied from shopify.dev's webhook reference): every field the simulator sends must exist in the
// sample at the same place, with the same JSON kind (numeric ids, money as strings). The simulator
// fills only what it has data for, so a sample field it leaves out is not an error.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractsDir, missingContractsMessage } from '../common/openapi.ts';
import { startShopifySimulator, type ShopifySimulator } from './index.ts';
import { adminClient } from './test-support/client.ts';
import { startReceiver } from './test-support/receiver.ts';

const SAMPLES = 'shopify/webhooks';
const present = existsSync(resolve(contractsDir, SAMPLES, 'orders-create.json'));
const title = present ? 'Shopify simulator webhook bodies against the sample payloads' : missingContractsMessage(`${SAMPLES}/orders-create.json`);

const SHOP = 'payloads.myshopify.com';
const TOPICS = ['orders/create', 'orders/updated', 'products/update', 'inventory_levels/update', 'fulfillments/create', 'bulk_operations/finish', 'app/uninstalled'] as const;

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Paths in `ours` that the sample lacks, or where the two disagree on the JSON kind. */
function differences(ours: unknown, sample: unknown, path = '$'): string[] {
  if (ours === null || sample === null || sample === undefined) return [];
  if (kind(ours) !== kind(sample)) return [`${path}: sample ${kind(sample)}, simulator ${kind(ours)}`];
  if (Array.isArray(ours)) {
    const model = (sample as unknown[])[0];
    return model === undefined ? [] : ours.flatMap((item, i) => differences(item, model, `${path}[${i}]`));
  }
  if (kind(ours) === 'object') {
    const s = sample as Record<string, unknown>;
    return Object.entries(ours as Record<string, unknown>).flatMap(([key, value]) =>
      key in s ? differences(value, s[key], `${path}.${key}`) : [`${path}.${key}: not in the sample`],
    );
  }
  return [];
}

describe.skipIf(!present)(title, () => {
  let sim: ShopifySimulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const bodies = new Map<string, unknown>();

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startShopifySimulator({ latencyMs: 0, bulkDelayMs: 10, shops: [{ domain: SHOP }] });
    sim.setWebhookSubscriptions([{ topics: [...TOPICS], uri: receiver.url }]);
    sim.seedProducts(SHOP, [{ title: 'Lamp', vendor: 'Acme', tags: ['light'], variants: [{ sku: 'LAMP-1', price: '25.00', available: 10 }] }]);
    const gql = adminClient(sim, SHOP, sim.issueToken(SHOP).access_token);

    // A storefront order (orders/create, inventory_levels/update), tagged (orders/updated), then
    // fulfilled by the app (fulfillments/create); a product edit (products/update); a bulk export
    // (bulk_operations/finish); finally the merchant uninstalls (app/uninstalled).
    const order = sim.placeOrder(SHOP, { lineItems: [{ sku: 'LAMP-1', quantity: 2 }], email: 'buyer@example.com', shippingAddress: { firstName: 'Ana', address1: '1 Rue', city: 'Lyon', countryCode: 'FR', zip: '69001' } });
    await gql('mutation($id: ID!) { tagsAdd(id: $id, tags: ["tandem"]) { userErrors { message } } }', { id: order.id });
    const fos = await gql<{ order: { fulfillmentOrders: { nodes: { id: string }[] } } }>('query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 1) { nodes { id } } } }', { id: order.id });
    await gql('mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { userErrors { message } } }', {
      f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fos.body.data!.order.fulfillmentOrders.nodes[0].id }], trackingInfo: { company: 'UPS', number: '1Z001', url: 'https://ups.example/1Z001' } },
    });
    const [product] = sim.products(SHOP);
    await gql('mutation($p: ProductUpdateInput!) { productUpdate(product: $p) { userErrors { message } } }', { p: { id: product.id, title: 'Desk Lamp' } });
    await gql('mutation { bulkOperationRunQuery(query: "{ products { edges { node { id } } } }") { userErrors { message } } }');
    await new Promise((r) => setTimeout(r, 100));
    sim.uninstall(SHOP);
    await sim.drainWebhooks();
    for (const r of receiver.received) {
      const topic = String(r.headers['x-shopify-topic']);
      if (!bodies.has(topic)) bodies.set(topic, JSON.parse(r.body));
    }
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('delivered one body for each topic with a sample', () => {
    expect([...bodies.keys()].sort()).toEqual([...TOPICS].sort());
  });

  it.each(TOPICS)('sends %s with only the sample’s fields, each of the sample’s JSON kind', (topic) => {
    const sample = JSON.parse(readFileSync(resolve(contractsDir, SAMPLES, `${topic.replace('/', '-')}.json`), 'utf8'));
    expect(differences(bodies.get(topic), sample)).toEqual([]);
  });

  it('finds a field the sample lacks and a kind that differs (the check can fail)', () => {
    expect(differences({ id: '1', line_items: [{ sku: 'A', stock: 2 }] }, { id: 1, line_items: [{ sku: 'B' }] })).toEqual([
      '$.id: sample number, simulator string',
      '$.line_items[0].stock: not in the sample',
    ]);
  });
});
