import { describe, expect, it } from 'vitest';
import type { OrderRoute, OrderRouting } from '../../../app/sync/order-routing-answer.ts';
import { blockView, isOrderRouting, orderRoutingPath, routeView } from './model.ts';

/** Elm Retail's order #1001, sent to Dune Supply as #2002 and partly shipped (the retailer's view). */
function route(overrides: Partial<OrderRoute> = {}): OrderRoute {
  return {
    orderLinkId: 'link-1',
    direction: 'sent',
    partner: 'Dune Supply',
    retailerOrderName: '#1001',
    supplierPlatform: 'Shopify',
    supplierOrderName: '#2002',
    supplierOrderId: 'gid://shopify/Order/777',
    systemOfRecordId: null,
    state: 'PARTIALLY_FULFILLED',
    forwardedAt: '2026-11-23T15:05:00.000Z',
    forwardedExact: 'Nov 23, 2026, 10:05 AM EST',
    failure: null,
    fulfillments: [],
    events: [],
    ...overrides,
  };
}

const routing = (...routes: OrderRoute[]): OrderRouting => ({ orderId: 'gid://shopify/Order/501', routes });

describe('when the block finds the order on its page', () => {
  it.each([
    ['gid://shopify/Order/5512345678', '/api/orders/5512345678/routing'],
    ['gid://shopify/DraftOrder/5', null],
    ['5512345678', null],
    [undefined, null],
  ])('turns %s into the path %s', (gid, path) => {
    expect(orderRoutingPath(gid)).toBe(path);
  });

  it('accepts only answers shaped like the app’s', () => {
    expect(isOrderRouting(routing())).toBe(true);
    expect(isOrderRouting({ errors: { id: ['x'] } })).toBe(false);
  });
});

describe('when a retailer looks at an order it sold', () => {
  it('names the supplier, its order and platform, the system of record and when it was sent', () => {
    expect(routeView(route({ systemOfRecordId: 'SO-88' }))).toEqual({
      key: 'link-1',
      heading: 'Sent to Dune Supply',
      badge: { label: 'Partly shipped', tone: 'info' },
      facts: [
        { label: "Order at Dune Supply's Shopify", value: '#2002' },
        { label: 'Supplier system of record', value: 'SO-88' },
        { label: 'Sent', value: 'Nov 23, 2026, 10:05 AM EST' },
      ],
      failure: null,
      shipments: [],
      history: [],
    });
  });

  it('falls back to the supplier order id when its name is not known', () => {
    expect(routeView(route({ supplierOrderName: null, supplierPlatform: 'WooCommerce', supplierOrderId: '4512' })).facts[0]).toEqual({ label: "Order at Dune Supply's WooCommerce", value: '4512' });
  });

  it('shows why a failed order did not go through and what to do', () => {
    const failed = route({
      state: 'FAILED',
      supplierOrderName: null,
      supplierOrderId: null,
      forwardedAt: null,
      forwardedExact: null,
      failure: { reason: 'SKU mismatch', message: 'Order #1002 from Elm Retail was not sent to Dune Supply: no Dune Supply variant carries this SKU.', fix: 'Give the Dune Supply variant the SKU the order carries again.' },
    });
    const view = routeView(failed);
    expect(view.badge).toEqual({ label: 'Not sent', tone: 'critical' });
    expect(view.facts).toEqual([]);
    expect(view.failure).toEqual({ heading: 'SKU mismatch', message: 'Order #1002 from Elm Retail was not sent to Dune Supply: no Dune Supply variant carries this SKU.', fix: 'Give the Dune Supply variant the SKU the order carries again.' });
  });

  it.each([
    ['RECEIVED', 'Waiting to send', 'info'],
    ['FORWARDED', 'With supplier', 'info'],
    ['POSTED', 'In supplier system', 'info'],
    ['FULFILLED', 'Shipped', 'success'],
    ['NEEDS_MANUAL_POSTING', 'Enter by hand', 'warning'],
    ['CANCELLED', 'Cancelled', 'neutral'],
  ] as const)('words the state %s as "%s"', (state, label, tone) => {
    expect(routeView(route({ state })).badge).toEqual({ label, tone });
  });

  it('lists each shipment with its tracking and whether it reached this order', () => {
    const view = routeView(
      route({
        fulfillments: [
          { carrier: 'UPS', trackingNumber: '1Z999', trackingUrl: 'https://ups.example/1Z999', lines: [{ sku: 'SHIRT-S', quantity: 1 }], sentToRetailerAt: '2026-11-24T09:00:00.000Z', lastError: null },
          { carrier: null, trackingNumber: null, trackingUrl: null, lines: [{ sku: null, quantity: 2 }], sentToRetailerAt: null, lastError: 'The order line was removed.' },
          { carrier: 'DHL', trackingNumber: 'JD01', trackingUrl: null, lines: [], sentToRetailerAt: null, lastError: null },
        ],
      }),
    );
    expect(view.shipments).toEqual([
      { text: 'UPS 1Z999 · 1 × SHIRT-S', trackingUrl: 'https://ups.example/1Z999', status: 'Added to this order', tone: 'success' },
      { text: 'No tracking number · 2 × item without SKU', trackingUrl: null, status: 'Not on this order yet: The order line was removed.', tone: 'critical' },
      { text: 'DHL JD01', trackingUrl: null, status: 'Waiting for the next tracking update', tone: 'info' },
    ]);
  });

  it('tells the history newest first with the time in the shop’s zone', () => {
    const view = routeView(
      route({
        events: [
          { at: '2026-11-23T15:05:00.000Z', exact: 'Nov 23, 2026, 10:05 AM EST', state: 'FORWARDED', message: 'Sent to Dune Supply as order #2002 (gid://shopify/Order/777).' },
          { at: '2026-11-23T15:00:00.000Z', exact: 'Nov 23, 2026, 10:00 AM EST', state: 'RECEIVED', message: 'Received order #1001 from the retailer (1 line for this supplier).' },
        ],
      }),
    );
    expect(view.history).toEqual([
      'Nov 23, 2026, 10:05 AM EST: Sent to Dune Supply as order #2002 (gid://shopify/Order/777).',
      'Nov 23, 2026, 10:00 AM EST: Received order #1001 from the retailer (1 line for this supplier).',
    ]);
  });
});

describe('when a supplier looks at the order Tandem placed in its store', () => {
  it('names the retailer and its order, and says the tracking went to them', () => {
    const view = routeView(
      route({
        direction: 'received',
        partner: 'Elm Retail',
        state: 'FORWARDED',
        fulfillments: [{ carrier: 'UPS', trackingNumber: '1Z999', trackingUrl: null, lines: [], sentToRetailerAt: null, lastError: 'Elm Retail removed the line.' }],
      }),
    );
    expect(view.heading).toBe('Placed for Elm Retail');
    expect(view.badge).toEqual({ label: 'Placed by Tandem', tone: 'info' });
    expect(view.facts).toEqual([
      { label: "Elm Retail's order", value: '#1001' },
      { label: 'Sent', value: 'Nov 23, 2026, 10:05 AM EST' },
    ]);
    expect(view.shipments[0]!.status).toBe("Not on Elm Retail's order yet: Elm Retail removed the line.");
  });
});

describe('when the block sums the order up', () => {
  it('says Tandem did not route an order with no partner products', () => {
    expect(blockView(routing())).toEqual({ summary: 'Not routed by Tandem', routes: [], empty: 'Tandem did not route this order: none of its products comes from a partner.' });
  });

  it('shows the one route’s state when collapsed', () => {
    expect(blockView(routing(route({ state: 'FULFILLED' }))).summary).toBe('Shipped');
  });

  it('counts suppliers and those needing action when the order went to several', () => {
    const view = blockView(routing(route(), route({ orderLinkId: 'link-2', partner: 'Birch Co', state: 'FAILED' }), route({ orderLinkId: 'link-3', state: 'NEEDS_MANUAL_POSTING' })));
    expect(view.summary).toBe('3 suppliers, 2 need action');
    expect(view.routes.map((r) => r.heading)).toEqual(['Sent to Dune Supply', 'Sent to Birch Co', 'Sent to Dune Supply']);
    expect(blockView(routing(route(), route({ orderLinkId: 'link-2' }))).summary).toBe('2 suppliers');
  });
});
