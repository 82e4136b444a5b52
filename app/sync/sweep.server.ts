// sweep.oldest: re-reads the partner's count of the N least recently synced listings, catching
// drift no webhook or cursor reported (a merchant editing stock by hand, another app), marks
// listings whose partner variant is gone (ghosts), and pushes the supplier's count where it drifted.
// It also reads the price each listing shows: a price edited by hand at the partner is marked as
// drift, which the next Partial price push (the hourly inventory push) writes back.
import type { Sku } from '../../connectors/sdk/types.ts';
import { Prisma, type Db } from '../db.server.ts';
import type { Connection } from '../generated/prisma/client.ts';
import { readSupplierStock, savePushed, counting } from './inventory-push.server.ts';
import { requireCapability } from '../../connectors/sdk/connector.ts';
import { partnerConnection, partnerRef, processStockLock, stockConnector, type StockConnector, type StockContext } from './stock-context.server.ts';
import { applyStockChanges } from './stock-writes.server.ts';

export const GHOST_MESSAGE = 'The partner store no longer has this variant: relist it or remove the listing';

export interface SweepSummary {
  partnershipId: string;
  skipped?: string;
  counts: {
    checked: number;
    /** The partner showed something other than what Tandem last pushed. */
    drifted: number;
    /** Counts written back to the supplier's figure. */
    fixed: number;
    ghosts: number;
    /** Listings whose partner price differs from the one Tandem last pushed. */
    priceDrifted: number;
  };
  apiCalls: number;
  durationMs: number;
}

const SELECT = {
  id: true,
  partnershipId: true,
  sourceVariantId: true,
  partnerVariantId: true,
  partnerInventoryItemId: true,
  partnerSku: true,
  lastPushedQuantity: true,
  lastPushedPrice: true,
  sourceVariant: { select: { id: true, connectionId: true, externalVariantId: true, inventoryItemId: true, sku: true, deletedAt: true } },
} as const;

export async function sweepOldest(ctx: StockContext, partnershipId: string, n: number): Promise<SweepSummary> {
  const started = Date.now();
  const summary: SweepSummary = { partnershipId, counts: { checked: 0, drifted: 0, fixed: 0, ghosts: 0, priceDrifted: 0 }, apiCalls: 0, durationMs: 0 };
  const callsBefore = ctx.usage?.calls;
  const done = (skipped?: string): SweepSummary => {
    // Platform requests when the context meters them (SyncContext.usage), else connector calls.
    if (callsBefore !== undefined && ctx.usage) summary.apiCalls = ctx.usage.calls - callsBefore;
    return { ...summary, ...(skipped ? { skipped } : {}), durationMs: Date.now() - started };
  };
  const partnership = await ctx.db.partnership.findUnique({ where: { id: partnershipId } });
  if (!partnership || partnership.status !== 'ACTIVE') return done('The partnership is not active');
  const connection = await partnerConnection(ctx.db, partnership);
  if (!connection) return done('The partner has no active store connection');

  const listings = await oldest(ctx.db, partnershipId, n);
  if (listings.length === 0) return done();
  summary.counts.checked = listings.length;
  const partner = counting(await stockConnector(ctx, connection), summary);
  const now = ctx.now?.() ?? new Date();

  await (ctx.lock ?? processStockLock)(listings.map((l) => l.sourceVariantId), async () => {
    const levels = await partner.readInventory(listings.map(partnerRef));
    const observed = new Map(levels.map((l) => [l.variant.variantId, l.available]));
    const ghosts = listings.filter((l) => !observed.has(l.partnerVariantId!));
    const present = listings.filter((l) => observed.has(l.partnerVariantId!));
    summary.counts.ghosts = ghosts.length;
    if (ghosts.length > 0) {
      await ctx.db.listing.updateMany({ where: { id: { in: ghosts.map((l) => l.id) } }, data: { lastError: GHOST_MESSAGE, lastSyncedAt: now } });
    }

    const supplier = await readSupplierStock(ctx, present.map((l) => l.sourceVariant), new Map<string, StockConnector>(), summary);
    const drifted = present.filter((l) => observed.get(l.partnerVariantId!) !== l.lastPushedQuantity);
    summary.counts.drifted = drifted.length;
    // Record what the partner shows before fixing it, so a failed fix leaves the drift visible.
    await ctx.db.$transaction(
      present.map((l) =>
        ctx.db.listing.update({
          where: { id: l.id },
          data: { observedQuantity: observed.get(l.partnerVariantId!)!, quantityDrift: drifted.includes(l), lastSyncedAt: now },
        }),
      ),
    );

    const wrong = present.filter((l) => supplier.has(l.sourceVariantId) && observed.get(l.partnerVariantId!) !== Math.max(0, supplier.get(l.sourceVariantId)!));
    const result = await applyStockChanges(
      partner,
      wrong.map((l) => ({ variant: partnerRef(l), expected: observed.get(l.partnerVariantId!)!, verified: true, target: () => Math.max(0, supplier.get(l.sourceVariantId)!) })),
    );
    const byPartnerVariant = new Map(wrong.map((l) => [l.partnerVariantId!, l]));
    const fixed = result.applied.map((a) => ({ id: byPartnerVariant.get(a.variantId)!.id, quantity: a.to }));
    summary.counts.fixed = fixed.length;
    await savePushed(ctx.db, fixed, now);
    // Already showing the supplier's count (perhaps by its own sale): nothing to write, no drift.
    const inSync = present.filter((l) => !wrong.includes(l) && supplier.has(l.sourceVariantId));
    await savePushed(ctx.db, inSync.map((l) => ({ id: l.id, quantity: observed.get(l.partnerVariantId!)! })), now);
  });
  summary.counts.priceDrifted = await observePartnerPrices(ctx, connection, listings, summary);
  return done();
}

/**
 * Reads the listed variants at the partner by SKU (one batched lookup) and records the price each
 * shows. A variant found under its SKU but with another id, or not at all, says nothing about price.
 * Partners without products.read are skipped. Returns how many listings drifted.
 */
async function observePartnerPrices(ctx: StockContext, connection: Connection, listings: Awaited<ReturnType<typeof oldest>>, tally: { apiCalls: number }): Promise<number> {
  const connector = await ctx.connectorFor(connection);
  if (!connector.capabilities.has('products.read')) return 0;
  const reader = requireCapability(connector, 'products.read');
  const skus = [...new Set(listings.flatMap((l) => (l.partnerSku ? [l.partnerSku as Sku] : [])))];
  if (skus.length === 0) return 0;
  tally.apiCalls++;
  const found = await reader.findVariantsBySku(skus);
  let drifted = 0;
  const updates = listings.flatMap((l) => {
    const variant = (found.get(l.partnerSku as Sku) ?? []).find((v) => v.externalId === l.partnerVariantId);
    if (!variant) return [];
    const observed = new Prisma.Decimal(variant.price);
    // No price pushed yet (the retailer's own product, linked for prices later): nothing to compare.
    const drift = l.lastPushedPrice !== null && !observed.equals(l.lastPushedPrice);
    if (drift) drifted++;
    return [ctx.db.listing.update({ where: { id: l.id }, data: { observedPrice: observed, priceDrift: drift } })];
  });
  await ctx.db.$transaction(updates);
  return drifted;
}

/**
 * The N least recently synced listings: never-synced first, then oldest `lastSyncedAt`, each read
 * along the (partnershipId, lastSyncedAt) index.
 */
async function oldest(db: Db, partnershipId: string, n: number) {
  const where = { partnershipId, partnerVariantId: { not: null }, approval: { not: 'REJECTED' as const } };
  const never = await db.listing.findMany({ where: { ...where, lastSyncedAt: null }, take: n, select: SELECT });
  if (never.length >= n) return never;
  const synced = await db.listing.findMany({ where: { ...where, lastSyncedAt: { not: null } }, orderBy: { lastSyncedAt: 'asc' }, take: n - never.length, select: SELECT });
  return [...never, ...synced];
}
