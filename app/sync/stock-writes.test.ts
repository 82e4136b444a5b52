import { describe, expect, it } from 'vitest';
import type { InventoryWrite, VariantRef } from '../../connectors/sdk/types.ts';
import { inMemoryStockLock } from './stock-context.server.ts';
import { applyStockChanges, type StockChange } from './stock-writes.server.ts';

/** A platform holding counts in memory, honouring compare-and-swap like the SDK contract says. */
function platform(counts: Record<string, number>, { moveBeforeWrite }: { moveBeforeWrite?: Record<string, number> } = {}) {
  const calls: string[] = [];
  let moved = false;
  return {
    counts,
    calls,
    async readInventory(refs: VariantRef[]) {
      calls.push('read');
      return refs.filter((r) => r.variantId in counts).map((r) => ({ variant: r, locationId: null, available: counts[r.variantId]! }));
    },
    async writeInventory(writes: InventoryWrite[]) {
      calls.push('write');
      if (moveBeforeWrite && !moved) {
        moved = true;
        Object.assign(counts, moveBeforeWrite);
      }
      const stale = writes.filter((w) => w.compare != null && counts[w.variant.variantId] !== w.compare);
      for (const w of writes) if (!stale.includes(w)) counts[w.variant.variantId] = w.quantity;
      return { written: writes.length - stale.length, stale };
    },
  };
}

const change = (variantId: string, expected: number | null, target: (n: number) => number, verified = false): StockChange => ({ variant: { variantId }, expected, target, verified });

describe('when setting stock with compare-and-swap', () => {
  it('writes every change in one call when the platform shows what Tandem expected', async () => {
    const p = platform({ a: 5, b: 3 });
    const result = await applyStockChanges(p, [change('a', 5, () => 4), change('b', 3, () => 1)]);
    expect(p.counts).toEqual({ a: 4, b: 1 });
    expect(p.calls).toEqual(['write']);
    expect(result.applied).toEqual([
      { variantId: 'a', from: 5, to: 4 },
      { variantId: 'b', from: 3, to: 1 },
    ]);
  });

  it('re-reads a stale count and computes the target again from it, losing no concurrent sale', async () => {
    const p = platform({ a: 5 }, { moveBeforeWrite: { a: 4 } });
    const result = await applyStockChanges(p, [change('a', 5, (shown) => shown - 2, true)]);
    expect(p.counts).toEqual({ a: 2 });
    expect(p.calls).toEqual(['write', 'read', 'write']);
    expect(result.staleRetries).toBe(1);
  });

  it('never writes a negative count', async () => {
    const p = platform({ a: 1 });
    await applyStockChanges(p, [change('a', 1, (shown) => shown - 5, true)]);
    expect(p.counts).toEqual({ a: 0 });
  });

  it('leaves a count the platform already took below zero when the target keeps it', async () => {
    const p = platform({ a: -2 });
    await applyStockChanges(p, [change('a', -2, (shown) => (shown <= 0 ? shown : shown - 1), true)]);
    expect([p.counts.a, p.calls]).toEqual([-2, []]);
  });

  it('skips an unchanged count it just read but checks one it only believes', async () => {
    const read = platform({ a: 3 });
    await applyStockChanges(read, [change('a', null, () => 3)]);
    expect(read.calls).toEqual(['read']);
    const believed = platform({ a: 3 });
    await applyStockChanges(believed, [change('a', 3, () => 3)]);
    expect(believed.calls).toEqual(['write']);
  });

  it('reports a variant the platform no longer has as missing', async () => {
    const p = platform({ a: 3 });
    const result = await applyStockChanges(p, [change('gone', null, () => 1)]);
    expect(result.unresolved.map((u) => [u.change.variant.variantId, u.reason])).toEqual([['gone', 'missing']]);
  });
});

describe('when two jobs lock overlapping variants', () => {
  it('runs them one after the other, in arrival order', async () => {
    const lock = inMemoryStockLock();
    const log: string[] = [];
    const job = (name: string, keys: string[], ms: number) =>
      lock(keys, async () => {
        log.push(`${name} start`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name} end`);
      });
    await Promise.all([job('first', ['b', 'a'], 20), job('second', ['a', 'c'], 1), job('other', ['z'], 1)]);
    expect(log.indexOf('second start')).toBeGreaterThan(log.indexOf('first end'));
    expect(log.indexOf('other end')).toBeLessThan(log.indexOf('first end'));
  });

  it('releases the variants when a job fails', async () => {
    const lock = inMemoryStockLock();
    await expect(lock(['a'], async () => Promise.reject(new Error('killed')))).rejects.toThrow('killed');
    await expect(lock(['a'], async () => 'next')).resolves.toBe('next');
  });
});
