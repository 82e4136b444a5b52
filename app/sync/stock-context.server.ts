// What the stock engine (inventory push, oversell guard, sweep) needs from its caller: the
// engine's SyncContext (database, connectors from the registry by platform id) and a per-variant lock.
import type { InventoryReader, InventoryWriter } from '../../connectors/sdk/capabilities.ts';
import { requireCapability } from '../../connectors/sdk/connector.ts';
import { Prisma, type Db } from '../db.server.ts';
import type { VariantRef } from '../../connectors/sdk/types.ts';
import type { Connection, Listing, Partnership, SourceVariant } from '../generated/prisma/client.ts';
import type { SyncContext } from './connections.server.ts';
import { targetConnectionOf } from './listings.server.ts';

/**
 * Serialises work on the same supplier variants: two oversell jobs for one variant must not push
 * their counts to partners out of order (the older count landing last would resurrect stock).
 * Keys are taken in sorted order, so two jobs over overlapping variants cannot deadlock.
 */
export type StockLock = <T>(keys: string[], work: () => Promise<T>) => Promise<T>;

/** The engine's `SyncContext` (connections.server.ts), plus the stock lock; any SyncContext fits. */
export type StockContext = Pick<SyncContext, 'db' | 'connectorFor'> &
  Partial<Pick<SyncContext, 'now' | 'signal' | 'usage'>> & {
    /** Defaults to `processStockLock` (one process). Workers on several hosts need a shared lock. */
    lock?: StockLock;
    /** Called after each phase commits (tests use it to kill a job between phases). */
    afterPhase?(phase: string): void | Promise<void>;
  };

/** A lock held in this process's memory: enough when one worker process handles a shop's jobs. */
export function inMemoryStockLock(): StockLock {
  const tails = new Map<string, Promise<void>>();
  return async (keys, work) => {
    const releases: Array<() => void> = [];
    try {
      for (const key of [...new Set(keys)].sort()) {
        const previous = tails.get(key) ?? Promise.resolve();
        let release!: () => void;
        const mine = new Promise<void>((resolve) => (release = resolve));
        const tail = previous.then(() => mine);
        tails.set(key, tail);
        releases.push(() => {
          release();
          if (tails.get(key) === tail) tails.delete(key);
        });
        await previous;
      }
      return await work();
    } finally {
      for (const release of releases) release();
    }
  };
}

/** The process-wide lock used when a context brings none. */
export const processStockLock: StockLock = inMemoryStockLock();

export async function phaseDone(ctx: StockContext, phase: string): Promise<void> {
  await ctx.afterPhase?.(phase);
  ctx.signal?.throwIfAborted();
}

/**
 * Where a partnership's listings live (the same rule as catalog sync's `targetConnectionOf`), or
 * null when the retailer has no active store connection.
 */
export async function partnerConnection(db: Db, partnership: Partnership): Promise<Connection | null> {
  try {
    return await targetConnectionOf(db, partnership);
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2025') return null;
    throw err;
  }
}

export type StockConnector = InventoryReader & InventoryWriter;

/** The connection's stock methods, or `capability_missing` naming what the connector lacks. */
export async function stockConnector(ctx: StockContext, connection: Connection): Promise<StockConnector> {
  const connector = await ctx.connectorFor(connection);
  const reader = requireCapability(connector, 'inventory.read');
  const writer = requireCapability(connector, 'inventory.write');
  return {
    readInventory: (refs) => reader.readInventory(refs),
    writeInventory: (writes) => writer.writeInventory(writes),
    ...(reader.readAllInventory ? { readAllInventory: () => reader.readAllInventory!() } : {}),
  };
}

/** How a supplier variant is addressed on its own platform. */
export function supplierRef(v: Pick<SourceVariant, 'externalVariantId' | 'inventoryItemId' | 'sku'>): VariantRef {
  return { variantId: v.externalVariantId, inventoryItemId: v.inventoryItemId, sku: v.sku as VariantRef['sku'] };
}

/** How a listing is addressed at the partner. */
export function partnerRef(l: Pick<Listing, 'partnerVariantId' | 'partnerInventoryItemId' | 'partnerSku'>): VariantRef {
  return { variantId: l.partnerVariantId!, inventoryItemId: l.partnerInventoryItemId, sku: l.partnerSku as VariantRef['sku'] };
}

