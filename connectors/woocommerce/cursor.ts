// WooCommerce pages by offset (`page`, `per_page`) within a `modified_after` window.
import { pageCursors } from '../sdk/page-cursor.ts';

export type { PageCursor as PullCursor } from '../sdk/page-cursor.ts';
export const { encodeCursor, decodeCursor, startOf, nextCursor } = pageCursors('woocommerce', 'WooCommerce');
