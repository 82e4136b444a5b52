// Shopify's requested query cost, computed before sending so the budget can be spent first:
// scalar/enum 0, object 1, connection 2 + first × (one node), each mutation root field 10
// (shopify.engineering/rate-limiting-graphql-apis-calculating-query-complexity; contracts README).
// Without the schema we recognise connections by their `first`/`last` argument, and list fields
// of objects count once, as Shopify's static analysis does.
import { Kind, parse, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

const MUTATION_COST = 10;
const parsed = new Map<string, DocumentNode>();

export function requestedCost(document: string, variables: Record<string, unknown> = {}): number {
  let doc = parsed.get(document);
  if (!doc) {
    doc = parse(document);
    parsed.set(document, doc);
  }
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  const operation = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return 0;
  if (operation.operation === 'mutation') {
    return MUTATION_COST * Math.max(1, operation.selectionSet.selections.filter((s) => s.kind === Kind.FIELD && s.name.value !== '__typename').length);
  }
  return selectionCost(operation.selectionSet, fragments, variables);
}

function selectionCost(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>): number {
  let total = 0;
  let branches = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (!sel.selectionSet) continue;
      const size = pageSize(sel.arguments?.map((a) => [a.name.value, a.value] as const) ?? [], variables);
      if (size === undefined) {
        total += 1 + selectionCost(sel.selectionSet, fragments, variables);
      } else {
        total += 2 + size * (1 + nodeCost(sel.selectionSet, fragments, variables));
      }
      continue;
    }
    const inner = sel.kind === Kind.FRAGMENT_SPREAD ? fragments[sel.name.value]?.selectionSet : sel.selectionSet;
    if (!inner) continue;
    // A fragment on a narrower type is one possible branch; Shopify charges the most expensive one.
    if (sel.kind === Kind.INLINE_FRAGMENT && sel.typeCondition) branches = Math.max(branches, selectionCost(inner, fragments, variables));
    else total += selectionCost(inner, fragments, variables);
  }
  return total + branches;
}

/** One node's cost inside a connection: under `nodes { … }` and `edges { node { … } }`. */
function nodeCost(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>): number {
  let total = 0;
  for (const sel of set.selections) {
    if (sel.kind !== Kind.FIELD || !sel.selectionSet) continue;
    if (sel.name.value === 'nodes') total += selectionCost(sel.selectionSet, fragments, variables);
    if (sel.name.value === 'edges') {
      for (const e of sel.selectionSet.selections) {
        if (e.kind === Kind.FIELD && e.name.value === 'node' && e.selectionSet) total += selectionCost(e.selectionSet, fragments, variables);
      }
    }
  }
  return total;
}

function pageSize(args: ReadonlyArray<readonly [string, ValueNode]>, variables: Record<string, unknown>): number | undefined {
  for (const [name, value] of args) {
    if (name !== 'first' && name !== 'last') continue;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) return Number(variables[value.name.value] ?? 0);
  }
  return undefined;
}
