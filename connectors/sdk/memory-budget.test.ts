import { describe, expect, it } from 'vitest';
import { createMemoryBudget } from './memory-budget.ts';

describe('when spending from a token bucket', () => {
  it('lets the capacity through at once, then paces at the refill rate', async () => {
    const budget = createMemoryBudget({ kind: 'token-bucket', capacity: 10, refillPerSecond: 10, unit: 'cost', source: 'https://x.example' });
    const started = Date.now();
    await budget.spend(10);
    expect(Date.now() - started).toBeLessThan(100);
    const { waitedMs } = await budget.spend(5);
    // The bucket was emptied at `started`: 5 units at 10/s cannot be there before 500 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
    expect(waitedMs).toBeGreaterThan(0);
  });

  it('throws rate_limited instead of waiting past the caller’s cap', async () => {
    const budget = createMemoryBudget({ kind: 'token-bucket', capacity: 10, refillPerSecond: 1, unit: 'cost', source: 'https://x.example' });
    await budget.spend(10);
    const err = await budget.spend(5, { maxWaitMs: 100 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'rate_limited' });
    expect((err as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(4_900);
    expect((err as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(5_000);
  });

  it('gives back refunded units and believes the vendor about what is left', async () => {
    const budget = createMemoryBudget({ kind: 'token-bucket', capacity: 100, refillPerSecond: 1, unit: 'cost', source: 'https://x.example' });
    await budget.spend(100);
    await budget.refund(60);
    expect((await budget.spend(50, { maxWaitMs: 0 })).waitedMs).toBe(0);
    await budget.observe({ remaining: 0 });
    await expect(budget.spend(5, { maxWaitMs: 0 })).rejects.toMatchObject({ code: 'rate_limited' });
  });
});

describe('when a daily cap is reached', () => {
  it('throws budget_exhausted', async () => {
    const budget = createMemoryBudget({ kind: 'fixed-window', capacity: 60, windowMs: 60_000, dailyCap: 3, unit: 'call', source: 'https://x.example' });
    await budget.spend();
    await budget.spend();
    await budget.spend();
    await expect(budget.spend()).rejects.toMatchObject({ code: 'budget_exhausted' });
    expect(await budget.usage()).toEqual({ today: 3, month: 3, dailyCap: 3 });
  });
});
