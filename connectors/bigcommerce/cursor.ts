// BigCommerce pages by page number (`page`, `limit`) within a `date_modified:min` window.
import { pageCursors } from '../sdk/page-cursor.ts';

export type { PageCursor as PullCursor } from '../sdk/page-cursor.ts';
export const { encodeCursor, decodeCursor, startOf, nextCursor } = pageCursors('bigcommerce', 'BigCommerce');
