import { getOperationAST, Kind, parse, type FragmentDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { actualCost, requestedCost } from './cost.ts';
import { adminSchema } from './schema.ts';

function cost(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return requestedCost(adminSchema(), getOperationAST(document)!, fragments, variables);
}

// Building the 111k-line schema takes a second or more on a busy machine.
beforeAll(() => {
  adminSchema();
}, 30_000);

describe('when pricing a query from its document', () => {
  it.each([
    ['a scalar on the shop costs the shop object only', '{ shop { name } }', 1],
    ['nested objects cost one each', '{ shop { name plan { shopifyPlus } } }', 2],
    ['a connection costs 2 plus first × one node', '{ products(first: 10) { nodes { id title } } }', 12],
    ['edges { node } is priced like nodes, pageInfo is free', '{ products(first: 10) { edges { cursor node { id } } pageInfo { hasNextPage } } }', 12],
    ['nested connections multiply', '{ products(first: 10) { nodes { variants(first: 5) { nodes { sku } } } } }', 2 + 10 * (1 + 2 + 5)],
    ['each mutation field costs 10', 'mutation { tagsAdd(id: "gid://shopify/Order/1", tags: ["a"]) { userErrors { message } } }', 10],
    ['a fragment on an interface counts its most expensive branch', '{ node(id: "x") { id ... on Product { title } ... on Order { customer { id } } } }', 2],
  ])('%s', (_name, query, expected) => {
    expect(cost(query)).toBe(expected);
  });

  it('reads the page size from variables', () => {
    expect(cost('query($n: Int) { orders(first: $n) { nodes { id } } }', { n: 50 })).toBe(52);
  });

  it('charges only the nodes actually returned', () => {
    const document = parse('{ products(first: 100) { nodes { id } } }');
    const data = { products: { nodes: [{ id: 'a' }, { id: 'b' }] } };
    expect(actualCost(adminSchema(), getOperationAST(document)!, {}, {}, data)).toBe(4);
  });
});
