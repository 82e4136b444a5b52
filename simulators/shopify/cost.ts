// Query cost from the document, as Shopify prices it (contracts README "cost and throttling";
// shopify.engineering/rate-limiting-graphql-apis-calculating-query-complexity):
// scalar/enum 0, object 1, interface/union the most expensive branch, connection
// 2 + first × (cost of one node), each mutation field 10. The same walk over the response data
// (counting the nodes actually returned) gives the actual cost that is charged.
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isLeafType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export const MAX_SINGLE_QUERY_COST = 1000;
const MUTATION_COST = 10;

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** The requested cost: connections priced at the page size asked for. */
export function requestedCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown> = {}): number {
  if (operation.operation === 'mutation') return MUTATION_COST * rootFieldCount(operation);
  const root = schema.getQueryType();
  if (!root) return 0;
  return selectionCost({ schema, fragments, variables }, operation.selectionSet, root, undefined);
}

/** The actual cost: the same rules over the data returned (null data = nothing charged). */
export function actualCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>, data: unknown): number {
  if (operation.operation === 'mutation') return MUTATION_COST * rootFieldCount(operation);
  const root = schema.getQueryType();
  if (!root || !data) return 0;
  return selectionCost({ schema, fragments, variables }, operation.selectionSet, root, data as Record<string, unknown>);
}

function rootFieldCount(operation: OperationDefinitionNode) {
  return operation.selectionSet.selections.filter((s) => s.kind === Kind.FIELD && s.name.value !== '__typename').length || 1;
}

/** Fields selected on `parent`, with fragments flattened; abstract parents keep each branch apart. */
function collect(w: Walk, set: SelectionSetNode, parent: GraphQLCompositeType, into: { common: FieldNode[]; branches: Map<string, FieldNode[]> }) {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      into.common.push(sel);
      continue;
    }
    const frag = sel.kind === Kind.FRAGMENT_SPREAD ? w.fragments[sel.name.value] : sel;
    if (!frag) continue;
    const cond = frag.typeCondition?.name.value;
    if (!cond || cond === parent.name) {
      collect(w, frag.selectionSet, parent, into);
    } else {
      const branch = into.branches.get(cond) ?? [];
      const sub = { common: branch, branches: into.branches };
      collect(w, frag.selectionSet, parent, sub);
      into.branches.set(cond, branch);
    }
  }
}

function selectionCost(w: Walk, set: SelectionSetNode, parent: GraphQLCompositeType, data: Record<string, unknown> | undefined): number {
  const into = { common: [] as FieldNode[], branches: new Map<string, FieldNode[]>() };
  collect(w, set, parent, into);
  let total = fieldsCost(w, into.common, parent, data);
  if (into.branches.size) {
    const typename = data?.__typename as string | undefined;
    let branchCost = 0;
    for (const [typeName, fields] of into.branches) {
      const type = w.schema.getType(typeName);
      if (!type || !isCompositeType(type)) continue;
      if (data && typename && typename !== typeName && !isAbstractType(type)) continue;
      branchCost = Math.max(branchCost, fieldsCost(w, fields, type, data));
    }
    total += branchCost;
  }
  return total;
}

function fieldsCost(w: Walk, fields: FieldNode[], parent: GraphQLCompositeType, data: Record<string, unknown> | undefined): number {
  if (!('getFields' in parent)) return 0;
  const defs = parent.getFields();
  let total = 0;
  for (const field of fields) {
    const def = defs[field.name.value];
    if (!def) continue;
    const key = field.alias?.value ?? field.name.value;
    total += fieldCost(w, field, def, data ? (data[key] as unknown) : undefined, data !== undefined);
  }
  return total;
}

function fieldCost(w: Walk, field: FieldNode, def: GraphQLField<unknown, unknown>, value: unknown, actual: boolean): number {
  const named = getNamedType(def.type);
  if (isLeafType(named) || !field.selectionSet) return 0;
  if (!isCompositeType(named)) return 0;
  if (named.name.endsWith('Connection') && 'getFields' in named && 'edges' in named.getFields()) {
    return 2 + connectionNodesCost(w, field, named, value, actual);
  }
  if (actual) {
    if (value === null || value === undefined) return 0;
    const items = Array.isArray(value) ? value : [value];
    return items.reduce((sum: number, item) => sum + 1 + (item && typeof item === 'object' ? selectionCost(w, field.selectionSet!, named, item as Record<string, unknown>) : 0), 0);
  }
  return 1 + selectionCost(w, field.selectionSet, named, undefined);
}

/** first/last × one node's cost (requested), or the sum over the nodes returned (actual). */
function connectionNodesCost(w: Walk, field: FieldNode, connection: GraphQLCompositeType, value: unknown, actual: boolean): number {
  if (!('getFields' in connection)) return 0;
  const fields = connection.getFields();
  const nodeType = getNamedType(fields.nodes?.type ?? fields.edges.type);
  const edgeNodeType = 'getFields' in nodeType && (nodeType as GraphQLCompositeType & { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields().node ? getNamedType((nodeType as unknown as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields().node.type) : nodeType;
  if (!isCompositeType(edgeNodeType)) return 0;
  const inner = { common: [] as FieldNode[], branches: new Map<string, FieldNode[]>() };
  collect(w, field.selectionSet!, connection, inner);
  // Node selections: `nodes { … }` and `edges { node { … } }`; pageInfo and cursors are free.
  const nodeSelections: SelectionSetNode[] = [];
  for (const f of inner.common) {
    if (f.name.value === 'nodes' && f.selectionSet) nodeSelections.push(f.selectionSet);
    if (f.name.value === 'edges' && f.selectionSet) {
      const edge = { common: [] as FieldNode[], branches: new Map<string, FieldNode[]>() };
      collect(w, f.selectionSet, getNamedType(fields.edges.type) as GraphQLCompositeType, edge);
      for (const e of edge.common) if (e.name.value === 'node' && e.selectionSet) nodeSelections.push(e.selectionSet);
    }
  }
  if (!actual) {
    const size = pageSize(w, field);
    const perNode = 1 + nodeSelections.reduce((sum, s) => sum + selectionCost(w, s, edgeNodeType, undefined), 0);
    return size * perNode;
  }
  const page = value as { nodes?: Record<string, unknown>[]; edges?: { node?: Record<string, unknown> }[] } | null | undefined;
  const nodes = page?.nodes ?? page?.edges?.map((e) => e.node ?? {}) ?? [];
  return nodes.reduce((sum, node) => sum + 1 + nodeSelections.reduce((s, sel) => s + selectionCost(w, sel, edgeNodeType, node), 0), 0);
}

function pageSize(w: Walk, field: FieldNode): number {
  for (const name of ['first', 'last']) {
    const arg = field.arguments?.find((a) => a.name.value === name);
    if (arg) return Math.max(0, Number(valueOf(w, arg.value)) || 0);
  }
  return 0;
}

function valueOf(w: Walk, node: ValueNode): unknown {
  if (node.kind === Kind.VARIABLE) return w.variables[node.name.value];
  if (node.kind === Kind.INT || node.kind === Kind.FLOAT) return Number(node.value);
  return null;
}
