import { existsSync, readFileSync } from 'node:fs';
import { buildSchema, getVariableValues, Kind, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishingDocuments, toVariantPriceInputs } from './publishing.ts';

const schemaPath = new URL('../../../shared/contracts/shopify/admin-2026-10.graphql', import.meta.url);
const contractsPresent = existsSync(schemaPath);

describe.skipIf(!contractsPresent)('when validating the publishing documents against the Admin 2026-10 schema', () => {
  let schema: GraphQLSchema;
  beforeAll(() => {
    schema = buildSchema(readFileSync(schemaPath, 'utf8'));
  });

  it.each(Object.entries(publishingDocuments))('%s is valid', (_name, document) => {
    expect(validate(schema, parse(document)).map((e) => e.message)).toEqual([]);
  });

  it.each([
    ['ProductActivate', { product: { id: 'gid://shopify/Product/1', status: 'ACTIVE' } }],
    ['PublishablePublish', { id: 'gid://shopify/Product/1', input: [{ publicationId: 'gid://shopify/Publication/2' }] }],
    [
      'VariantPricesUpdate',
      {
        productId: 'gid://shopify/Product/1',
        variants: toVariantPriceInputs([
          { productExternalId: 'gid://shopify/Product/1', variantExternalId: 'gid://shopify/ProductVariant/3', price: '24.99', compareAtPrice: null },
          { productExternalId: 'gid://shopify/Product/1', variantExternalId: 'gid://shopify/ProductVariant/4', price: '19.00', compareAtPrice: '25.00' },
        ]),
      },
    ],
  ] as const)('the %s variables the connector builds are accepted by the schema', (name, variables) => {
    const operation = parse(publishingDocuments[name]).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], JSON.parse(JSON.stringify(variables)));
    expect(coerced.errors?.map((e) => e.message) ?? []).toEqual([]);
  });
});
