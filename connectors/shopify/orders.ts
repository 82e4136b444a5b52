// Orders: incremental pulls, retry-safe creation by Tandem's reference, and fulfillments.
import { Conflict, NotFound } from '../sdk/errors.ts';
import type { ChangedSince, FulfillmentCreateInput, OrderCreateInput, Page, TandemFulfillment, TandemOrder } from '../sdk/types.ts';
import type { ShopifyClient } from './client.ts';
import { updatedSince } from './catalog.ts';
import { ChangedOrders, FulfillmentCreate, OrderCreate, OrderFulfillments, OrderLinesAfter, ORDERS_PAGE, OrdersByQuery } from './documents.ts';
import { searchValue, toShopifyOrderCreate, toTandemFulfillment, toTandemOrder } from './map.ts';
import { ChangedOrdersData, FulfillmentCreateData, OrderCreateData, OrderFulfillmentsData, OrderLinesAfterData, OrdersByQueryData, type ShopifyOrder } from './schemas.ts';

export async function listChangedOrders(client: ShopifyClient, changed: ChangedSince): Promise<Page<TandemOrder>> {
  const data = await client.request(ChangedOrders, { first: ORDERS_PAGE, after: changed.cursor ?? null, query: updatedSince(changed) ?? null }, ChangedOrdersData);
  const items = await Promise.all(data.orders.nodes.map((o) => withAllLines(client, o)));
  return { items, nextCursor: data.orders.pageInfo.hasNextPage ? data.orders.pageInfo.endCursor : null };
}

async function withAllLines(client: ShopifyClient, order: ShopifyOrder): Promise<TandemOrder> {
  const lines = [...order.lineItems.nodes];
  let pageInfo = order.lineItems.pageInfo;
  while (pageInfo.hasNextPage) {
    const more = await client.request(OrderLinesAfter, { id: order.id, after: pageInfo.endCursor }, OrderLinesAfterData);
    if (!more.order) break;
    lines.push(...more.order.lineItems.nodes);
    pageInfo = more.order.lineItems.pageInfo;
  }
  return toTandemOrder(order, lines);
}

export async function findOrderByReference(client: ShopifyClient, externalReference: string): Promise<TandemOrder | null> {
  const data = await client.request(OrdersByQuery, { query: `source_identifier:${searchValue(externalReference)}` }, OrdersByQueryData);
  const order = data.orders.nodes.find((o) => o.sourceIdentifier === externalReference);
  return order ? withAllLines(client, order) : null;
}

/**
 * Looks the reference up first, so a retry after a crash between create and record finds the
 * order. orderCreate itself is not retried here after a timeout: the job retries the whole call,
 * which looks up again.
 */
export async function createOrder(client: ShopifyClient, input: OrderCreateInput): Promise<TandemOrder> {
  const existing = await findOrderByReference(client, input.externalReference);
  if (existing) return existing;
  const doing = `creating the order for ${input.externalReference}`;
  const data = await client.request(
    OrderCreate,
    { order: toShopifyOrderCreate(input), options: { inventoryBehaviour: 'DECREMENT_OBEYING_POLICY', sendReceipt: false, sendFulfillmentReceipt: false } },
    OrderCreateData,
    { doing },
  );
  client.assertNoUserErrors(data.orderCreate?.userErrors, 'TandemOrderCreate', doing);
  const order = data.orderCreate?.order;
  if (!order) throw NotFound(`Shopify returned no order while ${doing}`, { connectorId: 'shopify' });
  return withAllLines(client, order);
}

export async function listFulfillments(client: ShopifyClient, orderExternalId: string): Promise<TandemFulfillment[]> {
  const data = await client.request(OrderFulfillments, { id: orderExternalId }, OrderFulfillmentsData);
  if (!data.order) throw NotFound(`Shopify ${client.shop} has no order ${orderExternalId}`, { connectorId: 'shopify' });
  return data.order.fulfillments.map((f) => toTandemFulfillment(f, orderExternalId));
}

/**
 * Fulfils the requested lines (all open lines when none are listed) across the order's open
 * fulfillment orders. When nothing is left open, the fulfillment already made with the same
 * tracking number is returned: the earlier attempt succeeded.
 */
export async function createFulfillment(client: ShopifyClient, input: FulfillmentCreateInput): Promise<TandemFulfillment> {
  const data = await client.request(OrderFulfillments, { id: input.orderExternalId }, OrderFulfillmentsData);
  const order = data.order;
  if (!order) throw NotFound(`Shopify ${client.shop} has no order ${input.orderExternalId}`, { connectorId: 'shopify' });

  const open = order.fulfillmentOrders.nodes.filter((fo) => fo.status === 'OPEN' || fo.status === 'IN_PROGRESS');
  const wanted = new Map<string, number>();
  for (const line of input.lines) {
    const key = line.lineExternalId ?? line.sku ?? '';
    wanted.set(key, (wanted.get(key) ?? 0) + line.quantity);
  }
  const lineItemsByFulfillmentOrder = open
    .map((fo) => {
      if (input.lines.length === 0) return { fulfillmentOrderId: fo.id };
      const items = fo.lineItems.nodes.flatMap((item) => {
        const key = wanted.has(item.lineItem.id) ? item.lineItem.id : (item.lineItem.sku ?? '');
        const want = wanted.get(key) ?? 0;
        const quantity = Math.min(want, item.remainingQuantity);
        if (quantity <= 0) return [];
        wanted.set(key, want - quantity);
        return [{ id: item.id, quantity }];
      });
      return items.length ? { fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: items } : null;
    })
    .filter((x) => x !== null);

  if (lineItemsByFulfillmentOrder.length === 0) {
    const earlier = order.fulfillments.find((f) => f.trackingInfo.some((t) => t.number === input.trackingNumber));
    if (earlier) return toTandemFulfillment(earlier, order.id);
    throw Conflict(`Shopify order ${order.id} has nothing left to fulfil for these lines`, { connectorId: 'shopify' });
  }

  const doing = `fulfilling order ${order.id}`;
  const created = await client.request(
    FulfillmentCreate,
    {
      fulfillment: {
        lineItemsByFulfillmentOrder,
        notifyCustomer: input.notifyCustomer ?? false,
        trackingInfo: { company: input.carrier, number: input.trackingNumber, url: input.trackingUrl },
      },
    },
    FulfillmentCreateData,
    { doing },
  );
  client.assertNoUserErrors(created.fulfillmentCreate?.userErrors, 'TandemFulfillmentCreate', doing);
  const fulfillment = created.fulfillmentCreate?.fulfillment;
  if (!fulfillment) throw NotFound(`Shopify returned no fulfillment while ${doing}`, { connectorId: 'shopify' });
  return toTandemFulfillment(fulfillment, order.id);
}
