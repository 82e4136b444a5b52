// Setting stock with compare-and-swap. Each change says what Tandem believes the platform shows
// (`expected`) and how to compute the new figure from what it really shows (`target`). A write the
// platform refuses as stale is re-read and computed again, so a concurrent sale is never lost.
import type { InventoryReader, InventoryWriter } from '../../connectors/sdk/capabilities.ts';
import type { InventoryWrite, VariantRef } from '../../connectors/sdk/types.ts';

export interface StockChange {
  variant: VariantRef;
  /** What the platform should show now; null = unknown, read it first. */
  expected: number | null;
  /**
   * True when `expected` was just read from the platform: an unchanged target is then skipped.
   * A believed figure (what Tandem last pushed) is always written, compare-and-swap checking it.
   */
  verified?: boolean;
  /** The quantity to set given what the platform shows. A negative target is written as 0. */
  target(current: number): number;
}

export interface AppliedChange {
  variantId: string;
  /** What the platform showed just before the write. */
  from: number;
  to: number;
}

export interface StockChangeResult {
  applied: AppliedChange[];
  /** Changes whose variant the platform no longer knows (ghosts) or that stayed stale. */
  unresolved: Array<{ change: StockChange; reason: 'missing' | 'stale' }>;
  /** readInventory and writeInventory calls made (each is one or more platform requests). */
  connectorCalls: number;
  /** Changes that needed a re-read because the platform's figure had moved. */
  staleRetries: number;
}

/** Rounds of stale → re-read → write before giving up on a variant that keeps moving. */
const ROUNDS = 5;

export async function applyStockChanges(
  connector: InventoryReader & InventoryWriter,
  changes: StockChange[],
  options: { rounds?: number } = {},
): Promise<StockChangeResult> {
  const result: StockChangeResult = { applied: [], unresolved: [], connectorCalls: 0, staleRetries: 0 };
  let pending = changes.map((change) => ({ change, expected: change.expected, verified: change.verified ?? false }));
  for (let round = 0; round < (options.rounds ?? ROUNDS) && pending.length > 0; round++) {
    const unknown = pending.filter((p) => p.expected === null);
    if (unknown.length > 0) {
      const levels = await connector.readInventory(unknown.map((p) => p.change.variant));
      result.connectorCalls++;
      const byVariant = new Map(levels.map((l) => [l.variant.variantId, l.available]));
      for (const p of unknown) {
        p.expected = byVariant.get(p.change.variant.variantId) ?? null;
        p.verified = true;
      }
      for (const p of unknown.filter((x) => x.expected === null)) result.unresolved.push({ change: p.change, reason: 'missing' });
      pending = pending.filter((p) => p.expected !== null);
    }
    const writes = new Map<InventoryWrite, (typeof pending)[number]>();
    for (const p of pending) {
      const from = p.expected!;
      const wanted = p.change.target(from);
      // Never write a negative count; a figure already below zero (the platform's own oversell)
      // is left as it is when the target keeps it.
      const to = wanted === from ? wanted : Math.max(0, wanted);
      if (to === from && p.verified) result.applied.push({ variantId: p.change.variant.variantId, from, to });
      else writes.set({ variant: p.change.variant, quantity: to, compare: from }, p);
    }
    if (writes.size === 0) return result;
    const written = await connector.writeInventory([...writes.keys()]);
    result.connectorCalls++;
    const stale = new Set(written.stale.map((w) => w.variant.variantId));
    pending = [];
    for (const [write, p] of writes) {
      if (stale.has(write.variant.variantId)) {
        result.staleRetries++;
        pending.push({ change: p.change, expected: null, verified: false });
      } else {
        result.applied.push({ variantId: write.variant.variantId, from: write.compare!, to: write.quantity });
      }
    }
  }
  for (const p of pending) result.unresolved.push({ change: p.change, reason: 'stale' });
  return result;
}
