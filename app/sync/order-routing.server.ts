// Where an order went, for the order page's admin block (extensions/order-routing). Seen from the
// shop whose admin shows the order: a retailer sees its sale sent on to each supplier; a supplier
// sees the order Tandem placed in its store and whose sale it was. Only the shop's own side of its
// own partnerships is searched, so another shop's order id finds nothing.
import { z } from 'zod';
import { getConnector } from '../../connectors/index.ts';
import type { Db } from '../db.server.ts';
import type { Alert, Connection, Fulfillment, OrderEvent, OrderLink, Partnership, Shop } from '../generated/prisma/client.ts';
import { orderFailureOf } from './activity.server.ts';
import { exactTime, shopByDomain } from './dashboard.server.ts';
import type { OrderRoute, OrderRouting, RouteFulfillment } from './order-routing-answer.ts';
import { orderFailedKey } from './orders.server.ts';

/** The route's `:id`: the number at the end of the order's Admin API id. */
export const OrderRef = z.object({
  id: z.string().regex(/^[1-9]\d{0,19}$/, 'A Shopify order id is a number, like 5512345678'),
});

export function orderGid(id: string): string {
  return `gid://shopify/Order/${id}`;
}

const EVENTS_SHOWN = 10;

type LoadedLink = OrderLink & {
  partnership: Partnership & { supplier: Shop; retailer: Shop };
  fulfillments: Fulfillment[];
  events: OrderEvent[];
};

const ShippedLines = z.array(z.object({ sku: z.string().nullable(), quantity: z.number().int() }));

/** The order's routes as the shop sees them: its sale sent to suppliers, or its store's order placed for a retailer. */
export async function orderRouting(db: Db, shopDomain: string, orderId: string): Promise<OrderRouting> {
  const shop = await shopByDomain(db, shopDomain);
  const include = {
    partnership: { include: { supplier: true, retailer: true } },
    fulfillments: { orderBy: { createdAt: 'asc' as const } },
    events: { orderBy: { at: 'desc' as const }, take: EVENTS_SHOWN },
  };
  const links: LoadedLink[] = await db.orderLink.findMany({
    where: {
      OR: [
        { retailerOrderId: orderId, partnership: { retailerShopId: shop.id } },
        { supplierOrderId: orderId, partnership: { supplierShopId: shop.id } },
      ],
    },
    include,
    orderBy: { createdAt: 'asc' },
  });
  if (links.length === 0) return { orderId, routes: [] };

  // Forwarding raises `order-failed_<orderLinkId>` at both shops, with the fix (orders.server.ts).
  const alerts = await db.alert.findMany({ where: { shopId: shop.id, key: { in: links.map((l) => orderFailedKey(l.id)) } } });
  const alertFor = new Map(alerts.map((a) => [a.key, a]));
  const sources = await db.connection.findMany({ where: { id: { in: links.map((l) => l.partnership.sourceConnectionId).filter((x): x is string => x !== null) } } });
  const sourceFor = new Map(sources.map((c) => [c.id, c]));

  return {
    orderId,
    routes: links.map((link) => routeOf(link, shop, alertFor.get(orderFailedKey(link.id)), sourceFor)),
  };
}

function routeOf(link: LoadedLink, shop: Shop, alert: Alert | undefined, sourceFor: Map<string, Connection>): OrderRoute {
  const p = link.partnership;
  // In one partnership a shop is either the retailer or the supplier.
  const direction = p.retailerShopId === shop.id ? 'sent' : 'received';
  const partner = direction === 'sent' ? p.supplier : p.retailer;
  // Supplier orders go where the catalog comes from: the partnership's source, else the supplier's Shopify.
  const source = p.sourceConnectionId ? sourceFor.get(p.sourceConnectionId) : undefined;
  const failed = (link.state === 'FAILED' || link.state === 'NEEDS_MANUAL_POSTING') && link.failureReason !== null;
  return {
    orderLinkId: link.id,
    direction,
    partner: partner.name ?? partner.domain,
    retailerOrderName: link.retailerOrderName,
    supplierPlatform: getConnector(source?.platform ?? 'shopify').manifest.name,
    supplierOrderName: link.supplierOrderName,
    supplierOrderId: link.supplierOrderId,
    systemOfRecordId: link.systemOfRecordId,
    state: link.state,
    forwardedAt: link.forwardedAt?.toISOString() ?? null,
    forwardedExact: link.forwardedAt ? exactTime(link.forwardedAt, shop.timezone) : null,
    failure: failed ? orderFailureOf({ failureReason: link.failureReason!, failureDetail: link.failureDetail }, alert) : null,
    fulfillments: link.fulfillments.map(
      (f): RouteFulfillment => ({
        carrier: f.carrier,
        trackingNumber: f.trackingNumber,
        trackingUrl: f.trackingUrl,
        lines: shippedLines(f.lines),
        sentToRetailerAt: f.pushedAt?.toISOString() ?? null,
        lastError: f.lastError,
      }),
    ),
    events: link.events.map((e) => ({ at: e.at.toISOString(), exact: exactTime(e.at, shop.timezone), state: e.state, message: e.message })),
  };
}

function shippedLines(json: unknown): RouteFulfillment['lines'] {
  const parsed = ShippedLines.safeParse(json);
  // A row written by an older engine keeps its tracking; only its line list is left out.
  return parsed.success ? parsed.data.map(({ sku, quantity }) => ({ sku, quantity })) : [];
}
