// What the supplier charges the retailer for a forwarded order: the supplier order's lines at the
// supplier's (wholesale) price, as the supplier's platform returned them. The invoice to the
// accounting system and the daily Stripe charge both bill through here, so they cannot disagree;
// the retailer's own shelf price (the pricing rule's markup) is never billed.
import type { Money, TandemOrder } from '../../connectors/sdk/types.ts';
import { fromCents, toCents } from './pricing.ts';

export interface WholesaleLine {
  description: string;
  sku: string | null;
  quantity: number;
  unitPrice: Money;
}

/** The supplier order's lines, one per line the supplier's platform holds. */
export function wholesaleLinesOf(supplierOrder: TandemOrder): WholesaleLine[] {
  return supplierOrder.lineItems.map((l) => ({ description: l.title, sku: l.sku, quantity: l.quantity, unitPrice: l.price }));
}

/** Σ quantity × unit price, in whole cents (each unit price rounded half up, as Xero rounds line amounts). */
export function wholesaleTotal(lines: Pick<WholesaleLine, 'quantity' | 'unitPrice'>[]): Money {
  return fromCents(lines.reduce((sum, l) => sum + toCents(l.unitPrice) * l.quantity, 0));
}
