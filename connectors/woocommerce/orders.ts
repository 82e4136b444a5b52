// Orders and shipments. Tandem's reference rides in the order's meta_data (`tandem_reference`).
// Core WooCommerce cannot filter orders by meta over REST, so the look-up reads recent orders
// newest first (a retry after a crash finds its order on the first page) back to the configured
// look-back. Shipments: see the manifest (no core tracking; meta + customer note + completed).
import { z } from 'zod';
import { Invalid, NotFound } from '../sdk/errors.ts';
import type { ChangedSince, FulfillmentCreateInput, OrderCreateInput, Page, TandemFulfillment, TandemOrder } from '../sdk/types.ts';
import { findVariantsBySku } from './catalog.ts';
import { findCustomer } from './customers.ts';
import { MAX_PER_PAGE, type WooClient } from './client.ts';
import { nextCursor, startOf } from './cursor.ts';
import { FULFILLMENTS_META, fromWooDate, metaValue, REFERENCE_META, shipmentNote, toTandemFulfillment, toTandemOrder, toWooDate, toWooOrder } from './map.ts';
import { WooNote, WooOrder, WooTandemFulfillment } from './schemas.ts';

export async function listChangedOrders(woo: WooClient, changed: ChangedSince): Promise<Page<TandemOrder>> {
  const at = startOf(changed);
  // GET /orders with modified_after, dates_are_gmt, orderby, page, per_page: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-orders
  const { items, totalPages } = await woo.get(
    'orders',
    {
      per_page: MAX_PER_PAGE,
      page: at.page,
      orderby: 'id',
      order: 'asc',
      status: 'any',
      ...(at.since ? { modified_after: toWooDate(new Date(at.since)), dates_are_gmt: true } : {}),
    },
    z.array(WooOrder),
  );
  return { items: items.map(toTandemOrder), nextCursor: items.length === 0 ? null : nextCursor(at, totalPages) };
}

export async function findOrderByReference(woo: WooClient, reference: string, lookbackDays: number): Promise<TandemOrder | null> {
  const since = toWooDate(new Date(Date.now() - lookbackDays * 86_400_000));
  for (let page = 1; ; page++) {
    // GET /orders (newest first by default), modified_after bounds the scan: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-orders
    const { items, totalPages } = await woo.get(
      'orders',
      { per_page: MAX_PER_PAGE, page, status: 'any', modified_after: since, dates_are_gmt: true },
      z.array(WooOrder),
    );
    const match = items.find((o) => metaValue(o.meta_data, REFERENCE_META) === reference);
    if (match) return toTandemOrder(match);
    if (page >= totalPages || items.length === 0) return null;
  }
}

export async function createOrder(woo: WooClient, input: OrderCreateInput, lookbackDays: number): Promise<TandemOrder> {
  const earlier = await findOrderByReference(woo, input.externalReference, lookbackDays);
  if (earlier) return earlier;
  const productIds = await lineProductIds(woo, input);
  // An unknown customer_id is refused, so only an account WooCommerce knows is attached: the one
  // the engine linked, else one found by account id or email.
  const linked = input.customer?.externalId;
  const buyer = linked ? { externalId: linked } : input.customer ? await findCustomer(woo, input.customer) : null;
  // POST /orders (https://woocommerce.github.io/woocommerce-rest-api-docs/#create-an-order). Not retried on a lost answer (it would create twice): the
  // caller's retry comes back here and finds the order by its reference first.
  const order = await woo.send('POST', 'orders', toWooOrder(input, productIds, buyer ? Number(buyer.externalId) : null), WooOrder);
  return toTandemOrder(order);
}

/** The WooCommerce id of each line: the variant Tandem matched, else its SKU when it is unique. */
async function lineProductIds(woo: WooClient, input: OrderCreateInput): Promise<number[]> {
  const unmatched = input.lineItems.filter((l) => !l.variantExternalId).map((l) => l.sku);
  const bySku = unmatched.length ? await findVariantsBySku(woo, unmatched) : new Map();
  return input.lineItems.map((line) => {
    if (line.variantExternalId) return Number(line.variantExternalId);
    const variants = bySku.get(line.sku) ?? [];
    if (variants.length !== 1) {
      const why = variants.length === 0 ? 'no product carries it' : `${variants.length} products carry it`;
      throw Invalid(`WooCommerce ${woo.site}: SKU ${line.sku} of order ${input.externalReference} is ambiguous: ${why}`, { sku: line.sku, matches: variants.length }, {
        connectorId: 'woocommerce',
        merchantMessage: `Tandem could not forward order ${input.externalReference} to WooCommerce: SKU ${line.sku} matches ${variants.length === 0 ? 'no product' : `${variants.length} products`}. Give exactly one product that SKU, then press Retry in Activity.`,
      });
    }
    return Number(variants[0].externalId);
  });
}

async function readOrder(woo: WooClient, orderId: string): Promise<WooOrder> {
  // GET /orders/<id>: https://woocommerce.github.io/woocommerce-rest-api-docs/#retrieve-an-order
  return (await woo.get(`orders/${Number(orderId)}`, {}, WooOrder)).items;
}

function recordedShipments(order: WooOrder): z.infer<typeof WooTandemFulfillment>[] {
  const parsed = z.array(WooTandemFulfillment).safeParse(metaValue(order.meta_data, FULFILLMENTS_META) ?? []);
  return parsed.success ? parsed.data : [];
}

export async function listFulfillments(woo: WooClient, orderId: string): Promise<TandemFulfillment[]> {
  const order = await readOrder(woo, orderId);
  const recorded = recordedShipments(order).map((f) => toTandemFulfillment(order.id, f));
  if (recorded.length > 0 || order.status !== 'completed') return recorded;
  // Completed in wp-admin without Tandem: shipped, but core WooCommerce holds no tracking for it.
  return [
    {
      externalId: `${order.id}-completed`,
      orderExternalId: String(order.id),
      createdAt: fromWooDate(order.date_modified_gmt),
      lines: order.line_items.map((l) => ({ sku: (l.sku || null) as TandemFulfillment['lines'][number]['sku'], quantity: l.quantity, lineExternalId: String(l.id) })),
      carrier: null,
      trackingNumber: null,
      trackingUrl: null,
    },
  ];
}

export async function createFulfillment(woo: WooClient, input: FulfillmentCreateInput): Promise<TandemFulfillment> {
  const order = await readOrder(woo, input.orderExternalId);
  const recorded = recordedShipments(order);
  const shipped = new Map<number, number>();
  for (const f of recorded) for (const l of f.lines) shipped.set(l.lineId, (shipped.get(l.lineId) ?? 0) + l.quantity);
  const open = (lineId: number) => (order.line_items.find((l) => l.id === lineId)?.quantity ?? 0) - (shipped.get(lineId) ?? 0);

  const lines = (input.lines.length > 0 ? input.lines : order.line_items.map((l) => ({ sku: null, quantity: open(l.id), lineExternalId: String(l.id) })))
    .map((wanted) => {
      const line = order.line_items.find((l) => (wanted.lineExternalId ? String(l.id) === wanted.lineExternalId : l.sku === wanted.sku));
      if (!line) throw NotFound(`WooCommerce order ${order.number} has no line ${wanted.lineExternalId ?? wanted.sku}`, { connectorId: 'woocommerce' });
      return { lineId: line.id, sku: line.sku || null, quantity: Math.min(wanted.quantity, open(line.id)) };
    })
    .filter((l) => l.quantity > 0);

  if (lines.length === 0) {
    // Everything asked for is shipped already: this is a retry. Return what was recorded, making
    // sure the buyer's note went out (a crash may have come between the two writes).
    const earlier = recorded.find((f) => f.trackingNumber === input.trackingNumber) ?? recorded.at(-1);
    if (!earlier) throw Invalid(`WooCommerce order ${order.number} has nothing left to ship`, undefined, { connectorId: 'woocommerce' });
    if (input.notifyCustomer !== false) await ensureNote(woo, order.id, earlier);
    return toTandemFulfillment(order.id, earlier);
  }

  const fulfillment = {
    id: `${order.id}-${recorded.length + 1}`,
    createdAt: new Date().toISOString(),
    carrier: input.carrier,
    trackingNumber: input.trackingNumber,
    trackingUrl: input.trackingUrl,
    lines,
  };
  const allShipped = order.line_items.every((l) => open(l.id) - (lines.find((x) => x.lineId === l.id)?.quantity ?? 0) <= 0);
  // PUT /orders/<id> with meta_data, and status "completed" once all is shipped: https://woocommerce.github.io/woocommerce-rest-api-docs/#update-an-order
  await woo.send('PUT', `orders/${order.id}`, {
    meta_data: [{ key: FULFILLMENTS_META, value: [...recorded, fulfillment] }],
    ...(allShipped ? { status: 'completed' } : {}),
  }, WooOrder);
  if (input.notifyCustomer !== false) await addNote(woo, order.id, fulfillment);
  return toTandemFulfillment(order.id, fulfillment);
}

async function ensureNote(woo: WooClient, orderId: number, f: z.infer<typeof WooTandemFulfillment>) {
  // GET /orders/<id>/notes?type=customer: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-order-notes
  const { items } = await woo.get(`orders/${orderId}/notes`, { type: 'customer' }, z.array(WooNote));
  if (!items.some((n) => n.note.includes(`[${f.id}]`))) await addNote(woo, orderId, f);
}

async function addNote(woo: WooClient, orderId: number, f: z.infer<typeof WooTandemFulfillment>) {
  // POST /orders/<id>/notes; customer_note true emails the buyer: https://woocommerce.github.io/woocommerce-rest-api-docs/#create-an-order-note
  await woo.send('POST', `orders/${orderId}/notes`, { note: shipmentNote(f), customer_note: true }, WooNote);
}
