// inventory.push: the supplier's available count, copied to one partner's listings. Partial pushes
// only what changed since the last push (or drifted at the partner); Full pushes every listing.
// Stock only: content and price travel with catalog.sync.
import type { Db } from '../db.server.ts';
import type { Connection, Listing, Partnership, SourceVariant } from '../generated/prisma/client.ts';
import { sourceConnectionOf } from './listings.server.ts';
import { partnerConnection, partnerRef, processStockLock, stockConnector, supplierRef, type StockConnector, type StockContext } from './stock-context.server.ts';
import { applyStockChanges, type StockChange } from './stock-writes.server.ts';
import { finishSyncRun, startSyncRun } from './sync-runs.server.ts';

export type PushMode = 'FULL' | 'PARTIAL';

export interface InventoryPushOptions {
  mode: PushMode;
  /** SyncRun.trigger: schedule, manual, webhook, nightly, sweep. */
  trigger: string;
  /**
   * The job layer's SyncRun for this run: when given, the job layer records the returned counts on
   * it and no second row is written here. Without it a SyncRun is recorded here.
   */
  syncRunId?: string;
  /** Listings per page (one supplier read and one partner write call per page). Default 1,000. */
  pageSize?: number;
  /** A manual push of chosen products: only the listings of these SourceVariant ids. */
  sourceVariantIds?: string[];
  /** Partial pushes over this many listings or more read the supplier's stock from its bulk export (default 5,000). */
  snapshotFrom?: number;
  progress?(done: number, phase: string): void | Promise<void>;
}

export interface InventoryPushSummary {
  partnershipId: string;
  mode: PushMode;
  /** Why nothing ran (push-inventory off, partnership not active, no partner connection). */
  skipped?: string;
  counts: {
    listings: number;
    pushed: number;
    unchanged: number;
    /** Listings whose partner figure had moved from what Tandem last pushed (found by compare-and-swap). */
    drifted: number;
    missingAtSupplier: number;
    missingAtPartner: number;
  };
  /** Platform requests when the context meters them (SyncContext.usage), else connector calls. */
  apiCalls: number;
  durationMs: number;
  errors: { subject: string; message: string }[];
  syncRunId: string | null;
}

type PushListing = Listing & { sourceVariant: Pick<SourceVariant, 'id' | 'connectionId' | 'externalVariantId' | 'inventoryItemId' | 'sku' | 'available' | 'deletedAt'> };

const PAGE = 1_000;

/** Listings Tandem keeps stock on: approved, or pending but already created at the partner. */
const PUSHABLE = ['APPROVED', 'PENDING'] as const;

export async function pushInventory(ctx: StockContext, partnershipId: string, options: InventoryPushOptions): Promise<InventoryPushSummary> {
  const started = Date.now();
  const summary: InventoryPushSummary = {
    partnershipId,
    mode: options.mode,
    counts: { listings: 0, pushed: 0, unchanged: 0, drifted: 0, missingAtSupplier: 0, missingAtPartner: 0 },
    apiCalls: 0,
    durationMs: 0,
    errors: [],
    syncRunId: options.syncRunId ?? null,
  };
  const partnership = await ctx.db.partnership.findUnique({ where: { id: partnershipId } });
  const skip = (reason: string) => ({ ...summary, skipped: reason, durationMs: Date.now() - started });
  if (!partnership) return skip('The partnership no longer exists');
  if (partnership.status !== 'ACTIVE') return skip(`The partnership is ${partnership.status.toLowerCase()}`);
  if (!partnership.pushInventory) return skip('Inventory push is off for this partnership');
  const connection = await partnerConnection(ctx.db, partnership);
  if (!connection) return skip('The partner has no active store connection');

  const at = () => ctx.now?.() ?? new Date();
  const runId = options.syncRunId ?? (await startSyncRun(ctx.db, { shopId: partnership.supplierShopId, partnershipId, kind: 'inventory.push', mode: options.mode, trigger: options.trigger, at: at() }));
  const ownRun = !options.syncRunId;
  summary.syncRunId = runId;
  const callsBefore = ctx.usage?.calls;
  const tally = () => ({ counts: { ...summary.counts }, apiCalls: summary.apiCalls, costPoints: 0, errors: summary.errors });

  try {
    const partner = counting(await stockConnector(ctx, connection), summary);
    const suppliers = new Map<string, StockConnector>();
    // Under the oversell guard's lock: a count read here must not land after a newer one.
    const pushListings = (listings: PushListing[]) =>
      (ctx.lock ?? processStockLock)(listings.map((l) => l.sourceVariantId), async () => {
        const available = await readSupplierStock(ctx, listings.map((l) => l.sourceVariant), suppliers, summary);
        const due = listings.filter((l) => {
          const count = available.get(l.sourceVariantId);
          if (count === undefined) {
            summary.counts.missingAtSupplier++;
            return false;
          }
          const changed = options.mode === 'FULL' || l.quantityDrift || l.lastPushedQuantity !== Math.max(0, count);
          if (!changed) summary.counts.unchanged++;
          return changed;
        });
        if (due.length > 0) await pushPage(ctx, partner, due, available, summary);
      });
    const snapshot = options.mode === 'PARTIAL' && !options.sourceVariantIds ? await supplierSnapshot(ctx, partnership, suppliers, summary, options.snapshotFrom ?? SNAPSHOT_FROM_LISTINGS) : null;
    // With a snapshot only the listings it shows changed (or cannot vouch for) are read again and
    // written, gathered across pages into the platform's write batches.
    const candidates: PushListing[] = [];
    const pushCandidates = async (take: number) => {
      const batch = candidates.splice(0, take);
      // Read again under the lock in pushListings: an oversell job may have moved them since.
      const fresh = await ctx.db.listing.findMany({ where: { id: { in: batch.map((l) => l.id) } }, orderBy: { partnerVariantId: 'asc' }, include: { sourceVariant: { select: SOURCE_FIELDS } } });
      await pushListings(fresh);
    };
    let after: string | null = null;
    for (;;) {
      ctx.signal?.throwIfAborted();
      const page: PushListing[] = await pageOfListings(ctx.db, partnershipId, after, options.pageSize ?? PAGE, options.sourceVariantIds);
      if (page.length === 0) break;
      after = page[page.length - 1]!.partnerVariantId;
      summary.counts.listings += page.length;
      if (snapshot) {
        for (const l of page) {
          const seen = l.sourceVariant.deletedAt ? undefined : snapshot.get(l.sourceVariant.externalVariantId);
          if (seen !== undefined && !l.quantityDrift && l.lastPushedQuantity === Math.max(0, seen)) summary.counts.unchanged++;
          else candidates.push(l);
        }
        while (candidates.length >= WRITE_BATCH) await pushCandidates(WRITE_BATCH);
      } else {
        await pushListings(page);
      }
      await options.progress?.(summary.counts.listings, 'listings');
    }
    while (candidates.length > 0) await pushCandidates(WRITE_BATCH);
    // Platform requests when the context meters them (SyncContext.usage), else connector calls.
    if (callsBefore !== undefined && ctx.usage) summary.apiCalls = ctx.usage.calls - callsBefore;
    summary.durationMs = Date.now() - started;
    if (ownRun) await finishSyncRun(ctx.db, runId, tally(), at());
    return summary;
  } catch (err) {
    if (ownRun) await finishSyncRun(ctx.db, runId, tally(), at(), { code: codeOf(err), message: String((err as Error)?.message ?? err) });
    throw err;
  }
}

/** From this many listings a Partial push reads the supplier's stock through its bulk export. */
export const SNAPSHOT_FROM_LISTINGS = 5_000;
/** Changed listings written together: Shopify's inventorySetQuantities takes 250. */
const WRITE_BATCH = 250;

const SOURCE_FIELDS = { id: true, connectionId: true, externalVariantId: true, inventoryItemId: true, sku: true, available: true, deletedAt: true } as const;

/**
 * The supplier's available count per variant id, from one bulk export of its stock, or null when
 * the partnership is small (reading its levels directly is as cheap) or the supplier's connector
 * has no export. A Partial push compares it with what was last pushed to find what changed: 100,000
 * listings otherwise cost a read call per 100 of them every hour.
 */
async function supplierSnapshot(ctx: StockContext, partnership: Partnership, suppliers: Map<string, StockConnector>, tally: { apiCalls: number }, from: number): Promise<Map<string, number> | null> {
  const listings = await ctx.db.listing.count({ where: { partnershipId: partnership.id, partnerVariantId: { not: null }, approval: { in: [...PUSHABLE] } } });
  if (listings < from) return null;
  const source = await sourceConnectionOf(ctx.db, partnership);
  const connector = await supplierConnector(ctx, suppliers, source, tally);
  if (!connector.readAllInventory) return null;
  const snapshot = new Map<string, number>();
  for await (const level of connector.readAllInventory()) snapshot.set(level.variant.variantId, level.available);
  return snapshot;
}

/**
 * One page in partner-variant order: `WHERE partnershipId = $1 AND partnerVariantId > $2 ORDER BY
 * partnerVariantId LIMIT n` walks the (partnershipId, partnerVariantId) index, so the millionth
 * listing costs what the first does. A listing without a partner variant was never created there.
 */
function pageOfListings(db: Db, partnershipId: string, after: string | null, take: number, only?: string[]): Promise<PushListing[]> {
  return db.listing.findMany({
    where: {
      partnershipId,
      partnerVariantId: after === null ? { not: null } : { gt: after },
      approval: { in: [...PUSHABLE] },
      ...(only ? { sourceVariantId: { in: only } } : {}),
    },
    orderBy: { partnerVariantId: 'asc' },
    take,
    include: { sourceVariant: { select: SOURCE_FIELDS } },
  });
}

/** A supplier connection's connector, counted into `tally`, made once per push and kept in `cache`. */
async function supplierConnector(ctx: StockContext, cache: Map<string, StockConnector>, connection: Connection | string, tally: { apiCalls: number }): Promise<StockConnector> {
  const id = typeof connection === 'string' ? connection : connection.id;
  const known = cache.get(id);
  if (known) return known;
  const row = typeof connection === 'string' ? await ctx.db.connection.findUniqueOrThrow({ where: { id } }) : connection;
  const made = counting(await stockConnector(ctx, row), tally);
  cache.set(id, made);
  return made;
}

/**
 * The supplier's available count for each variant, one batched read per supplier connection, saved
 * on SourceVariant.available. Variants the supplier no longer has are absent from the answer.
 */
export async function readSupplierStock(
  ctx: StockContext,
  variants: Array<Pick<SourceVariant, 'id' | 'connectionId' | 'externalVariantId' | 'inventoryItemId' | 'sku' | 'deletedAt'>>,
  connectors: Map<string, StockConnector>,
  tally: { apiCalls: number },
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const byConnection = new Map<string, typeof variants>();
  for (const v of variants) if (!v.deletedAt) byConnection.set(v.connectionId, [...(byConnection.get(v.connectionId) ?? []), v]);
  for (const [connectionId, group] of byConnection) {
    const connector = await supplierConnector(ctx, connectors, connectionId, tally);
    const levels = await connector.readInventory(group.map(supplierRef));
    const byRef = new Map(levels.map((l) => [l.variant.variantId, l.available]));
    for (const v of group) {
      const available = byRef.get(v.externalVariantId);
      if (available !== undefined) out.set(v.id, available);
    }
  }
  await saveAvailable(ctx.db, out);
  return out;
}

async function pushPage(ctx: StockContext, partner: StockConnector, due: PushListing[], available: Map<string, number>, summary: InventoryPushSummary) {
  const changes: StockChange[] = due.map((l) => ({
    variant: partnerRef(l),
    // What Tandem believes the partner shows; a mismatch comes back stale and is re-read.
    expected: l.quantityDrift && l.observedQuantity !== null ? l.observedQuantity : l.lastPushedQuantity,
    target: () => Math.max(0, available.get(l.sourceVariantId)!),
  }));
  const result = await applyStockChanges(partner, changes);
  summary.counts.drifted += result.staleRetries;
  const byPartnerVariant = new Map(due.map((l) => [l.partnerVariantId!, l]));
  const pushed = result.applied.map((a) => ({ listing: byPartnerVariant.get(a.variantId)!, quantity: a.to }));
  summary.counts.pushed += pushed.length;
  const now = ctx.now?.() ?? new Date();
  await savePushed(ctx.db, pushed.map((p) => ({ id: p.listing.id, quantity: p.quantity })), now);
  for (const u of result.unresolved) {
    const listing = byPartnerVariant.get(u.change.variant.variantId)!;
    if (u.reason === 'missing') summary.counts.missingAtPartner++;
    const message = u.reason === 'missing' ? 'The partner store no longer has this variant' : 'The partner’s stock kept changing while Tandem set it';
    summary.errors.push({ subject: listing.partnerSku ?? listing.partnerVariantId!, message });
    await ctx.db.listing.update({ where: { id: listing.id }, data: u.reason === 'missing' ? { lastError: message } : { quantityDrift: true, lastError: message } });
  }
}

/** One statement per page instead of one per row. */
async function saveAvailable(db: Db, counts: Map<string, number>) {
  if (counts.size === 0) return;
  const ids = [...counts.keys()];
  const values = ids.map((id) => counts.get(id)!);
  await db.$executeRaw`UPDATE "SourceVariant" AS s SET "available" = v.available FROM unnest(${ids}::text[], ${values}::int[]) AS v(id, available) WHERE s."id" = v.id AND s."available" <> v.available`;
}

export async function savePushed(db: Db, pushed: Array<{ id: string; quantity: number }>, at: Date) {
  if (pushed.length === 0) return;
  const ids = pushed.map((p) => p.id);
  const values = pushed.map((p) => p.quantity);
  await db.$executeRaw`UPDATE "Listing" AS l SET "lastPushedQuantity" = v.quantity, "observedQuantity" = v.quantity, "quantityDrift" = false, "lastError" = NULL, "lastSyncedAt" = ${at}, "updatedAt" = ${at} FROM unnest(${ids}::text[], ${values}::int[]) AS v(id, quantity) WHERE l."id" = v.id`;
}

/** Counts connector calls into `tally.apiCalls`. */
export function counting(connector: StockConnector, tally: { apiCalls: number }): StockConnector {
  const readAll = connector.readAllInventory?.bind(connector);
  return {
    ...(readAll
      ? {
          readAllInventory: () => {
            tally.apiCalls++;
            return readAll();
          },
        }
      : {}),
    readInventory: (refs) => {
      tally.apiCalls++;
      return connector.readInventory(refs);
    },
    writeInventory: (writes) => {
      tally.apiCalls++;
      return connector.writeInventory(writes);
    },
  };
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'error';
}
