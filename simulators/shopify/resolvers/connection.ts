// Relay cursor pagination as Shopify serves it: `first` or `last` is required, a page holds at
// most 250 nodes (shopify.dev/docs/api/usage/pagination-graphql), cursors are opaque.
import { GraphQLError } from 'graphql';
import type { GqlContext } from '../context.ts';

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export const MAX_PAGE_SIZE = 250;

export function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ last_id: id })).toString('base64');
}

function decodeCursor(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { last_id?: unknown };
    if (typeof parsed.last_id === 'number') return parsed.last_id;
  } catch {
    // fall through to the error below
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Pages `items` (records with numeric ids, in id order) into a connection of `toNode(item)`. */
export function connection<T extends { id: number }>(ctx: GqlContext, items: T[], args: ConnectionArgs, toNode: (item: T) => unknown) {
  const { first, last, after, before } = args;
  if (!ctx.bulk) {
    if ((first === null || first === undefined) && (last === null || last === undefined)) {
      throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    for (const [name, value] of [['first', first], ['last', last]] as const) {
      if (typeof value === 'number' && (value > MAX_PAGE_SIZE || value < 0)) {
        throw new GraphQLError(`The ${name} argument must be between 0 and ${MAX_PAGE_SIZE}.`, { extensions: { code: 'BAD_USER_INPUT' } });
      }
    }
  }
  let list = [...items].sort((a, b) => a.id - b.id);
  if (args.reverse) list.reverse();
  const ahead = (a: number, b: number) => (args.reverse ? a < b : a > b);
  if (after) {
    const afterId = decodeCursor(after);
    list = list.filter((i) => ahead(i.id, afterId));
  }
  if (before) {
    const beforeId = decodeCursor(before);
    list = list.filter((i) => ahead(beforeId, i.id));
  }
  let page = list;
  let hasNextPage = false;
  let hasPreviousPage = false;
  if (!ctx.bulk && typeof first === 'number') {
    page = list.slice(0, first);
    hasNextPage = list.length > first;
    hasPreviousPage = Boolean(after);
  } else if (!ctx.bulk && typeof last === 'number') {
    page = list.slice(Math.max(0, list.length - last));
    hasPreviousPage = list.length > last;
    hasNextPage = Boolean(before);
  }
  const nodes = page.map(toNode);
  const edges = page.map((item, i) => ({ cursor: encodeCursor(item.id), node: nodes[i] }));
  return {
    nodes,
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: page.length ? encodeCursor(page[0].id) : null,
      endCursor: page.length ? encodeCursor(page[page.length - 1].id) : null,
    },
  };
}
