// Real-time oversell protection: an order placed at any linked shop takes its units out of the
// supplier's stock at once and every partner's count follows, before the next customer checks out.
// Handler of the `oversell` job (orders/create webhook of a supplier or a retailer shop).
//
// Deliveries are at-least-once and unordered. The Reservation row per (order, variant) is the
// intent record: the first delivery claims it, the units are netted out of the supplier exactly
// once (quantity > 0 marks that), and a repeat finds the work done and changes nothing.
import { Conflict } from '../../connectors/sdk/errors.ts';
import type { Connection, Listing, Partnership, SourceVariant } from '../generated/prisma/client.ts';
import { claimReservations, isPending, orderKeyOf, reservationsOf } from './reservations.server.ts';
import { partnerConnection, partnerRef, phaseDone, processStockLock, stockConnector, supplierRef, type StockConnector, type StockContext } from './stock-context.server.ts';
import { applyStockChanges } from './stock-writes.server.ts';
import { savePushed } from './inventory-push.server.ts';

/** Orders Tandem forwards carry a reference starting with this (`tandem:<retailer shop>:<order id>`). */
export const TANDEM_ORDER_REFERENCE_PREFIX = 'tandem:';

export interface OversellOrderLine {
  sku: string | null;
  /** The platform's variant id on the shop where the order was placed. */
  variantExternalId: string | null;
  quantity: number;
}

/** The part of a `TandemOrder` the guard reads (a TandemOrder fits). */
export interface OversellOrder {
  externalId: string;
  lineItems: OversellOrderLine[];
  /** Set when Tandem created the order (a forwarded copy): its stock is already accounted for. */
  externalReference?: string | null;
  tags?: string[];
}

export interface OversellInput {
  /** The myshopify (or platform account) domain where the order was placed. */
  shopDomain: string;
  order: OversellOrder;
}

export type OversellPhase = 'resolve' | 'claim' | 'read' | 'net' | 'push';

export interface OversellSummary {
  orderKey: string;
  /** protected: stock moved; duplicate: an earlier delivery did it; ignored: nothing to protect. */
  outcome: 'protected' | 'duplicate' | 'ignored';
  reason?: string;
  /** Supplier variants the order touched. */
  variants: number;
  /** Partner shops whose counts were written. */
  partnersUpdated: number;
  /** Supplier variants whose stock Tandem wrote (retailer orders only: the supplier's platform took its own sales). */
  supplierWrites: number;
  /** New supplier count per supplier variant id. */
  counts: Record<string, number>;
  errors: string[];
  phasesMs: Partial<Record<OversellPhase, number>> & { total: number };
}

interface Sale {
  variant: SourceVariant & { connection: Connection };
  /** Units sold at a retailer (to net out of the supplier); 0 for a sale at the supplier. */
  retailerUnits: number;
  supplierUnits: number;
}

type PartnerListing = Listing & { partnership: Partnership };

export async function protectAgainstOversell(ctx: StockContext, input: OversellInput): Promise<OversellSummary> {
  const started = performance.now();
  const orderKey = orderKeyOf(input.shopDomain, input.order.externalId);
  const summary: OversellSummary = { orderKey, outcome: 'ignored', variants: 0, partnersUpdated: 0, supplierWrites: 0, counts: {}, errors: [], phasesMs: { total: 0 } };
  let mark = started;
  const timed = async (phase: OversellPhase) => {
    const now = performance.now();
    summary.phasesMs[phase] = Math.round((now - mark) * 10) / 10;
    mark = now;
    await phaseDone(ctx, phase);
  };
  const finish = (outcome: OversellSummary['outcome'], reason?: string) => {
    summary.outcome = outcome;
    if (reason) summary.reason = reason;
    summary.phasesMs.total = Math.round((performance.now() - started) * 10) / 10;
    return summary;
  };

  if (isTandemOrder(input.order)) return finish('ignored', 'Tandem created this order; its stock was taken when the original sold');
  const { shopId, sales, listings } = await resolveSales(ctx, input);
  summary.variants = sales.size;
  await timed('resolve');
  if (sales.size === 0) return finish('ignored', 'No line of this order is a protected supplier variant');

  const ids = [...sales.keys()].sort();
  const { claimed } = await claimReservations(ctx.db, orderKey, ids);
  await timed('claim');

  const lock = ctx.lock ?? processStockLock;
  return lock(ids, async () => {
    // A delivery that arrives after the order was forwarded (the hourly pull got there first): the
    // supplier's own copy of the order took those units, so they are never netted again.
    await settleForwardedSales(ctx, orderKey, input, sales);
    // Re-read under the lock: a concurrent delivery of the same order may have finished meanwhile.
    const reservations = await reservationsOf(ctx.db, orderKey);
    const pending = new Set(reservations.filter((r) => ids.includes(r.sourceVariantId) && isPending(r)).map((r) => r.sourceVariantId));
    const fresh = await ctx.db.sourceVariant.findMany({ where: { id: { in: ids } }, select: { id: true, available: true } });
    const known = new Map(fresh.map((v) => [v.id, v.available]));
    const current = await ctx.db.listing.findMany({ where: { id: { in: listings.map((l) => l.id) } }, include: { partnership: true } });
    const partnersInSync = current.every((l) => l.lastPushedQuantity === Math.max(0, known.get(l.sourceVariantId) ?? 0));
    if (pending.size === 0 && partnersInSync) return finish(claimed.length ? 'protected' : 'duplicate', 'Every unit is reserved and every partner shows the supplier count');

    // One read of every variant on the order per supplier connection.
    const bySupplier = groupBy([...sales.values()], (s) => s.variant.connectionId);
    const supplierCounts = new Map<string, number>();
    const connectors = new Map<string, StockConnector>();
    await Promise.all(
      [...bySupplier.values()].map(async (group) => {
        const connector = await stockConnector(ctx, group[0]!.variant.connection);
        connectors.set(group[0]!.variant.connectionId, connector);
        const levels = await connector.readInventory(group.map((s) => supplierRef(s.variant)));
        const byRef = new Map(levels.map((l) => [l.variant.variantId, l.available]));
        for (const s of group) {
          const available = byRef.get(s.variant.externalVariantId);
          if (available === undefined) summary.errors.push(`The supplier no longer has ${s.variant.sku ?? s.variant.externalVariantId}`);
          else supplierCounts.set(s.variant.id, available);
        }
      }),
    );
    await timed('read');

    // What each supplier variant shows once this order's retail units are out: the partners are
    // written that figure while the supplier's own write is under way (two round trips after the
    // read, not three). Should the supplier's compare-and-swap find its figure moved meanwhile (a
    // sale there), the partners are written again below with the figure it ended at.
    const planned = new Map(supplierCounts);
    for (const s of sales.values()) {
      const shown = supplierCounts.get(s.variant.id);
      if (s.retailerUnits > 0 && pending.has(s.variant.id) && shown !== undefined) planned.set(s.variant.id, netOut(shown, s.retailerUnits));
    }

    // Every partner listing these variants, in parallel: one write call per partner store.
    const inPlay = current.filter((l) => supplierCounts.has(l.sourceVariantId));
    // Looked up together: one after another they were a database round trip per partner.
    const partnerships = new Map(inPlay.map((l) => [l.partnershipId, l.partnership]));
    const stores = new Map<string, Connection | null>(await Promise.all([...partnerships].map(async ([id, p]) => [id, await partnerConnection(ctx.db, p)] as const)));
    for (const [partnershipId, store] of stores) if (!store) summary.errors.push(`Partnership ${partnershipId}: the partner has no active store connection`);
    const updatedPartners = new Set<string>();
    const now = ctx.now?.() ?? new Date();
    /** Writes `counts` to the partners' listings; `sold` tells where this order already took its units. */
    const pushToPartners = (listings: PartnerListing[], counts: Map<string, number>, sold: (l: PartnerListing, shopOfStore: string) => number) =>
      Promise.all(
        [...groupBy(listings.filter((l) => stores.get(l.partnershipId)), (l) => stores.get(l.partnershipId)!.id).values()].map(async (group) => {
          const connection = stores.get(group[0]!.partnershipId)!;
          const connector = await stockConnector(ctx, connection);
          const result = await applyStockChanges(
            connector,
            group.map((l) => ({
              variant: partnerRef(l),
              expected: l.lastPushedQuantity === null ? null : l.lastPushedQuantity - sold(l, connection.shopId),
              target: () => Math.max(0, counts.get(l.sourceVariantId)!),
            })),
          );
          const applied = new Set(result.applied.map((a) => a.variantId));
          if (result.applied.length > 0) updatedPartners.add(connection.id);
          // One statement per partner (a transaction of row updates was three round trips, and eleven
          // of them at once queued on the connection pool).
          await savePushed(
            ctx.db,
            group.filter((l) => applied.has(l.partnerVariantId!)).map((l) => ({ id: l.id, quantity: Math.max(0, counts.get(l.sourceVariantId)!) })),
            now,
          );
          if (result.unresolved.length > 0) {
            await ctx.db.$transaction(
              result.unresolved.map((u) =>
                ctx.db.listing.updateMany({
                  where: { partnershipId: { in: group.map((l) => l.partnershipId) }, partnerVariantId: u.change.variant.variantId },
                  data: u.reason === 'missing' ? { lastError: 'The partner store no longer has this variant' } : { quantityDrift: true },
                }),
              ),
            );
          }
          for (const u of result.unresolved) summary.errors.push(`Partner ${connection.externalAccount}: ${u.reason === 'missing' ? 'no such variant' : 'stock kept changing'} (${u.change.variant.sku ?? u.change.variant.variantId})`);
        }),
      );

    // Retailer sales come out of the supplier's count once, with compare-and-swap.
    const netRetailSales = async () => {
      for (const [connectionId, group] of bySupplier) {
        const toNet = group.filter((s) => s.retailerUnits > 0 && pending.has(s.variant.id) && supplierCounts.has(s.variant.id));
        if (toNet.length === 0) continue;
        const result = await applyStockChanges(
          connectors.get(connectionId)!,
          toNet.map((s) => ({ variant: supplierRef(s.variant), expected: supplierCounts.get(s.variant.id)!, verified: true, target: (shown: number) => (shown <= 0 ? shown : shown - s.retailerUnits) })),
        );
        const byRef = new Map(result.applied.map((a) => [a.variantId, a]));
        const netted = toNet.filter((s) => byRef.has(s.variant.externalVariantId));
        summary.supplierWrites += result.applied.filter((a) => a.from !== a.to).length;
        for (const s of netted) supplierCounts.set(s.variant.id, byRef.get(s.variant.externalVariantId)!.to);
        // Recorded at once: from here a re-run must never net these units again.
        await ctx.db.$transaction([
          ...netted.map((s) => ctx.db.reservation.update({ where: { orderKey_sourceVariantId: { orderKey, sourceVariantId: s.variant.id } }, data: { quantity: s.retailerUnits } })),
          ...netted.map((s) => ctx.db.sourceVariant.update({ where: { id: s.variant.id }, data: { available: supplierCounts.get(s.variant.id)! } })),
        ]);
        if (result.unresolved.length > 0) {
          throw Conflict(`Supplier stock kept moving while netting order ${orderKey}; retrying`, { details: { variants: result.unresolved.map((u) => u.change.variant.variantId) } });
        }
      }
      await ctx.db.$transaction([...supplierCounts].map(([id, available]) => ctx.db.sourceVariant.update({ where: { id }, data: { available } })));
    };

    // The shop where the order was placed already took the units off its own count.
    const soldByThisOrder = (l: PartnerListing, shopOfStore: string) => (shopOfStore === shopId ? (sales.get(l.sourceVariantId)?.retailerUnits ?? 0) : 0);
    // Both settle before either failure is thrown, so no write is left running behind the lock.
    const [netting, pushing] = await Promise.allSettled([netRetailSales(), pushToPartners(inPlay, planned, soldByThisOrder)]);
    if (netting.status === 'rejected') throw netting.reason;
    if (pushing.status === 'rejected') throw pushing.reason;
    await timed('net');

    const moved = new Set([...supplierCounts].filter(([id, count]) => planned.get(id) !== count).map(([id]) => id));
    if (moved.size > 0) {
      // The partners now show what was written above (the order's units included): read those rows again.
      const again = await ctx.db.listing.findMany({ where: { id: { in: inPlay.filter((l) => moved.has(l.sourceVariantId)).map((l) => l.id) } }, include: { partnership: true } });
      await pushToPartners(again, supplierCounts, () => 0);
    }
    summary.partnersUpdated = updatedPartners.size;
    // Supplier sales are complete once the partners follow: mark their holds.
    const supplierSold = [...sales.values()].filter((s) => s.supplierUnits > 0 && pending.has(s.variant.id));
    if (supplierSold.length > 0) {
      await ctx.db.$transaction(
        supplierSold.map((s) => ctx.db.reservation.update({ where: { orderKey_sourceVariantId: { orderKey, sourceVariantId: s.variant.id } }, data: { quantity: s.supplierUnits } })),
      );
    }
    summary.counts = Object.fromEntries(supplierCounts);
    await timed('push');
    return finish(claimed.length > 0 || pending.size > 0 ? 'protected' : 'duplicate');
  });
}

/** A supplier count after `units` sold at a retailer: never below zero, and one already at or below zero is left as it is. */
function netOut(shown: number, units: number): number {
  return shown <= 0 ? shown : Math.max(0, shown - units);
}

/**
 * Marks the holds of retailer sales whose supplier already has the forwarded order CONSUMED (as
 * forwarding does with a hold it used), so they are not netted: the supplier's platform took the
 * units when Tandem created the order there.
 */
async function settleForwardedSales(ctx: StockContext, orderKey: string, input: OversellInput, sales: Map<string, Sale>) {
  const forwarded = await ctx.db.orderLink.findMany({
    where: { retailerOrderId: input.order.externalId, supplierOrderId: { not: null }, partnership: { retailer: { domain: input.shopDomain } } },
    select: { partnership: { select: { supplierShopId: true } } },
  });
  if (forwarded.length === 0) return;
  const suppliers = new Set(forwarded.map((l) => l.partnership.supplierShopId));
  const taken = [...sales.values()].filter((s) => s.retailerUnits > 0 && suppliers.has(s.variant.connection.shopId)).map((s) => s.variant.id);
  if (taken.length === 0) return;
  await ctx.db.reservation.updateMany({ where: { orderKey, sourceVariantId: { in: taken }, state: 'HELD', quantity: 0 }, data: { state: 'CONSUMED' } });
}

function isTandemOrder(order: OversellOrder): boolean {
  if (order.externalReference?.startsWith(TANDEM_ORDER_REFERENCE_PREFIX)) return true;
  return (order.tags ?? []).some((t) => t.startsWith(`tandem-ref:${TANDEM_ORDER_REFERENCE_PREFIX}`));
}

/**
 * Each line → the supplier variant it sells. At a retailer: through its Listing (variant id first,
 * then a SKU held by exactly one listing); at the supplier: its own SourceVariant. Lines of a
 * partnership with oversell protection off, and supplier variants no protected partner lists,
 * are left out.
 */
async function resolveSales(ctx: StockContext, input: OversellInput): Promise<{ shopId: string | null; sales: Map<string, Sale>; listings: PartnerListing[] }> {
  const sales = new Map<string, Sale>();
  const shop = await ctx.db.shop.findUnique({ where: { domain: input.shopDomain }, select: { id: true } });
  if (!shop) return { shopId: null, sales, listings: [] };
  const lines = input.order.lineItems.filter((l) => l.quantity > 0);
  const variantIds = lines.flatMap((l) => (l.variantExternalId ? [l.variantExternalId] : []));
  const skus = lines.flatMap((l) => (l.sku ? [l.sku] : []));
  if (lines.length === 0) return { shopId: shop.id, sales, listings: [] };

  const atRetailer = await ctx.db.listing.findMany({
    where: {
      partnership: { retailerShopId: shop.id, status: 'ACTIVE' },
      approval: { not: 'REJECTED' },
      OR: [{ partnerVariantId: { in: variantIds } }, { partnerSku: { in: skus } }],
    },
    include: { partnership: { select: { oversellProtection: true } }, sourceVariant: { include: { connection: true } } },
  });
  const supplierConnections = await ctx.db.connection.findMany({ where: { shopId: shop.id }, select: { id: true } });
  const atSupplier = await ctx.db.sourceVariant.findMany({
    where: {
      connectionId: { in: supplierConnections.map((c) => c.id) },
      deletedAt: null,
      OR: [{ externalVariantId: { in: variantIds } }, { sku: { in: skus } }],
    },
    include: { connection: true },
  });

  const add = (variant: Sale['variant'], retailerUnits: number, supplierUnits: number) => {
    const sale = sales.get(variant.id) ?? { variant, retailerUnits: 0, supplierUnits: 0 };
    sale.retailerUnits += retailerUnits;
    sale.supplierUnits += supplierUnits;
    sales.set(variant.id, sale);
  };
  for (const line of lines) {
    const listing =
      atRetailer.find((l) => line.variantExternalId && l.partnerVariantId === line.variantExternalId) ??
      only(atRetailer.filter((l) => line.sku && l.partnerSku === line.sku));
    if (listing) {
      if (listing.partnership.oversellProtection && !listing.sourceVariant.deletedAt) add(listing.sourceVariant, line.quantity, 0);
      continue;
    }
    const own =
      atSupplier.find((v) => line.variantExternalId && v.externalVariantId === line.variantExternalId) ?? only(atSupplier.filter((v) => line.sku && v.sku === line.sku));
    if (own) add(own, 0, line.quantity);
  }

  const listings = sales.size
    ? await ctx.db.listing.findMany({
        where: {
          sourceVariantId: { in: [...sales.keys()] },
          partnerVariantId: { not: null },
          approval: { not: 'REJECTED' },
          partnership: { status: 'ACTIVE', oversellProtection: true },
        },
        include: { partnership: true },
      })
    : [];
  // A supplier sale matters only where a protected partner lists the variant.
  for (const [id, sale] of sales) {
    if (sale.retailerUnits === 0 && !listings.some((l) => l.sourceVariantId === id)) sales.delete(id);
  }
  return { shopId: shop.id, sales, listings: listings.filter((l) => sales.has(l.sourceVariantId)) };
}

function only<T>(items: T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}
