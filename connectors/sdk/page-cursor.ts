// The pull cursor of page-numbered REST APIs (WooCommerce, BigCommerce): the window's start plus
// the vendor's page number, opaque to the engine. Pages must be read in id order, not by change
// time: ordering by modification time lets a row changed mid-run move under the pager so its
// neighbour is skipped. In id order rows never move (a change keeps a row inside the
// modified-since window), so resuming from this cursor reads every row once.
import { z } from 'zod';
import { Invalid } from './errors.ts';

const PageCursor = z.object({ since: z.string().nullable(), page: z.number().int().min(1) });
export type PageCursor = z.infer<typeof PageCursor>;

export function pageCursors(connectorId: string, vendorName: string) {
  const encode = (cursor: PageCursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
  const decode = (value: string): PageCursor => {
    try {
      return PageCursor.parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    } catch (err) {
      throw Invalid(`"${value}" is not a ${vendorName} pull cursor`, undefined, { connectorId, cause: err });
    }
  };
  return {
    encodeCursor: encode,
    decodeCursor: decode,
    /** Where a pull starts: the cursor when given, else page 1 of the window from `since`. */
    startOf(changed: { cursor?: string | null; since?: Date | null }): PageCursor {
      if (changed.cursor) return decode(changed.cursor);
      return { since: changed.since ? changed.since.toISOString() : null, page: 1 };
    },
    nextCursor(current: PageCursor, totalPages: number): string | null {
      return current.page < totalPages ? encode({ ...current, page: current.page + 1 }) : null;
    },
  };
}
