import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from './index.ts';
import { adminClient } from './test-support/client.ts';

const SHOP = 'pagination.myshopify.com';
let sim: ShopifySimulator;
let gql: ReturnType<typeof adminClient>;

beforeAll(async () => {
  sim = await startShopifySimulator({ latencyMs: 0, shops: [{ domain: SHOP, name: 'Pagination Shop', ianaTimezone: 'Europe/Paris', currencyCode: 'EUR' }] });
  gql = adminClient(sim, SHOP, sim.issueToken(SHOP).access_token);
});
afterAll(() => sim.close());

describe('when a query does not match the schema', () => {
  it('answers 200 with Shopify\'s undefinedField error for an unknown field', async () => {
    const res = await gql('{ shop { name colour } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toEqual([{ message: "Field 'colour' doesn't exist on type 'Shop'", locations: [{ line: 1, column: 15 }], path: ['query', 'shop', 'colour'], extensions: { code: 'undefinedField', typeName: 'Shop', fieldName: 'colour' } }]);
  });

  it('answers 200 with an invalid-value error for a variable of the wrong type', async () => {
    const res = await gql('query($first: Int!) { products(first: $first) { nodes { id } } }', { first: 'ten' });
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([
      {
        message: 'Variable $first of type Int! was provided invalid value',
        locations: [{ line: 1, column: 7 }],
        extensions: { value: 'ten', problems: [{ path: [], explanation: 'Could not coerce value "ten" to Int' }] },
      },
    ]);
  });

  it('names the path inside an input object that is missing a required field', async () => {
    const res = await gql('mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) @idempotent(key: "x") { userErrors { code } } }', {
      input: { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: 'gid://shopify/InventoryItem/1', locationId: 'gid://shopify/Location/1', changeFromQuantity: null }] },
    });
    expect(res.body.errors).toMatchObject([
      {
        message: 'Variable $input of type InventorySetQuantitiesInput! was provided invalid value for quantities.0.quantity (Expected value to not be null)',
        extensions: { problems: [{ path: ['quantities', 0, 'quantity'], explanation: 'Expected value to not be null' }] },
      },
    ]);
  });

  it('refuses a connection without first or last', async () => {
    const res = await gql('{ products { nodes { id } } }');
    expect((res.body.errors as { message: string }[])[0].message).toBe('you must provide one of first or last');
  });
});

describe('when reading the shop', () => {
  it('returns the configured name, time zone, currency and plan', async () => {
    const res = await gql('{ shop { name myshopifyDomain ianaTimezone currencyCode plan { publicDisplayName shopifyPlus } } }');
    expect(res.body.data).toEqual({ shop: { name: 'Pagination Shop', myshopifyDomain: SHOP, ianaTimezone: 'Europe/Paris', currencyCode: 'EUR', plan: { publicDisplayName: 'Standard', shopifyPlus: false } } });
  });
});

describe('when paging through 600 products', () => {
  beforeAll(() => {
    sim.seedProducts(
      SHOP,
      Array.from({ length: 600 }, (_, i) => ({ title: `Product ${i}`, variants: [{ sku: `SKU-${i}`, price: '5.00', available: i }] })),
    );
  });

  it('returns pages of at most 250 until hasNextPage is false, each product once', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    for (;;) {
      const res: Awaited<ReturnType<typeof gql<{ products: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>>> = await gql(
        'query($after: String) { products(first: 250, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      const page = res.body.data!.products;
      sizes.push(page.nodes.length);
      seen.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(sizes).toEqual([250, 250, 100]);
    expect(new Set(seen).size).toBe(600);
  });

  it('orders by UPDATED_AT when asked, newest first with reverse', async () => {
    const [p3] = sim.products(SHOP).filter((p) => p.title === 'Product 3');
    sim.clock.advance(10_000);
    await gql('mutation($id: ID!) { tagsAdd(id: $id, tags: ["recent"]) { userErrors { message } } }', { id: p3.id });
    const res = await gql<{ products: { nodes: { title: string }[] } }>('{ products(first: 2, sortKey: UPDATED_AT, reverse: true) { nodes { title } } }');
    expect(res.body.data!.products.nodes[0].title).toBe('Product 3');
    const oldest = await gql<{ products: { nodes: { title: string }[] } }>('{ products(first: 1, sortKey: UPDATED_AT) { nodes { title } } }');
    expect(oldest.body.data!.products.nodes[0].title).not.toBe('Product 3');
  });

  it('refuses a page larger than 250', async () => {
    const res = await gql('{ products(first: 251) { nodes { id } } }');
    expect((res.body.errors as { message: string }[])[0].message).toMatch(/between 0 and 250/);
  });

  it("filters by sku and by updated_at:>'…'", async () => {
    const bySku = await gql<{ productVariants: { nodes: { sku: string }[] } }>('{ productVariants(first: 5, query: "sku:SKU-42") { nodes { sku } } }');
    expect(bySku.body.data!.productVariants.nodes).toEqual([{ sku: 'SKU-42' }]);

    sim.clock.advance(60_000);
    const since = sim.clock.now().toISOString();
    sim.clock.advance(1_000);
    const [target] = sim.products(SHOP).filter((p) => p.title === 'Product 7');
    await gql('mutation($id: ID!) { tagsAdd(id: $id, tags: ["touched"]) { userErrors { message } } }', { id: target.id });
    const changed = await gql<{ products: { nodes: { title: string; tags: string[] }[] } }>(`{ products(first: 250, query: "updated_at:>'${since}'") { nodes { title tags } } }`);
    expect(changed.body.data!.products.nodes).toEqual([{ title: 'Product 7', tags: ['touched'] }]);
  });
});

describe('when pricing and throttling queries', () => {
  const BURST_SHOP = 'burst.myshopify.com';
  let burst: ReturnType<typeof adminClient>;

  beforeAll(() => {
    sim.createShop({ domain: BURST_SHOP, bucket: { maximumAvailable: 1000, restoreRate: 1 } });
    sim.seedProducts(BURST_SHOP, Array.from({ length: 100 }, (_, i) => ({ title: `P${i}` })));
    burst = adminClient(sim, BURST_SHOP, sim.issueToken(BURST_SHOP).access_token);
  });

  it('reports requested and actual cost with the throttle status on every response', async () => {
    const res = await gql('{ products(first: 10, query: "sku:SKU-1") { nodes { id } } }');
    expect(res.body.extensions!.cost).toMatchObject({ requestedQueryCost: 12, actualQueryCost: 3, throttleStatus: { maximumAvailable: 2000, restoreRate: 100 } });
    expect(res.body.extensions!.cost.throttleStatus.currentlyAvailable).toBeGreaterThan(1900);
  });

  it('throttles the query that no longer fits the bucket and serves it again once the clock moves', async () => {
    const query = '{ products(first: 100) { nodes { id title } } }';
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await burst(query));
    expect(results.slice(0, 9).every((r) => r.body.extensions!.cost.actualQueryCost === 102)).toBe(true);
    const throttled = results[9].body;
    expect(throttled.data).toBeUndefined();
    expect(throttled.errors).toEqual([{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }]);
    expect(throttled.extensions!.cost).toMatchObject({ requestedQueryCost: 102, actualQueryCost: null, throttleStatus: { maximumAvailable: 1000, restoreRate: 1 } });
    expect(throttled.extensions!.cost.throttleStatus.currentlyAvailable).toBeLessThan(102);

    sim.clock.advance(60_000);
    const again = await burst(query);
    expect(again.body.errors).toBeUndefined();
    expect(again.body.extensions!.cost.actualQueryCost).toBe(102);
    expect(sim.calls(BURST_SHOP).counts.throttled).toBe(1);
  });

  it('refuses a single query above 1000 points with MAX_COST_EXCEEDED', async () => {
    const res = await gql('{ products(first: 250) { nodes { variants(first: 100) { nodes { id } } } } }');
    const errors = res.body.errors as { message: string; extensions: Record<string, unknown> }[];
    expect(res.status).toBe(200);
    expect(errors[0].message).toMatch(/^Query cost is 25752, which exceeds the single query max cost limit \(1000\)\./);
    expect(errors[0].extensions).toEqual({ code: 'MAX_COST_EXCEEDED', cost: 25752, maxCost: 1000, documentation: 'https://shopify.dev/api/usage/limits#rate-limits' });
  });
});

describe('when the token lacks a scope', () => {
  it('denies the field with ACCESS_DENIED, which nulls the whole response as the field is non-null', async () => {
    const limited = adminClient(sim, SHOP, sim.issueToken(SHOP, { scope: 'read_products' }).access_token);
    const res = await limited('{ shop { name } products(first: 1) { nodes { id } } orders(first: 1) { nodes { id } } }');
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toEqual([
      {
        message: 'Access denied for orders field. Required access: `read_orders` access scope.',
        locations: [{ line: 1, column: 53 }],
        path: ['orders'],
        extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess: '`read_orders` access scope.' },
      },
    ]);
  });

  it('lists the granted scopes on currentAppInstallation', async () => {
    const limited = adminClient(sim, SHOP, sim.issueToken(SHOP, { scope: 'read_products,write_inventory' }).access_token);
    const res = await limited('{ currentAppInstallation { accessScopes { handle } app { apiKey } } }');
    expect(res.body.data).toEqual({ currentAppInstallation: { accessScopes: [{ handle: 'read_products' }, { handle: 'write_inventory' }], app: { apiKey: 'tandem-client-id' } } });
  });

  it('lets write_x stand for read_x', async () => {
    const writer = adminClient(sim, SHOP, sim.issueToken(SHOP, { scope: 'write_orders' }).access_token);
    expect((await writer('{ orders(first: 1) { nodes { id } } }')).body.errors).toBeUndefined();
  });
});

describe('when the access token is wrong', () => {
  it("answers 401 with Shopify's invalid-token body", async () => {
    const res = await adminClient(sim, SHOP, 'shpat_not-a-real-token')('{ shop { name } }');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
  });

  it("answers 401 when the token belongs to another shop", async () => {
    const other = 'other.myshopify.com';
    sim.createShop({ domain: other });
    const res = await adminClient(sim, SHOP, sim.issueToken(other).access_token)('{ shop { name } }');
    expect(res.status).toBe(401);
  });

  it('serves the real /admin path by Host header', async () => {
    const token = sim.issueToken(SHOP).access_token;
    // fetch() may not set Host, so this goes through node:http.
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${sim.url}/admin/api/2026-10/graphql.json`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': token, Host: SHOP } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ query: '{ shop { myshopifyDomain } }' }));
    });
    expect(JSON.parse(body).data).toEqual({ shop: { myshopifyDomain: SHOP } });
  });
});

describe('when a client looks variants up by SKU', () => {
  let lookupShops = 0;
  it.each([
    ['sku:MUG-1 OR sku:cap-2', ['CAP-2', 'MUG-1']],
    ["sku:'MUG-1' OR sku:NONE", ['MUG-1']],
    ['sku:MUG', []],
    ['sku:MUG* OR sku:CAP-2', ['CAP-2', 'MUG-1', 'MUG-10']],
    ['sku:MUG-1 OR title:S2', ['MUG-1', 'MUG-10']],
  ])('answers %s with exact, case-insensitive matches (or the general search for other terms)', async (query, skus) => {
    const shop = `skus-${++lookupShops}.myshopify.com`;
    sim.createShop({ domain: shop });
    sim.seedProducts(shop, [
      { title: 'Mug', variants: [{ sku: 'MUG-1', price: '5.00', title: 'S1' }, { sku: 'MUG-10', price: '5.00', title: 'S2' }] },
      { title: 'Cap', variants: [{ sku: 'CAP-2', price: '5.00', title: 'S1' }, { sku: 'HAT', price: '5.00', title: 'S3' }] },
    ]);
    const lookup = adminClient(sim, shop, sim.issueToken(shop).access_token);

    const res = await lookup<{ productVariants: { nodes: { sku: string }[] } }>('query($q: String!) { productVariants(first: 50, query: $q) { nodes { sku } } }', { q: query });

    expect(res.body.data!.productVariants.nodes.map((v) => v.sku).sort()).toEqual(skus);
  });
});
