// Bulk operations (contracts README "Bulk operations"): the query runs over every node (no
// pagination), the result is JSONL with one object per line and connection children as their own
// lines carrying `__parentId`, served by the simulator at `url`; bulk_operations/finish fires.
import { executeSync, Kind, parse, validate, type DocumentNode, type SelectionSetNode } from 'graphql';
import { nowIso, type GqlContext, type Sim } from './context.ts';
import { bulkFinishPayload } from './payloads.ts';
import { rootValue } from './resolvers/root.ts';
import { userError } from './resolvers/user-errors.ts';
import { bulkOperationView } from './resolvers/views.ts';
import { adminSchema } from './schema.ts';
import { nextId, type BulkOperationRecord, type ShopRecord } from './state.ts';

export const MAX_RUNNING_BULK_OPERATIONS = 5;

export function bulkFilePath(shop: ShopRecord, op: BulkOperationRecord) {
  return `/_files/bulk/${encodeURIComponent(shop.domain)}/${op.id}.jsonl`;
}

/** Connection fields in the document, with their depth (1 = top level). */
function connectionDepths(set: SelectionSetNode, depth: number, out: number[]) {
  for (const sel of set.selections) {
    if (sel.kind !== Kind.FIELD || !sel.selectionSet) continue;
    const isConnection = sel.selectionSet.selections.some((s) => s.kind === Kind.FIELD && (s.name.value === 'edges' || s.name.value === 'nodes'));
    if (isConnection) out.push(depth);
    connectionDepths(sel.selectionSet, isConnection ? depth + 1 : depth, out);
  }
}

function checkQuery(query: string): { document: DocumentNode } | { error: string } {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (err) {
    return { error: `Invalid bulk query: ${(err as Error).message}` };
  }
  const errors = validate(adminSchema(), document);
  if (errors.length) return { error: `Invalid bulk query: ${errors[0].message}` };
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!op || op.kind !== Kind.OPERATION_DEFINITION || op.operation !== 'query') return { error: 'Invalid bulk query: a query operation is required' };
  const depths: number[] = [];
  connectionDepths(op.selectionSet, 1, depths);
  if (depths.length === 0) return { error: "Bulk queries must contain at least one connection." };
  if (depths.length > 5) return { error: 'Bulk queries cannot contain more than 5 connections.' };
  if (Math.max(...depths) > 2) return { error: 'Bulk queries cannot contain connections with a nesting depth greater than 2.' };
  return { document };
}

export function runBulkQuery(ctx: GqlContext, args: { query: string; groupObjects?: boolean | null }) {
  const shop = ctx.shop;
  const running = [...shop.bulkOperations.values()].filter((op) => op.status === 'CREATED' || op.status === 'RUNNING');
  if (running.length >= MAX_RUNNING_BULK_OPERATIONS) {
    return { bulkOperation: null, userErrors: [userError(null, `A maximum of ${MAX_RUNNING_BULK_OPERATIONS} bulk operations can run at the same time for this app and shop.`, 'LIMIT_REACHED')] };
  }
  const checked = checkQuery(args.query);
  if ('error' in checked) return { bulkOperation: null, userErrors: [userError(['query'], checked.error, 'INVALID')] };
  const op: BulkOperationRecord = { id: nextId(ctx.sim.state), type: 'QUERY', status: 'CREATED', query: args.query, createdAt: nowIso(ctx.sim), completedAt: null, errorCode: null, objectCount: 0, rootObjectCount: 0, fileSize: null, url: null };
  shop.bulkOperations.set(op.id, op);
  const sim = ctx.sim;
  const start = setTimeout(() => {
    sim.timers.delete(start);
    op.status = 'RUNNING';
    const finish = setTimeout(() => {
      sim.timers.delete(finish);
      completeBulk(sim, shop, op, checked.document, ctx.scopes);
    }, sim.bulkDelayMs);
    sim.timers.add(finish);
  }, 0);
  sim.timers.add(start);
  return { bulkOperation: bulkOperationView(op), userErrors: [] };
}

function completeBulk(sim: Sim, shop: ShopRecord, op: BulkOperationRecord, document: DocumentNode, scopes: ReadonlySet<string>) {
  if (!sim.state.shops.has(shop.domain)) return;
  const ctx: GqlContext = { sim, shop, bulk: true, scopes };
  const result = executeSync({ schema: adminSchema(), document, rootValue: rootValue(ctx), contextValue: ctx });
  op.completedAt = nowIso(sim);
  if (result.errors?.length || !result.data) {
    op.status = 'FAILED';
    op.errorCode = result.errors?.some((e) => e.extensions?.code === 'ACCESS_DENIED') ? 'ACCESS_DENIED' : 'INTERNAL_SERVER_ERROR';
  } else {
    const lines: Record<string, unknown>[] = [];
    let roots = 0;
    for (const value of Object.values(result.data)) {
      const nodes = nodesOf(value);
      if (!nodes) continue;
      for (const node of nodes) {
        roots += 1;
        emit(node as Record<string, unknown>, undefined, lines);
      }
    }
    const body = lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : '');
    shop.bulkFiles.set(op.id, body);
    op.status = 'COMPLETED';
    op.objectCount = lines.length;
    op.rootObjectCount = roots;
    op.fileSize = Buffer.byteLength(body);
    op.url = lines.length ? `${sim.baseUrl()}${bulkFilePath(shop, op)}` : null;
  }
  sim.webhooks.emit(shop, 'bulk_operations/finish', bulkFinishPayload(op));
}

function nodesOf(value: unknown): unknown[] | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as { edges?: { node: unknown }[]; nodes?: unknown[] };
  if (Array.isArray(v.nodes)) return v.nodes;
  if (Array.isArray(v.edges)) return v.edges.map((e) => e.node);
  return null;
}

/** Writes `node` as a line (then its connection children as lines pointing at it). */
function emit(node: Record<string, unknown>, parentId: string | undefined, lines: Record<string, unknown>[]) {
  const line: Record<string, unknown> = {};
  lines.push(line);
  const children: { node: Record<string, unknown> }[] = [];
  Object.assign(line, strip(node, children));
  if (parentId) line.__parentId = parentId;
  const ownId = typeof node.id === 'string' ? node.id : parentId;
  for (const child of children) emit(child.node, ownId, lines);
}

/** Copies an object without its connections, collecting their nodes as children. */
function strip(obj: Record<string, unknown>, children: { node: Record<string, unknown> }[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const nodes = nodesOf(value);
    if (nodes) {
      for (const n of nodes) children.push({ node: n as Record<string, unknown> });
      continue;
    }
    out[key] = value && typeof value === 'object' && !Array.isArray(value) ? strip(value as Record<string, unknown>, children) : value;
  }
  return out;
}
