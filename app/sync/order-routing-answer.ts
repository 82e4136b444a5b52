// The JSON that GET /api/orders/:id/routing answers to the order page's "Tandem routing" admin
// block (extensions/order-routing). Types only: the extension imports them, so this file must
// import nothing.

/** OrderLink.state, as stored. */
export type OrderRouteState =
  | 'RECEIVED'
  | 'FORWARDED'
  | 'POSTED'
  | 'PARTIALLY_FULFILLED'
  | 'FULFILLED'
  | 'FAILED'
  | 'NEEDS_MANUAL_POSTING'
  | 'CANCELLED';

export interface RouteFulfillment {
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  /** [{ sku, quantity }] shipped in this fulfillment. */
  lines: { sku: string | null; quantity: number }[];
  /** When the tracking reached the retailer's order (ISO); null while it has not. */
  sentToRetailerAt: string | null;
  /** Why the tracking has not reached the retailer yet, if it failed. */
  lastError: string | null;
}

export interface RouteEvent {
  at: string;
  /** The time in the shop's time zone: "Nov 23, 2026, 7:05 AM EST". */
  exact: string;
  state: OrderRouteState;
  message: string;
}

/** One supplier's part of the order (an order with two suppliers' products has two routes). */
export interface OrderRoute {
  orderLinkId: string;
  /**
   * `sent`: this shop's sale, sent on to a supplier. `received`: an order Tandem placed in this
   * (supplier's) store for a retailer's sale.
   */
  direction: 'sent' | 'received';
  /** The other shop: the supplier for `sent`, the retailer for `received`. */
  partner: string;
  retailerOrderName: string | null;
  /** Where the supplier order lives ("Shopify", "WooCommerce"), and its name and id there. */
  supplierPlatform: string;
  supplierOrderName: string | null;
  supplierOrderId: string | null;
  /** The supplier's system of record (ERP, accounting) id, once posted there. */
  systemOfRecordId: string | null;
  state: OrderRouteState;
  forwardedAt: string | null;
  forwardedExact: string | null;
  /** Why the order did not go through, and what to do: only for FAILED and NEEDS_MANUAL_POSTING. */
  failure: { reason: string; message: string; fix: string } | null;
  fulfillments: RouteFulfillment[];
  /** The order's history at Tandem, newest first (at most 10). */
  events: RouteEvent[];
}

export interface OrderRouting {
  /** The order's Admin API id (gid://shopify/Order/…). */
  orderId: string;
  routes: OrderRoute[];
}
