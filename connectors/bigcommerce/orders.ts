// Orders and shipments over the v2 API (orders.v2.oas2.yml). Tandem's reference is the order's
// `external_order_id`, which v2 can filter on, so a retried create finds the earlier order first.
// A v2 order does not embed its lines or address: each is one more call.
import { z } from 'zod';
import { Invalid, NotFound } from '../sdk/errors.ts';
import type { ChangedSince, FulfillmentCreateInput, OrderCreateInput, Page, TandemFulfillment, TandemOrder } from '../sdk/types.ts';
import { findVariantsBySku, variantsById } from './catalog.ts';
import type { BigCommerceClient } from './client.ts';
import { findCustomer } from './customers.ts';
import { nextCursor, startOf } from './cursor.ts';
import { toConnectorError } from './errors.ts';
import { toBigCommerceCarrier, toBigCommerceDate, toBigCommerceOrder, toTandemFulfillment, toTandemOrder } from './map.ts';
import { BigCommerceOrder, BigCommerceOrderProduct, BigCommerceShipment, BigCommerceShippingAddress } from './schemas.ts';

/** Orders per page: each costs two more calls (lines, address), so a page stays inside one 30 s quota. */
const ORDERS_PER_PAGE = 25;

const linesOf = (bc: BigCommerceClient, orderId: number) =>
  // GET /v2/orders/{order_id}/products (https://developer.bigcommerce.com/docs/rest-management/orders/order-products)
  bc.getV2List(`v2/orders/${orderId}/products`, { limit: 250 }, z.array(BigCommerceOrderProduct));
const addressesOf = (bc: BigCommerceClient, orderId: number) =>
  // GET /v2/orders/{order_id}/shipping_addresses (https://developer.bigcommerce.com/docs/rest-management/orders/order-shipping-addresses)
  bc.getV2List(`v2/orders/${orderId}/shipping_addresses`, {}, z.array(BigCommerceShippingAddress));
const shipmentsOf = (bc: BigCommerceClient, orderId: number) =>
  // GET /v2/orders/{order_id}/shipments (https://developer.bigcommerce.com/docs/rest-management/orders/order-shipments)
  bc.getV2List(`v2/orders/${orderId}/shipments`, { limit: 250 }, z.array(BigCommerceShipment));

async function complete(bc: BigCommerceClient, order: BigCommerceOrder): Promise<TandemOrder> {
  const [lines, addresses] = [await linesOf(bc, order.id), await addressesOf(bc, order.id)];
  return toTandemOrder(order, lines, addresses[0]);
}

export async function listChangedOrders(bc: BigCommerceClient, changed: ChangedSince): Promise<Page<TandemOrder>> {
  const at = startOf(changed);
  // GET /v2/orders?min_date_modified=&sort=id:asc&limit=&page=, 204 when the page is empty
  // (https://developer.bigcommerce.com/docs/rest-management/orders#get-all-orders)
  const orders = await bc.getV2List(
    'v2/orders',
    { limit: ORDERS_PER_PAGE, page: at.page, sort: 'id:asc', ...(at.since ? { min_date_modified: toBigCommerceDate(new Date(at.since)) } : {}) },
    z.array(BigCommerceOrder),
  );
  const items: TandemOrder[] = [];
  for (const order of orders) items.push(await complete(bc, order));
  // v2 sends no page count: a full page may have a successor, a short one does not.
  return { items, nextCursor: orders.length === ORDERS_PER_PAGE ? nextCursor(at, at.page + 1) : null };
}

export async function findOrderByReference(bc: BigCommerceClient, reference: string): Promise<TandemOrder | null> {
  // GET /v2/orders?external_order_id= (https://developer.bigcommerce.com/docs/rest-management/orders#get-all-orders)
  const [order] = await bc.getV2List('v2/orders', { external_order_id: reference, limit: 1 }, z.array(BigCommerceOrder));
  return order ? complete(bc, order) : null;
}

export async function createOrder(bc: BigCommerceClient, input: OrderCreateInput): Promise<TandemOrder> {
  const earlier = await findOrderByReference(bc, input.externalReference);
  if (earlier) return earlier;
  const lines = await placeLines(bc, input);
  // An unknown customer_id is refused, so only an account BigCommerce knows is attached: the one
  // the engine linked, else one found by account id or email.
  const linked = input.customer?.externalId;
  const buyer = linked ? { externalId: linked } : input.customer ? await findCustomer(bc, input.customer) : null;
  // POST /v2/orders (https://developer.bigcommerce.com/docs/rest-management/orders#create-an-order). Not retried on a lost answer (it would create twice): the caller's retry
  // comes back here and finds the order by external_order_id first.
  const order = await bc.send('POST', 'v2/orders', toBigCommerceOrder(input, lines, buyer ? Number(buyer.externalId) : null), BigCommerceOrder);
  return complete(bc, order);
}

/** v2 order lines name product_id and variant_id: from the matched variant, else its SKU when unique. */
async function placeLines(bc: BigCommerceClient, input: OrderCreateInput): Promise<{ productId: number; variantId: number }[]> {
  const known = new Map((await variantsById(bc, input.lineItems.flatMap((l) => (l.variantExternalId ? [l.variantExternalId] : [])))).map((v) => [v.externalId, v]));
  const unmatched = input.lineItems.filter((l) => !l.variantExternalId || !known.has(l.variantExternalId)).map((l) => l.sku);
  const bySku = unmatched.length ? await findVariantsBySku(bc, unmatched) : new Map();
  return input.lineItems.map((line) => {
    const variant = line.variantExternalId ? known.get(line.variantExternalId) : undefined;
    const candidates = variant ? [variant] : (bySku.get(line.sku) ?? []);
    if (candidates.length !== 1) {
      throw toConnectorError({ kind: 'unmatched-line', orderReference: input.externalReference, sku: line.sku, matches: candidates.length }, { storeHash: bc.storeHash });
    }
    return { productId: Number(candidates[0].productExternalId), variantId: Number(candidates[0].externalId) };
  });
}

export async function listFulfillments(bc: BigCommerceClient, orderId: string): Promise<TandemFulfillment[]> {
  const id = Number(orderId);
  const [shipments, lines] = [await shipmentsOf(bc, id), await linesOf(bc, id)];
  return shipments.map((s) => toTandemFulfillment(s, lines));
}

export async function createFulfillment(bc: BigCommerceClient, input: FulfillmentCreateInput): Promise<TandemFulfillment> {
  const id = Number(input.orderExternalId);
  const lines = await linesOf(bc, id);
  if (lines.length === 0) throw NotFound(`BigCommerce store ${bc.storeHash} has no order ${input.orderExternalId}`, { connectorId: 'bigcommerce' });
  const open = (l: (typeof lines)[number]) => l.quantity - l.quantity_shipped;
  const wanted = input.lines.length > 0 ? input.lines : lines.map((l) => ({ sku: null, quantity: open(l), lineExternalId: String(l.id) }));
  const items = wanted
    .map((w) => {
      const line = lines.find((l) => (w.lineExternalId ? String(l.id) === w.lineExternalId : l.sku === w.sku));
      if (!line) throw NotFound(`BigCommerce order ${id} has no line ${w.lineExternalId ?? w.sku}`, { connectorId: 'bigcommerce' });
      return { order_product_id: line.id, quantity: Math.min(w.quantity, open(line)), address: line.order_address_id };
    })
    .filter((i) => i.quantity > 0);

  if (items.length === 0) {
    // Everything asked for is shipped already: a retry. Return the shipment made earlier.
    const shipments = await shipmentsOf(bc, id);
    const earlier = shipments.find((s) => s.tracking_number === (input.trackingNumber ?? '')) ?? shipments.at(-1);
    if (!earlier) throw Invalid(`BigCommerce order ${id} has nothing left to ship`, undefined, { connectorId: 'bigcommerce' });
    return toTandemFulfillment(earlier, lines);
  }
  // POST /v2/orders/{order_id}/shipments with order_address_id, items and tracking
  // (https://developer.bigcommerce.com/docs/rest-management/orders/order-shipments).
  const shipment = await bc.send(
    'POST',
    `v2/orders/${id}/shipments`,
    {
      order_address_id: items[0].address,
      tracking_number: input.trackingNumber ?? '',
      tracking_carrier: toBigCommerceCarrier(input.carrier),
      tracking_link: input.trackingUrl ?? '',
      items: items.map(({ order_product_id, quantity }) => ({ order_product_id, quantity })),
    },
    BigCommerceShipment,
  );
  return toTandemFulfillment(shipment, lines);
}
