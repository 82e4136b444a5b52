import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { buildSchema, getVariableValues, Kind, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { requestedCost } from './cost.ts';
import { allDocuments, ORDERS_PAGE, PRODUCTS_PAGE, VARIANTS_PAGE } from './documents.ts';
import { idempotencyKey } from './inventory.ts';
import { publishingDocuments } from './publishing.ts';
import { toShopifyOrderCreate, toShopifyProductSet } from './map.ts';
import type { Sku } from '../sdk/types.ts';

const schemaPath = new URL('../../../shared/contracts/shopify/admin-2026-10.graphql', import.meta.url);
const contractsPresent = existsSync(schemaPath);
if (!contractsPresent) {
  console.warn(`Skipping Shopify document validation: the Admin schema is not at ${schemaPath.pathname} (contracts folder absent).`);
}

describe.skipIf(!contractsPresent)('when validating every document the Shopify connector sends against the Admin 2026-10 schema', () => {
  let schema: GraphQLSchema;
  beforeAll(() => {
    schema = buildSchema(readFileSync(schemaPath, 'utf8'));
  });

  it.each(Object.entries(allDocuments))('%s is valid', (_name, document) => {
    const errors = validate(schema, parse(document)).map((e) => e.message);
    expect(errors).toEqual([]);
  });

  const sku = 'TEE-BLK-M' as Sku;
  it.each([
    [
      'ProductSet',
      {
        input: toShopifyProductSet({
          externalReference: 'supplier.myshopify.com/gid://shopify/Product/1',
          title: 'Tee',
          description: '<p>Soft</p>',
          vendor: 'Acme',
          tags: ['summer'],
          options: [{ name: 'Size', values: ['M'] }],
          variants: [{ sku, selectedOptions: [{ name: 'Size', value: 'M' }], price: '12.50', compareAtPrice: '15.00', barcode: '123' }],
        }),
        identifier: null,
      },
    ],
    [
      'ProductSet',
      {
        input: toShopifyProductSet(
          {
            externalReference: 'ref-1',
            title: 'Tee',
            description: '',
            options: [{ name: 'Size', values: ['M'] }],
            variants: [{ sku, selectedOptions: [{ name: 'Size', value: 'M' }], price: '13.00' }],
          },
          {
            externalId: 'gid://shopify/Product/1',
            title: 'Tee',
            description: '',
            vendor: null,
            productType: null,
            tags: [],
            images: [],
            options: [{ name: 'Size', values: ['M'] }],
            variants: [
              {
                externalId: 'gid://shopify/ProductVariant/9',
                productExternalId: 'gid://shopify/Product/1',
                sku,
                title: 'M',
                productTitle: 'Tee',
                selectedOptions: [{ name: 'Size', value: 'M' }],
                price: '12.50',
                compareAtPrice: null,
                barcode: null,
                inventoryItemId: null,
                available: null,
                updatedAt: new Date(),
              },
            ],
            externalReference: 'ref-1',
            updatedAt: new Date(),
          },
        ),
        identifier: { id: 'gid://shopify/Product/1' },
      },
    ],
    [
      'OrderCreate',
      {
        order: toShopifyOrderCreate({
          externalReference: 'tandem:retailer.myshopify.com:1001',
          currency: 'USD',
          lineItems: [
            { sku, title: 'Tee', quantity: 2, price: '12.50', variantExternalId: 'gid://shopify/ProductVariant/1' },
            { sku, title: 'Tee', quantity: 1, price: '12.50' },
          ],
          customer: { email: 'buyer@retail.example', accountId: null, firstName: 'Ada', lastName: 'Lovelace' },
          shippingAddress: { name: 'Ada Lovelace', company: null, address1: '1 Main St', address2: null, city: 'Ottawa', province: 'Ontario', provinceCode: 'ON', zip: 'K1A 0B1', country: 'Canada', countryCode: 'CA', phone: null },
          note: 'via Tandem',
          poNumber: 'PO-7',
        }),
        options: { inventoryBehaviour: 'DECREMENT_OBEYING_POLICY', sendReceipt: false, sendFulfillmentReceipt: false },
      },
    ],
    [
      'OrderCreate',
      {
        order: toShopifyOrderCreate({
          externalReference: 'tandem:sor-1',
          currency: 'USD',
          lineItems: [{ sku, title: 'Tee', quantity: 1, price: '12.50' }],
          customer: { email: 'buyer@retail.example', accountId: 'shop-1', externalId: 'gid://shopify/Customer/7' },
        }),
        options: { inventoryBehaviour: 'DECREMENT_OBEYING_POLICY', sendReceipt: false, sendFulfillmentReceipt: false },
      },
    ],
    [
      'InventorySetQuantities',
      (() => {
        const quantities = [{ inventoryItemId: 'gid://shopify/InventoryItem/1', locationId: 'gid://shopify/Location/1', quantity: 4, changeFromQuantity: null }];
        const key = idempotencyKey('a.myshopify.com', 'gid://shopify/Location/1', quantities);
        return { input: { name: 'available', reason: 'correction', referenceDocumentUri: `tandem://inventory-push/${key}`, quantities }, key };
      })(),
    ],
  ] as const)('the %s variables the connector builds are accepted by the schema', (name, variables) => {
    const operation = parse(allDocuments[name]).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], JSON.parse(JSON.stringify(variables)));
    expect(coerced.errors?.map((e) => e.message) ?? []).toEqual([]);
  });
});

// A document added to a module but not to `allDocuments` would skip the check above, so every
// GraphQL template in the connector and the app is found by reading the sources.
describe.skipIf(!contractsPresent)('when a GraphQL document is written anywhere in Tandem', () => {
  const repoRoot = new URL('../../', import.meta.url);
  const shopifyDir = new URL('./', import.meta.url);
  let schema: GraphQLSchema;
  beforeAll(() => {
    schema = buildSchema(readFileSync(schemaPath, 'utf8'));
  });

  const sources = readdirSync(shopifyDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => ({ file: f, text: readFileSync(new URL(f, shopifyDir), 'utf8') }));

  it('validates every exported gql document of the connector against the schema', async () => {
    const checked: string[] = [];
    const problems: string[] = [];
    for (const { file, text } of sources) {
      const names = [...text.matchAll(/export const (\w+) = gql`/g)].map((m) => m[1]);
      if (names.length === 0) continue;
      const module = (await import(new URL(file, shopifyDir).href)) as Record<string, unknown>;
      for (const name of names) {
        const document = module[name];
        if (typeof document !== 'string') {
          problems.push(`${file}: ${name} is not a string`);
          continue;
        }
        problems.push(...validate(schema, parse(document)).map((e) => `${file}: ${name}: ${e.message}`));
        checked.push(name);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toEqual(expect.arrayContaining([...Object.keys(allDocuments), ...Object.keys(publishingDocuments)]));
  });

  it('uses a gql template that is not exported only as a fragment inside an exported one', () => {
    const stray = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/^const (\w+) = gql`/gm)].map((m) => m[1]).filter((name) => !new RegExp(`\\$\\{${name}\\}`).test(text)).map((name) => `${file}: ${name}`),
    );
    expect(stray).toEqual([]);
  });

  it('validates the app’s own #graphql documents against the schema', () => {
    const appFiles = (readdirSync(new URL('app/', repoRoot), { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f) && !f.startsWith('generated'));
    const found: string[] = [];
    const problems: string[] = [];
    for (const file of appFiles) {
      const text = readFileSync(new URL(`app/${file}`, repoRoot), 'utf8');
      for (const m of text.matchAll(/`#graphql\s([^`]*)`/g)) {
        if (m[1].includes('${')) problems.push(`app/${file}: a #graphql document with an interpolation cannot be checked: use variables`);
        else problems.push(...validate(schema, parse(m[1])).map((e) => `app/${file}: ${e.message}`));
        found.push(m[1].trim());
      }
    }
    expect(problems).toEqual([]);
    expect(found).toContain('query TandemShop { shop { ianaTimezone name email } }');
  });
});

describe('when pricing the page queries', () => {
  it.each([
    ['ChangedProducts', allDocuments.ChangedProducts, { first: PRODUCTS_PAGE }],
    ['ChangedVariants', allDocuments.ChangedVariants, { first: VARIANTS_PAGE }],
    ['ChangedOrders', allDocuments.ChangedOrders, { first: ORDERS_PAGE }],
    ['ProductVariantsAfter', allDocuments.ProductVariantsAfter, {}],
    ['OrderFulfillments', allDocuments.OrderFulfillments, {}],
  ])('%s stays under the 1,000-point single-query cap', (_name, document, variables) => {
    const cost = requestedCost(document, variables);
    expect(cost).toBeGreaterThan(0);
    expect(cost).toBeLessThanOrEqual(1000);
  });

  it('charges a connection 2 plus first × one node, and a mutation 10', () => {
    expect(requestedCost('query { products(first: 3) { nodes { id variants(first: 2) { nodes { id } } } } }')).toBe(2 + 3 * (1 + 2 + 2 * 1));
    expect(requestedCost('query($n: Int!) { orders(first: $n) { edges { node { id customer { id } } } } }', { n: 10 })).toBe(2 + 10 * 2);
    expect(requestedCost(allDocuments.InventorySetQuantities)).toBe(10);
  });
});
