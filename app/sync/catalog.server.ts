// Pulling a supplier's catalog into the records ledger, page by page from a versioned checkpoint.
// The checkpoint is saved only after a page is written, so a crash re-reads that page instead of
// skipping it; a small lookback re-reads changes stamped just before the last watermark.
import { z } from 'zod';
import { requireCapability } from '../../connectors/sdk/connector.ts';
import type { TandemProduct } from '../../connectors/sdk/types.ts';
import type { Db } from '../db.server.ts';
import type { SyncContext } from './connections.server.ts';
import { markGhosts, recordProducts } from './source-ledger.server.ts';

export const CATALOG_STREAM = 'catalog.products';

/** Platforms stamp `updatedAt` when the write starts, not when it is readable: re-read a little. */
export const LOOKBACK_MS = 2 * 60_000;

/** Products of a bulk export written to the ledger per transaction. */
const EXPORT_BATCH = 250;

export type SyncMode = 'FULL' | 'PARTIAL';

/** What the checkpoint's `cursor` column holds, as JSON. */
const CatalogCursor = z.object({
  /** Newest change written by a finished pass: the next Partial pass starts here (minus lookback). */
  watermark: z.iso.datetime().nullable().default(null),
  /** Set while a pass is under way: where the next page starts, so a retry resumes. */
  page: z.string().nullable().default(null),
  /** The `since` the pass under way started from (null = everything). */
  passSince: z.iso.datetime().nullable().default(null),
  /** The newest change seen by the pass under way. */
  passNewest: z.iso.datetime().nullable().default(null),
  mode: z.enum(['FULL', 'PARTIAL']).default('PARTIAL'),
  /** Generation stamped on every variant seen; a Full pass takes the next one. */
  generation: z.number().int().min(0).default(0),
});
type CatalogCursor = z.infer<typeof CatalogCursor>;

export interface PullResult {
  pages: number;
  products: number;
  variants: number;
  changed: number;
  /** Variants marked deleted because a Full pass did not see them. */
  ghosts: number;
  generation: number;
}

async function loadCursor(db: Db, connectionId: string) {
  const row = await db.checkpoint.upsert({
    where: { connectionId_stream: { connectionId, stream: CATALOG_STREAM } },
    create: { connectionId, stream: CATALOG_STREAM },
    update: {},
  });
  const parsed = CatalogCursor.safeParse(row.cursor ? JSON.parse(row.cursor) : {});
  // An unreadable cursor (older format) costs one whole-catalog pass, never a skipped change.
  return { row, cursor: parsed.success ? parsed.data : CatalogCursor.parse({}) };
}

/** Compare-and-swap on `version`: two runs of one connection cannot both advance the cursor. */
async function saveCursor(db: Db, connectionId: string, version: number, cursor: CatalogCursor, extra: { fullResetAt?: Date; lastFullAt?: Date } = {}) {
  const { count } = await db.checkpoint.updateMany({
    where: { connectionId, stream: CATALOG_STREAM, version },
    data: { cursor: JSON.stringify(cursor), version: version + 1, ...extra },
  });
  if (count !== 1) throw new Error(`The catalog checkpoint of connection ${connectionId} moved under this run (another pull is running); this run stops.`);
  return version + 1;
}

/**
 * Pages the supplier's changed products into SourceVariant rows. FULL restarts from the beginning
 * (keeping the hashes) under a new generation, reading the platform's bulk export when the
 * connector has one, and marks variants it did not see as deleted;
 * PARTIAL resumes an interrupted pass, or starts from the last watermark minus the lookback.
 */
export async function pullSupplierCatalog(ctx: SyncContext, sourceConnectionId: string, options: { mode: SyncMode }): Promise<PullResult> {
  const connection = await ctx.db.connection.findUniqueOrThrow({ where: { id: sourceConnectionId } });
  const reader = requireCapability(await ctx.connectorFor(connection), 'products.read');
  const loaded = await loadCursor(ctx.db, connection.id);
  let cursor = loaded.cursor;
  let version = loaded.row.version;

  const resuming = cursor.page !== null && (options.mode === 'PARTIAL' || cursor.mode === 'FULL');
  if (!resuming) {
    const full = options.mode === 'FULL' || cursor.watermark === null;
    const since = full || !cursor.watermark ? null : new Date(new Date(cursor.watermark).getTime() - LOOKBACK_MS).toISOString();
    cursor = { ...cursor, page: null, passSince: since, passNewest: null, mode: full ? 'FULL' : 'PARTIAL', generation: full ? cursor.generation + 1 : cursor.generation };
    version = await saveCursor(ctx.db, connection.id, version, cursor, options.mode === 'FULL' ? { fullResetAt: ctx.now() } : {});
  }

  const result: PullResult = { pages: 0, products: 0, variants: 0, changed: 0, ghosts: 0, generation: cursor.generation };
  const record = async (products: TandemProduct[]) => {
    const written = await recordProducts(ctx.db, connection.id, products, cursor.generation, ctx.now());
    result.pages++;
    result.products += products.length;
    result.variants += written.variants;
    result.changed += written.changed;
    return [cursor.passNewest, written.newestUpdate?.toISOString() ?? null].filter((d): d is string => d !== null).sort().at(-1) ?? null;
  };
  if (!resuming && cursor.mode === 'FULL' && reader.readFullCatalog) {
    // A whole catalog in a few calls (start the export, poll, download) instead of a page call per
    // eight products. No page to resume from: a pass that dies here starts over, as Full does anyway.
    let batch: TandemProduct[] = [];
    for await (const product of reader.readFullCatalog()) {
      batch.push(product);
      if (batch.length < EXPORT_BATCH) continue;
      ctx.signal?.throwIfAborted();
      cursor = { ...cursor, passNewest: await record(batch) };
      batch = [];
      await ctx.progress?.(result.products, 0, 'supplier products');
    }
    if (batch.length > 0) cursor = { ...cursor, passNewest: await record(batch) };
  } else {
    for (;;) {
      ctx.signal?.throwIfAborted();
      const page = await reader.listChangedProducts(cursor.page ? { cursor: cursor.page } : { since: cursor.passSince ? new Date(cursor.passSince) : null });
      cursor = { ...cursor, page: page.nextCursor, passNewest: await record(page.items) };
      if (page.nextCursor === null) break;
      version = await saveCursor(ctx.db, connection.id, version, cursor);
      await ctx.progress?.(result.products, 0, 'supplier products');
    }
  }

  const finishedFull = cursor.mode === 'FULL';
  if (finishedFull) result.ghosts = await markGhosts(ctx.db, connection.id, cursor.generation, ctx.now());
  const watermark = [cursor.watermark, cursor.passNewest].filter((d): d is string => d !== null).sort().at(-1) ?? null;
  await saveCursor(ctx.db, connection.id, version, { ...cursor, watermark, page: null, passSince: null, passNewest: null }, finishedFull ? { lastFullAt: ctx.now() } : {});
  ctx.logger.info('Pulled supplier catalog', { connectionId: connection.id, ...result });
  return result;
}
