import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from './index.ts';
import { adminClient } from './test-support/client.ts';
import { startReceiver } from './test-support/receiver.ts';

const SHOP = 'bulk.myshopify.com';
let sim: ShopifySimulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let gql: ReturnType<typeof adminClient>;

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startShopifySimulator({ latencyMs: 0, bulkDelayMs: 20, shops: [{ domain: SHOP }], app: { webhooks: [{ topic: 'bulk_operations/finish', uri: receiver.url }] } });
  sim.seedProducts(SHOP, [
    { title: 'Shirt', variants: [{ sku: 'SH-S', available: 1 }, { sku: 'SH-M', available: 2 }] },
    { title: 'Hat', variants: [{ sku: 'HAT', available: 3 }] },
  ]);
  gql = adminClient(sim, SHOP, sim.issueToken(SHOP).access_token);
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});

async function poll(id: string) {
  for (let i = 0; i < 100; i++) {
    const res = await gql<{ bulkOperation: { status: string; url: string | null; objectCount: string; rootObjectCount: string } }>('query($id: ID!) { bulkOperation(id: $id) { status url objectCount rootObjectCount } }', { id });
    const op = res.body.data!.bulkOperation;
    if (op.status === 'COMPLETED' || op.status === 'FAILED') return op;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('bulk operation did not finish');
}

describe('when the app runs a bulk query', () => {
  it('completes with a JSONL file whose nested connection nodes point at their parent', async () => {
    const run = await gql<{ bulkOperationRunQuery: { bulkOperation: { id: string; status: string }; userErrors: unknown[] } }>(
      `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }`,
      { q: '{ products { edges { node { id title variants { edges { node { id sku } } } } } } }' },
    );
    expect(run.body.data!.bulkOperationRunQuery).toMatchObject({ bulkOperation: { status: 'CREATED' }, userErrors: [] });
    const op = await poll(run.body.data!.bulkOperationRunQuery.bulkOperation.id);
    expect(op).toMatchObject({ status: 'COMPLETED', objectCount: '5', rootObjectCount: '2' });

    const lines = (await (await fetch(op.url!)).text()).trim().split('\n').map((l) => JSON.parse(l));
    const products = sim.products(SHOP);
    expect(lines).toEqual([
      { id: products[0].id, title: 'Shirt' },
      { id: products[0].variants[0].id, sku: 'SH-S', __parentId: products[0].id },
      { id: products[0].variants[1].id, sku: 'SH-M', __parentId: products[0].id },
      { id: products[1].id, title: 'Hat' },
      { id: products[1].variants[0].id, sku: 'HAT', __parentId: products[1].id },
    ]);

    await sim.drainWebhooks();
    const finish = receiver.received.find((r) => r.headers['x-shopify-topic'] === 'bulk_operations/finish');
    expect(JSON.parse(finish!.body)).toMatchObject({ admin_graphql_api_id: run.body.data!.bulkOperationRunQuery.bulkOperation.id, status: 'completed', type: 'query', error_code: null });
  });

  it('refuses a query without a connection', async () => {
    const run = await gql<{ bulkOperationRunQuery: { userErrors: { code: string }[] } }>(`mutation { bulkOperationRunQuery(query: "{ shop { name } }") { userErrors { field message code } } }`);
    expect(run.body.data!.bulkOperationRunQuery.userErrors).toMatchObject([{ field: ['query'], code: 'INVALID' }]);
  });
});

describe('when the app writes products', () => {
  it('creates a draft product with variants and stock through productSet, then publishes it', async () => {
    const locationId = sim.shopSummary(sim.shop(SHOP)).locations[0].id;
    const set = await gql<{ productSet: { product: { id: string; status: string; variants: { nodes: { sku: string; price: string; inventoryQuantity: number }[] } }; userErrors: unknown[] } }>(
      `mutation($input: ProductSetInput!) { productSet(input: $input, synchronous: true) { product { id status handle variants(first: 10) { nodes { sku price inventoryQuantity selectedOptions { name value } } } } userErrors { field message code } } }`,
      {
        input: {
          title: 'Retail Mug',
          status: 'DRAFT',
          productOptions: [{ name: 'Color', values: [{ name: 'Red' }, { name: 'Blue' }] }],
          variants: [
            { optionValues: [{ optionName: 'Color', name: 'Red' }], sku: 'R-MUG-RED', price: '9.50', inventoryQuantities: [{ locationId, name: 'available', quantity: 4 }] },
            { optionValues: [{ optionName: 'Color', name: 'Blue' }], sku: 'R-MUG-BLUE', price: '9.50', inventoryQuantities: [{ locationId, name: 'available', quantity: 6 }] },
          ],
        },
      },
    );
    const product = set.body.data!.productSet.product;
    expect(set.body.data!.productSet.userErrors).toEqual([]);
    expect(product.status).toBe('DRAFT');
    expect(product.variants.nodes.map((v) => [v.sku, v.price, v.inventoryQuantity])).toEqual([
      ['R-MUG-RED', '9.50', 4],
      ['R-MUG-BLUE', '9.50', 6],
    ]);

    const update = await gql<{ productSet: { product: { title: string; variants: { nodes: { sku: string }[] } } } }>(
      `mutation($id: ID!, $input: ProductSetInput!) { productSet(identifier: { id: $id }, input: $input) { product { title variants(first: 10) { nodes { sku } } } userErrors { message } } }`,
      { id: product.id, input: { title: 'Retail Mug v2', productOptions: [{ name: 'Color', values: [{ name: 'Red' }] }], variants: [{ optionValues: [{ optionName: 'Color', name: 'Red' }], sku: 'R-MUG-RED', price: '10.00' }] } },
    );
    expect(update.body.data!.productSet.product).toEqual({ title: 'Retail Mug v2', variants: { nodes: [{ sku: 'R-MUG-RED' }] } });

    const pubs = await gql<{ publications: { nodes: { id: string; name: string }[] } }>('{ publications(first: 5) { nodes { id name } } }');
    const online = pubs.body.data!.publications.nodes.find((p) => p.name === 'Online Store')!;
    const published = await gql<{ publishablePublish: { publishable: { publishedOnPublication: boolean }; userErrors: unknown[] } }>(
      'mutation($id: ID!, $pub: ID!) { publishablePublish(id: $id, input: [{ publicationId: $pub }]) { publishable { ... on Product { publishedOnPublication(publicationId: $pub) } } userErrors { message } } }',
      { id: product.id, pub: online.id },
    );
    expect(published.body.data!.publishablePublish).toEqual({ publishable: { publishedOnPublication: true }, userErrors: [] });
  });

  it('builds a product with productCreate and productVariantsBulkCreate/Update, replacing the default variant', async () => {
    const locationId = sim.shopSummary(sim.shop(SHOP)).locations[0].id;
    const created = await gql<{ productCreate: { product: { id: string; status: string; variants: { nodes: { title: string }[] } } } }>(
      'mutation { productCreate(product: { title: "Scarf", status: DRAFT, productOptions: [{ name: "Size", values: [{ name: "S" }, { name: "L" }] }] }) { product { id status variants(first: 5) { nodes { title } } } userErrors { message } } }',
    );
    const product = created.body.data!.productCreate.product;
    expect(product).toMatchObject({ status: 'DRAFT', variants: { nodes: [{ title: 'S' }] } });

    const VARIANTS_CREATE = `mutation($id: ID!, $variants: [ProductVariantsBulkInput!]!) { productVariantsBulkCreate(productId: $id, variants: $variants, strategy: REMOVE_STANDALONE_VARIANT) {
      productVariants { id title } userErrors { field message code } } }`;
    const bulk = await gql<{ productVariantsBulkCreate: { productVariants: { id: string; title: string }[]; userErrors: unknown[] } }>(VARIANTS_CREATE, {
      id: product.id,
      variants: [
        { optionValues: [{ optionName: 'Size', name: 'S' }], inventoryItem: { sku: 'SC-S' }, price: '20.00', inventoryQuantities: [{ locationId, availableQuantity: 2 }] },
        { optionValues: [{ optionName: 'Size', name: 'L' }], inventoryItem: { sku: 'SC-L' }, price: '22.00', inventoryQuantities: [{ locationId, availableQuantity: 5 }] },
      ],
    });
    expect(bulk.body.data!.productVariantsBulkCreate.userErrors).toEqual([]);
    const badLocation = await gql<{ productVariantsBulkCreate: { userErrors: { code: string }[] } }>(VARIANTS_CREATE, {
      id: product.id,
      variants: [{ optionValues: [{ optionName: 'Size', name: 'M' }], inventoryQuantities: [{ locationId: 'gid://shopify/Location/999999', availableQuantity: 1 }] }],
    });
    expect(badLocation.body.data!.productVariantsBulkCreate.userErrors.map((e) => e.code)).toEqual(['TRACKED_VARIANT_LOCATION_NOT_FOUND']);

    const [small] = bulk.body.data!.productVariantsBulkCreate.productVariants;
    const updated = await gql<{ productVariantsBulkUpdate: { productVariants: { price: string; sku: string }[]; userErrors: unknown[] } }>(
      'mutation($id: ID!, $variants: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $id, variants: $variants) { productVariants { price sku } userErrors { field message code } } }',
      { id: product.id, variants: [{ id: small.id, price: '18.00', inventoryItem: { sku: 'SC-S2' } }] },
    );
    expect(updated.body.data!.productVariantsBulkUpdate).toEqual({ productVariants: [{ price: '18.00', sku: 'SC-S2' }], userErrors: [] });
    expect(sim.products(SHOP).find((p) => p.id === product.id)!.variants.map((v) => [v.sku, v.available])).toEqual([
      ['SC-S2', 2],
      ['SC-L', 5],
    ]);
  });

  it('sets metafields and refuses more than 25 in one call', async () => {
    const [hat] = sim.products(SHOP).filter((p) => p.title === 'Hat');
    const ok = await gql<{ metafieldsSet: { metafields: { key: string; value: string }[]; userErrors: unknown[] } }>(
      'mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { key value } userErrors { field message code } } }',
      { m: [{ ownerId: hat.id, namespace: 'tandem', key: 'supplier_sku', type: 'single_line_text_field', value: 'HAT' }] },
    );
    expect(ok.body.data!.metafieldsSet).toEqual({ metafields: [{ key: 'supplier_sku', value: 'HAT' }], userErrors: [] });
    const tooMany = Array.from({ length: 26 }, (_, i) => ({ ownerId: hat.id, namespace: 'tandem', key: `k${i}`, type: 'single_line_text_field', value: 'x' }));
    const refused = await gql<{ metafieldsSet: { userErrors: { code: string }[] } }>('mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { code } } }', { m: tooMany });
    expect(refused.body.data!.metafieldsSet.userErrors).toEqual([{ code: 'LESS_THAN_OR_EQUAL_TO' }]);
  });
});
