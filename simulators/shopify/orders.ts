// Orders and fulfillment with Shopify's inventory effects (contracts README "Inventory"):
// an order placed takes `available` into `committed`; a fulfillment releases `committed`
// (on_hand falls). One fulfillment order per order, at the location holding the stock.
import { randomUUID } from 'node:crypto';
import { levelAt, primaryLocation, touchLevel } from './catalog.ts';
import { nowIso, type Sim } from './context.ts';
import { fulfillmentPayload, orderPayload } from './payloads.ts';
import { nextId, type AddressRecord, type FulfillmentRecord, type LineItemRecord, type OrderRecord, type ShopRecord, type TrackingRecord } from './state.ts';

export interface NewLineItem {
  variantId?: number | null;
  quantity: number;
  title?: string | null;
  sku?: string | null;
  price?: string | number | null;
  variantTitle?: string | null;
  vendor?: string | null;
}

export interface NewOrder {
  lineItems: NewLineItem[];
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  tags?: string[];
  shippingAddress?: AddressRecord | null;
  billingAddress?: AddressRecord | null;
  customerId?: number | null;
  currencyCode?: string | null;
  sourceIdentifier?: string | null;
  sourceName?: string | null;
  sourceUrl?: string | null;
  poNumber?: string | null;
  financialStatus?: OrderRecord['financialStatus'];
  test?: boolean;
  /** Storefront orders commit stock; orderCreate defaults to BYPASS (schema). */
  inventory: 'commit' | 'bypass';
}

export function createOrder(sim: Sim, shop: ShopRecord, input: NewOrder): OrderRecord {
  const at = nowIso(sim);
  const lineItems: LineItemRecord[] = input.lineItems.map((li) => {
    const variant = li.variantId ? shop.variants.get(li.variantId) : undefined;
    const product = variant ? shop.products.get(variant.productId) : undefined;
    return {
      id: nextId(sim.state),
      variantId: variant?.id ?? null,
      productId: product?.id ?? null,
      sku: variant?.sku ?? li.sku ?? null,
      title: product?.title ?? li.title ?? 'Custom item',
      variantTitle: variant ? (variant.title === 'Default Title' ? null : variant.title) : (li.variantTitle ?? null),
      vendor: product?.vendor ?? li.vendor ?? null,
      quantity: li.quantity,
      price: String(li.price ?? variant?.price ?? '0.00'),
    };
  });
  const number = shop.nextOrderNumber++;
  const order: OrderRecord = {
    id: nextId(sim.state),
    number,
    name: `#${number}`,
    email: input.email ?? null,
    phone: input.phone ?? null,
    note: input.note ?? null,
    tags: input.tags ?? [],
    currencyCode: input.currencyCode ?? shop.currencyCode,
    sourceIdentifier: input.sourceIdentifier ?? null,
    sourceName: input.sourceName ?? null,
    sourceUrl: input.sourceUrl ?? null,
    poNumber: input.poNumber ?? null,
    customerId: input.customerId ?? null,
    shippingAddress: input.shippingAddress ?? null,
    billingAddress: input.billingAddress ?? input.shippingAddress ?? null,
    lineItems,
    financialStatus: input.financialStatus ?? 'PAID',
    test: input.test ?? false,
    createdAt: at,
    updatedAt: at,
    processedAt: at,
    cancelledAt: null,
    closedAt: null,
    committedStock: input.inventory === 'commit',
  };
  shop.orders.set(order.id, order);
  const eventId = randomUUID();
  const location = stockLocation(shop, lineItems);
  const fulfillmentOrderId = nextId(sim.state);
  shop.fulfillmentOrders.set(fulfillmentOrderId, {
    id: fulfillmentOrderId,
    orderId: order.id,
    locationId: location.id,
    status: 'OPEN',
    createdAt: at,
    updatedAt: at,
    lineItems: lineItems.map((li) => ({ id: nextId(sim.state), lineItemId: li.id, totalQuantity: li.quantity, remainingQuantity: li.quantity })),
  });
  if (input.inventory === 'commit') {
    for (const li of lineItems) {
      const variant = li.variantId ? shop.variants.get(li.variantId) : undefined;
      if (!variant) continue;
      const level = levelAt(sim, shop, variant.inventoryItemId, location.id);
      level.available -= li.quantity;
      level.committed += li.quantity;
      touchLevel(sim, shop, level, eventId);
    }
  }
  sim.webhooks.emit(shop, 'orders/create', orderPayload(shop, order), eventId);
  return order;
}

/**
 * The merchant cancels the order in the admin, restocking it: units not yet fulfilled leave
 * `committed` for `available` again, open fulfillment orders are cancelled, and orders/updated
 * fires with cancelled_at set. Cancelling a cancelled order changes nothing.
 */
export function cancelOrder(sim: Sim, shop: ShopRecord, order: OrderRecord): OrderRecord {
  if (order.cancelledAt) return order;
  const at = nowIso(sim);
  const eventId = randomUUID();
  for (const fo of shop.fulfillmentOrders.values()) {
    if (fo.orderId !== order.id || fo.status === 'CLOSED' || fo.status === 'CANCELLED') continue;
    for (const line of fo.lineItems) {
      const li = order.lineItems.find((x) => x.id === line.lineItemId);
      const variant = li?.variantId ? shop.variants.get(li.variantId) : undefined;
      if (variant && order.committedStock && line.remainingQuantity > 0) {
        const level = levelAt(sim, shop, variant.inventoryItemId, fo.locationId);
        level.committed = Math.max(0, level.committed - line.remainingQuantity);
        level.available += line.remainingQuantity;
        touchLevel(sim, shop, level, eventId);
      }
      line.remainingQuantity = 0;
    }
    fo.status = 'CANCELLED';
    fo.updatedAt = at;
  }
  order.cancelledAt = at;
  order.closedAt = at;
  order.updatedAt = at;
  sim.webhooks.emit(shop, 'orders/updated', orderPayload(shop, order), eventId);
  return order;
}

/** The first location stocking every variant of the order, else the primary one. */
function stockLocation(shop: ShopRecord, lineItems: LineItemRecord[]) {
  const itemIds = lineItems.map((li) => (li.variantId ? shop.variants.get(li.variantId)?.inventoryItemId : undefined)).filter((x): x is number => x !== undefined);
  const stocked = shop.locations.find((loc) => loc.isActive && itemIds.length > 0 && itemIds.every((id) => shop.levels.has(`${id}:${loc.id}`)));
  return stocked ?? primaryLocation(shop);
}

export interface FulfillmentRequest {
  lineItemsByFulfillmentOrder: { fulfillmentOrderId: number; fulfillmentOrderLineItems?: { id: number; quantity: number }[] | null }[];
  trackingInfo?: { company?: string | null; number?: string | null; numbers?: string[] | null; url?: string | null; urls?: string[] | null } | null;
}

export class FulfillmentRefused extends Error {
  constructor(
    message: string,
    readonly field: string[],
  ) {
    super(message);
  }
}

/** Fulfils the requested quantities (all remaining when none are listed). */
export function createFulfillment(sim: Sim, shop: ShopRecord, request: FulfillmentRequest): FulfillmentRecord {
  const groups = request.lineItemsByFulfillmentOrder.map((group, i) => {
    const fo = shop.fulfillmentOrders.get(group.fulfillmentOrderId);
    if (!fo) throw new FulfillmentRefused('Fulfillment order does not exist.', ['fulfillment', 'lineItemsByFulfillmentOrder', String(i), 'fulfillmentOrderId']);
    if (fo.status === 'CLOSED' || fo.status === 'CANCELLED') throw new FulfillmentRefused(`Fulfillment order ${fo.id} has an unfulfillable status= ${fo.status.toLowerCase()}.`, ['fulfillment']);
    const picks = group.fulfillmentOrderLineItems?.length
      ? group.fulfillmentOrderLineItems.map((req) => {
          const line = fo.lineItems.find((l) => l.id === req.id);
          if (!line) throw new FulfillmentRefused('Invalid fulfillment order line item id.', ['fulfillment']);
          if (req.quantity <= 0 || req.quantity > line.remainingQuantity) throw new FulfillmentRefused('Invalid fulfillment order line item quantity requested.', ['fulfillment']);
          return { line, quantity: req.quantity };
        })
      : fo.lineItems.filter((l) => l.remainingQuantity > 0).map((line) => ({ line, quantity: line.remainingQuantity }));
    return { fo, picks };
  });
  const orderIds = new Set(groups.map((g) => g.fo.orderId));
  if (orderIds.size !== 1) throw new FulfillmentRefused('All fulfillment orders must belong to the same order.', ['fulfillment']);
  const order = shop.orders.get(groups[0].fo.orderId)!;
  const at = nowIso(sim);
  const eventId = randomUUID();
  const tracking = trackingOf(request.trackingInfo);
  const count = [...shop.fulfillments.values()].filter((f) => f.orderId === order.id).length;
  const fulfillment: FulfillmentRecord = {
    id: nextId(sim.state),
    orderId: order.id,
    locationId: groups[0].fo.locationId,
    name: `${order.name}.${count + 1}`,
    status: 'SUCCESS',
    createdAt: at,
    updatedAt: at,
    tracking,
    lineItems: [],
    fulfillmentOrderIds: groups.map((g) => g.fo.id),
  };
  for (const { fo, picks } of groups) {
    for (const { line, quantity } of picks) {
      line.remainingQuantity -= quantity;
      fulfillment.lineItems.push({ id: nextId(sim.state), lineItemId: line.lineItemId, quantity });
      const li = order.lineItems.find((x) => x.id === line.lineItemId);
      const variant = li?.variantId ? shop.variants.get(li.variantId) : undefined;
      if (variant) {
        const level = levelAt(sim, shop, variant.inventoryItemId, fo.locationId);
        level.committed = Math.max(0, level.committed - quantity);
        touchLevel(sim, shop, level, eventId);
      }
    }
    fo.status = fo.lineItems.every((l) => l.remainingQuantity === 0) ? 'CLOSED' : 'IN_PROGRESS';
    fo.updatedAt = at;
  }
  shop.fulfillments.set(fulfillment.id, fulfillment);
  order.updatedAt = at;
  sim.webhooks.emit(shop, 'fulfillments/create', fulfillmentPayload(shop, fulfillment), eventId);
  sim.webhooks.emit(shop, 'orders/updated', orderPayload(shop, order), eventId);
  return fulfillment;
}

function trackingOf(info: FulfillmentRequest['trackingInfo']): TrackingRecord[] {
  if (!info) return [];
  const numbers = info.numbers?.length ? info.numbers : info.number ? [info.number] : [];
  const urls = info.urls?.length ? info.urls : info.url ? [info.url] : [];
  const n = Math.max(numbers.length, urls.length, info.company ? 1 : 0);
  return Array.from({ length: n }, (_, i) => ({ company: info.company ?? null, number: numbers[i] ?? null, url: urls[i] ?? null }));
}
