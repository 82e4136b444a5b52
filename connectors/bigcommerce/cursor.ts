// The pull cursor: the window's start plus the vendor's page number, opaque to the engine.
// Pages are read in id order, not by change time: BigCommerce pages by page number, and ordering by
// modification time lets a product changed mid-run move under the pager so its neighbour is
// skipped. In id order rows never move (a change keeps it inside a `date_modified:min` window), so
// resuming from this cursor reads every row once.
import { z } from 'zod';
import { Invalid } from '../sdk/errors.ts';

const PullCursor = z.object({ since: z.string().nullable(), page: z.number().int().min(1) });
export type PullCursor = z.infer<typeof PullCursor>;

export function encodeCursor(cursor: PullCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(value: string): PullCursor {
  try {
    return PullCursor.parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
  } catch (err) {
    throw Invalid(`"${value}" is not a BigCommerce pull cursor`, undefined, { connectorId: 'bigcommerce', cause: err });
  }
}

/** Where a pull starts: the cursor when given, else page 1 of the window from `since`. */
export function startOf(changed: { cursor?: string | null; since?: Date | null }): PullCursor {
  if (changed.cursor) return decodeCursor(changed.cursor);
  return { since: changed.since ? changed.since.toISOString() : null, page: 1 };
}

export function nextCursor(current: PullCursor, totalPages: number): string | null {
  return current.page < totalPages ? encodeCursor({ ...current, page: current.page + 1 }) : null;
}
