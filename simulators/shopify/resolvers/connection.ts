// Relay cursor pagination as Shopify serves it: `first` or `last` is required, a page holds at
// most 250 nodes (shopify.dev/docs/api/usage/pagination-graphql), cursors are opaque and carry
// the sort value with the id (`{"last_id":…,"last_value":…}`), so a page boundary stays put
// when other records change.
import { GraphQLError } from 'graphql';
import type { GqlContext } from '../context.ts';

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
  sortKey?: string | null;
}

export const MAX_PAGE_SIZE = 250;

type SortValue = string | number;

interface Position {
  id: number;
  value: SortValue;
}

export function encodeCursor(id: number, value: SortValue = id): string {
  return Buffer.from(JSON.stringify({ last_id: id, last_value: value })).toString('base64');
}

function decodeCursor(cursor: string): Position {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { last_id?: unknown; last_value?: unknown };
    if (typeof parsed.last_id === 'number') {
      const value = typeof parsed.last_value === 'string' || typeof parsed.last_value === 'number' ? parsed.last_value : parsed.last_id;
      return { id: parsed.last_id, value };
    }
  } catch {
    // fall through to the error below
  }
  throw new GraphQLError('Invalid cursor for current pagination sort.', { extensions: { code: 'BAD_USER_INPUT' } });
}

function compare(a: Position, b: Position): number {
  if (a.value < b.value) return -1;
  if (a.value > b.value) return 1;
  return a.id - b.id;
}

/**
 * Pages `items` into a connection of `toNode(item)`, ordered by `sortValue` (default: id), ties
 * broken by id; `reverse` flips the order.
 */
export function connection<T extends { id: number }>(ctx: GqlContext, items: T[], args: ConnectionArgs, toNode: (item: T) => unknown, sortValue: (item: T) => SortValue = (item) => item.id) {
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
  const direction = args.reverse ? -1 : 1;
  const positioned = items.map((item) => ({ item, pos: { id: item.id, value: sortValue(item) } }));
  let list = positioned.sort((a, b) => direction * compare(a.pos, b.pos));
  if (after) {
    const from = decodeCursor(after);
    list = list.filter((x) => direction * compare(x.pos, from) > 0);
  }
  if (before) {
    const to = decodeCursor(before);
    list = list.filter((x) => direction * compare(x.pos, to) < 0);
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
  const nodes = page.map((x) => toNode(x.item));
  const cursors = page.map((x) => encodeCursor(x.pos.id, x.pos.value));
  return {
    nodes,
    edges: page.map((_, i) => ({ cursor: cursors[i], node: nodes[i] })),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: cursors[0] ?? null,
      endCursor: cursors[cursors.length - 1] ?? null,
    },
  };
}

/** Sort values for the common sort keys; unknown keys sort by id. */
export function sortBy<T extends { id: number; updatedAt?: string; createdAt?: string; title?: string; processedAt?: string }>(sortKey: string | null | undefined): ((item: T) => SortValue) | undefined {
  switch (sortKey) {
    case 'UPDATED_AT':
      return (item) => item.updatedAt ?? '';
    case 'CREATED_AT':
      return (item) => item.createdAt ?? '';
    case 'PROCESSED_AT':
      return (item) => item.processedAt ?? item.createdAt ?? '';
    case 'TITLE':
      return (item) => (item.title ?? '').toLowerCase();
    default:
      return undefined;
  }
}
