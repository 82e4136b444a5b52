// Supplier shipments back to the retailer's order, with carrier and tracking. The Fulfillment row
// per (order, supplier shipment) is written before the retailer write and marked pushed after; a
// retried write of the same lines finds the retailer's earlier fulfillment (SDK contract), so a
// crash in between copies each shipment once.
import { z } from 'zod';
import { requireCapability } from '../../connectors/sdk/connector.ts';
import type { FulfillmentWriter } from '../../connectors/sdk/capabilities.ts';
import type { FulfillmentCreateInput, Sku, TandemFulfillment } from '../../connectors/sdk/types.ts';
import type { Fulfillment, OrderState } from '../generated/prisma/client.ts';
import type { SyncContext } from './connections.server.ts';
import { sourceConnectionOf, targetConnectionOf } from './listings.server.ts';
import { OrderContent } from './order-diagnosis.server.ts';

/** What a Fulfillment row's `lines` holds: the retailer's lines this shipment fulfilled. */
const ShippedLines = z.array(z.object({ sku: z.string().nullable(), quantity: z.number().int(), retailerLineId: z.string().nullable() }));
type ShippedLines = z.infer<typeof ShippedLines>;

/** A forwarded order ships whatever its system of record did with it (posted, or waiting to be posted by hand). */
const SHIPPING: OrderState[] = ['FORWARDED', 'POSTED', 'NEEDS_MANUAL_POSTING', 'PARTIALLY_FULFILLED'];

export interface FulfillmentPushResult {
  /** Orders whose supplier shipments were read. */
  orders: number;
  /** Supplier shipments copied to the retailer in this run. */
  pushed: number;
  /** Shipments Tandem could not place on a retailer line (recorded in Fulfillment.lastError). */
  unmatched: number;
  fulfilledOrders: number;
}

/**
 * fulfillments.push (hourly and on the supplier's fulfillments webhook): for each order sent to the
 * supplier and not yet fully shipped, copies every new supplier shipment to the retailer's order,
 * oldest first, then moves the order to PARTIALLY_FULFILLED or FULFILLED.
 */
export interface FulfillmentPushOptions {
  /** Only these supplier orders (the supplier's fulfillments webhook names its order). */
  supplierOrderIds?: string[];
}

export async function pushFulfillments(ctx: SyncContext, partnershipId: string, options: FulfillmentPushOptions = {}): Promise<FulfillmentPushResult> {
  const result: FulfillmentPushResult = { orders: 0, pushed: 0, unmatched: 0, fulfilledOrders: 0 };
  const partnership = await ctx.db.partnership.findUniqueOrThrow({ where: { id: partnershipId } });
  const orders = await ctx.db.orderLink.findMany({
    where: { partnershipId, state: { in: SHIPPING }, supplierOrderId: options.supplierOrderIds ? { in: options.supplierOrderIds } : { not: null } },
    orderBy: { forwardedAt: 'asc' },
  });
  if (orders.length === 0) return result;
  const reader = requireCapability(await ctx.connectorFor(await sourceConnectionOf(ctx.db, partnership)), 'fulfillments.read');
  const writer = requireCapability(await ctx.connectorFor(await targetConnectionOf(ctx.db, partnership)), 'fulfillments.write');

  for (const order of orders) {
    ctx.signal?.throwIfAborted();
    result.orders++;
    const content = OrderContent.parse(order.content);
    const shipments = (await reader.listFulfillments(order.supplierOrderId!)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const rows = await ctx.db.fulfillment.findMany({ where: { orderLinkId: order.id }, orderBy: { createdAt: 'asc' } });
    const known = new Map(rows.map((r) => [r.supplierFulfillmentId, r]));

    for (const shipment of shipments) {
      let row = known.get(shipment.externalId);
      if (row?.pushedAt) continue;
      row ??= await recordIntent(ctx, order.id, shipment, allocate(shipment, openRetailerLines(content, [...known.values()].filter((r) => r.pushedAt))));
      known.set(shipment.externalId, row);
      // The intent row decides the lines (a concurrent run that wrote it first decided them).
      const lines = ShippedLines.parse(row.lines);
      const unplaced = shipment.lines.reduce((s, l) => s + l.quantity, 0) - lines.reduce((s, l) => s + l.quantity, 0);
      if (unplaced > 0) {
        result.unmatched++;
        const lastError = `Supplier shipment ${shipment.externalId} has ${unplaced} unit(s) Tandem could not match by SKU to an open line of retailer order ${content.name}.`;
        await ctx.db.fulfillment.update({ where: { id: row.id }, data: { lastError } });
        if (lines.length === 0) continue;
      }
      const pushed = await copyShipment(ctx, writer, row.id, {
        orderExternalId: order.retailerOrderId,
        lines: lines.map((l) => ({ sku: l.sku as Sku | null, quantity: l.quantity, lineExternalId: l.retailerLineId })),
        carrier: shipment.carrier,
        trackingNumber: shipment.trackingNumber,
        trackingUrl: shipment.trackingUrl,
        notifyCustomer: true,
      }, unplaced === 0);
      known.set(shipment.externalId, pushed.row);
      if (!pushed.copied) continue;
      result.pushed++;
      const tracking = [shipment.carrier, shipment.trackingNumber].filter(Boolean).join(' ');
      await ctx.db.orderEvent.create({ data: { orderLinkId: order.id, state: order.state, message: `Shipment copied to the retailer's order ${content.name}${tracking ? ` with tracking ${tracking}` : ''}.`, at: ctx.now() } });
    }

    // From the rows as stored, so two runs copying different shipments agree on the end state.
    const state = shippingState(content, await ctx.db.fulfillment.findMany({ where: { orderLinkId: order.id, pushedAt: { not: null } } }));
    if (state !== 'FORWARDED') {
      const moved = await ctx.db.orderLink.updateMany({ where: { id: order.id, state: { in: SHIPPING.filter((s) => s !== state) } }, data: { state } });
      if (moved.count === 1) {
        await ctx.db.orderEvent.create({ data: { orderLinkId: order.id, state, message: state === 'FULFILLED' ? `Every line of order ${content.name} has shipped.` : `Part of order ${content.name} has shipped.`, at: ctx.now() } });
      }
    }
    if (state === 'FULFILLED') result.fulfilledOrders++;
  }
  return result;
}

/**
 * The retailer write under the Fulfillment row's lock: a second run waits, then finds it pushed.
 * (A crash after the write rolls the record back; the retry's write of the same lines returns the
 * retailer's earlier fulfillment, per the SDK contract.)
 */
async function copyShipment(ctx: SyncContext, writer: FulfillmentWriter, rowId: string, input: FulfillmentCreateInput, clearError: boolean): Promise<{ row: Fulfillment; copied: boolean }> {
  return ctx.db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Fulfillment" WHERE id = ${rowId} FOR UPDATE`;
      const current = await tx.fulfillment.findUniqueOrThrow({ where: { id: rowId } });
      if (current.pushedAt) return { row: current, copied: false };
      const created = await writer.createFulfillment(input);
      const row = await tx.fulfillment.update({ where: { id: rowId }, data: { retailerFulfillmentId: created.externalId, pushedAt: ctx.now(), ...(clearError ? { lastError: null } : {}) } });
      return { row, copied: true };
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

/** Units of each retailer line not yet covered by a copied shipment. */
function openRetailerLines(content: OrderContent, pushed: Fulfillment[]) {
  const shipped = new Map<string, number>();
  for (const row of pushed) for (const l of ShippedLines.parse(row.lines)) if (l.retailerLineId) shipped.set(l.retailerLineId, (shipped.get(l.retailerLineId) ?? 0) + l.quantity);
  return content.lineItems
    .filter((l) => l.externalId !== null)
    .map((l) => ({ sku: l.sku, retailerLineId: l.externalId!, open: Math.max(0, l.quantity - (shipped.get(l.externalId!) ?? 0)) }));
}

/** Places the supplier's shipped units on the retailer's open lines with the same SKU, in order. */
function allocate(shipment: TandemFulfillment, open: ReturnType<typeof openRetailerLines>): ShippedLines {
  const left = open.map((l) => ({ ...l }));
  const placed = new Map<string, ShippedLines[number]>();
  for (const line of shipment.lines) {
    let units = line.quantity;
    for (const target of left) {
      if (units === 0) break;
      if (target.sku === null || target.sku !== line.sku || target.open === 0) continue;
      const take = Math.min(units, target.open);
      target.open -= take;
      units -= take;
      const entry = placed.get(target.retailerLineId) ?? { sku: target.sku, quantity: 0, retailerLineId: target.retailerLineId };
      entry.quantity += take;
      placed.set(target.retailerLineId, entry);
    }
  }
  return [...placed.values()];
}

/** The intent row, before the retailer write; a concurrent run that wrote it first wins. */
async function recordIntent(ctx: SyncContext, orderLinkId: string, shipment: TandemFulfillment, lines: ShippedLines): Promise<Fulfillment> {
  await ctx.db.fulfillment.createMany({
    data: [{ orderLinkId, supplierFulfillmentId: shipment.externalId, carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, trackingUrl: shipment.trackingUrl, lines }],
    skipDuplicates: true,
  });
  return ctx.db.fulfillment.findUniqueOrThrow({ where: { orderLinkId_supplierFulfillmentId: { orderLinkId, supplierFulfillmentId: shipment.externalId } } });
}

function shippingState(content: OrderContent, pushed: Fulfillment[]): OrderState {
  const open = openRetailerLines(content, pushed);
  const ordered = content.lineItems.reduce((s, l) => s + l.quantity, 0);
  const remaining = open.reduce((s, l) => s + l.open, 0);
  if (pushed.length === 0 || remaining === ordered) return 'FORWARDED';
  return remaining === 0 ? 'FULFILLED' : 'PARTIALLY_FULFILLED';
}
