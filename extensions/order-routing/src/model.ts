// What the order page's "Tandem routing" block shows, from the app's answer (GET
// /api/orders/:id/routing): per supplier, where the order went, how it stands, what to do if it
// failed, and the tracking. Plain functions: the Preact view only renders them.
import type { OrderRoute, OrderRouteState, OrderRouting, RouteFulfillment } from '../../../app/sync/order-routing-answer.ts';
import { hasArray, legacyId } from '../../shared/app-backend.ts';

export type Tone = 'success' | 'info' | 'warning' | 'critical' | 'neutral';

export interface Fact {
  label: string;
  value: string;
}

export interface Shipment {
  /** "UPS 1Z999 · 1 × SHIRT-S" */
  text: string;
  trackingUrl: string | null;
  /** Whether the tracking reached the retailer's order, or why not. */
  status: string;
  tone: Tone;
}

export interface RouteView {
  key: string;
  /** "Sent to Dune Supply" or "Placed for Elm Retail". */
  heading: string;
  badge: { label: string; tone: Tone };
  facts: Fact[];
  failure: { heading: string; message: string; fix: string } | null;
  shipments: Shipment[];
  /** "Nov 23, 2026, 10:05 AM EST: Sent to Dune Supply as order #2002.", newest first. */
  history: string[];
}

export interface BlockView {
  /** Shown when the merchant collapses the block (Shopify cuts it at 30 characters). */
  summary: string;
  routes: RouteView[];
  /** Why there is nothing to show, when there is nothing. */
  empty: string | null;
}

/** The app's path for the order on this page; null when the page gave no order id. */
export function orderRoutingPath(orderGid: string | undefined): string | null {
  const id = legacyId(orderGid, 'Order');
  return id ? `/api/orders/${id}/routing` : null;
}

export function isOrderRouting(body: unknown): body is OrderRouting {
  return hasArray(body, 'routes');
}

const STATES: Record<OrderRouteState, { label: string; tone: Tone }> = {
  RECEIVED: { label: 'Waiting to send', tone: 'info' },
  FORWARDED: { label: 'With supplier', tone: 'info' },
  POSTED: { label: 'In supplier system', tone: 'info' },
  PARTIALLY_FULFILLED: { label: 'Partly shipped', tone: 'info' },
  FULFILLED: { label: 'Shipped', tone: 'success' },
  FAILED: { label: 'Not sent', tone: 'critical' },
  NEEDS_MANUAL_POSTING: { label: 'Enter by hand', tone: 'warning' },
  CANCELLED: { label: 'Cancelled', tone: 'neutral' },
};

/** States in which someone has to act before the order moves on. */
const NEEDS_ACTION: ReadonlySet<OrderRouteState> = new Set(['FAILED', 'NEEDS_MANUAL_POSTING']);

function facts(route: OrderRoute): Fact[] {
  const list: Fact[] = [];
  if (route.direction === 'received' && route.retailerOrderName) list.push({ label: `${route.partner}'s order`, value: route.retailerOrderName });
  if (route.direction === 'sent') {
    const where = `${route.partner}'s ${route.supplierPlatform}`;
    if (route.supplierOrderName || route.supplierOrderId) list.push({ label: `Order at ${where}`, value: route.supplierOrderName ?? route.supplierOrderId! });
  }
  if (route.systemOfRecordId) list.push({ label: 'Supplier system of record', value: route.systemOfRecordId });
  if (route.forwardedExact) list.push({ label: 'Sent', value: route.forwardedExact });
  return list;
}

function shipment(route: OrderRoute, f: RouteFulfillment): Shipment {
  const tracking = [f.carrier, f.trackingNumber].filter(Boolean).join(' ') || 'No tracking number';
  const lines = f.lines.map((l) => `${l.quantity} × ${l.sku ?? 'item without SKU'}`).join(', ');
  const text = lines ? `${tracking} · ${lines}` : tracking;
  const onOrder = route.direction === 'sent' ? 'Added to this order' : `Sent to ${route.partner}`;
  if (f.sentToRetailerAt) return { text, trackingUrl: f.trackingUrl, status: onOrder, tone: 'success' };
  if (f.lastError) return { text, trackingUrl: f.trackingUrl, status: `Not on ${route.direction === 'sent' ? 'this order' : `${route.partner}'s order`} yet: ${f.lastError}`, tone: 'critical' };
  return { text, trackingUrl: f.trackingUrl, status: 'Waiting for the next tracking update', tone: 'info' };
}

/** One supplier's part of the order, in words. */
export function routeView(route: OrderRoute): RouteView {
  const state = STATES[route.state];
  const badge = route.direction === 'received' && route.state === 'FORWARDED' ? { label: 'Placed by Tandem', tone: 'info' as const } : state;
  return {
    key: route.orderLinkId,
    heading: route.direction === 'sent' ? `Sent to ${route.partner}` : `Placed for ${route.partner}`,
    badge,
    facts: facts(route),
    failure: route.failure ? { heading: route.failure.reason, message: route.failure.message, fix: route.failure.fix } : null,
    shipments: route.fulfillments.map((f) => shipment(route, f)),
    history: route.events.map((e) => `${e.exact}: ${e.message}`),
  };
}

/** The whole block: a route per supplier, and a summary for the collapsed block. */
export function blockView(routing: OrderRouting): BlockView {
  const routes = routing.routes.map(routeView);
  if (routes.length === 0) return { summary: 'Not routed by Tandem', routes, empty: 'Tandem did not route this order: none of its products comes from a partner.' };
  const waiting = routing.routes.filter((r) => NEEDS_ACTION.has(r.state)).length;
  if (routes.length === 1) return { summary: routes[0]!.badge.label, routes, empty: null };
  return { summary: `${routes.length} suppliers${waiting ? `, ${waiting} need action` : ''}`, routes, empty: null };
}
