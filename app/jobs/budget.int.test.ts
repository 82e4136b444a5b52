import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitPolicy } from '../../connectors/sdk/budget.ts';
import { connectorErrorCode } from '../../connectors/sdk/errors.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../../test/support/redis.ts';
import { Budgets, RedisBudget, saveBudgetUsage, type RedisSpendResult } from './budget.server.ts';

let prefix: string;
let admin: Redis;
// Three workers: three separate Redis connections sharing one connection's budget.
let workers: Redis[];

beforeAll(() => {
  prefix = uniquePrefix('jobs-budget');
  admin = testRedis();
  workers = [testRedis(), testRedis(), testRedis()];
});

afterAll(async () => {
  await deletePrefix(admin, prefix);
  await Promise.all([admin, ...workers].map((r) => r.quit()));
});

let n = 0;
function budgets(policy: RateLimitPolicy) {
  n += 1;
  const connectionId = `conn-${n}`;
  return workers.map((redis) => new RedisBudget(redis, { prefix, connectionId, policy, connectorId: 'testvendor' }));
}

/** Each worker spends `calls` times as fast as it can; returns every grant. */
async function hammer(all: RedisBudget[], calls: number) {
  const grants: RedisSpendResult[] = [];
  const errors: unknown[] = [];
  await Promise.all(
    all.map(async (b) => {
      for (let i = 0; i < calls; i++) {
        try {
          grants.push(await b.spend(1, { maxWaitMs: 10_000 }));
        } catch (err) {
          errors.push(err);
        }
      }
    }),
  );
  return { grants, errors };
}

const base = { unit: 'call', source: 'https://example.test/limits' } as const;

describe('when three workers share a fixed-window budget', () => {
  it('never grants more than capacity calls in one window', async () => {
    const { grants, errors } = await hammer(budgets({ ...base, kind: 'fixed-window', capacity: 5, windowMs: 250 }), 10);
    expect(errors).toEqual([]);
    expect(grants).toHaveLength(30);
    const perWindow = new Map<number, number[]>();
    for (const g of grants) perWindow.set(g.windowStart!, [...(perWindow.get(g.windowStart!) ?? []), g.grantedAt]);
    const starts = [...perWindow.keys()].sort((a, b) => a - b);
    expect(starts.length).toBeGreaterThanOrEqual(6);
    for (const [start, times] of perWindow) {
      expect(times.length).toBeLessThanOrEqual(5);
      for (const t of times) expect(t - start).toBeLessThan(250);
    }
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(250);
  });
});

describe('when three workers share a token bucket', () => {
  it('never grants more than the bucket holds plus what refilled meanwhile', async () => {
    const capacity = 5;
    const perMs = 20 / 1000;
    const { grants, errors } = await hammer(budgets({ ...base, kind: 'token-bucket', capacity, refillPerSecond: 20 }), 10);
    expect(errors).toEqual([]);
    const times = grants.map((g) => g.grantedAt).sort((a, b) => a - b);
    expect(times).toHaveLength(30);
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) {
        expect(j - i + 1).toBeLessThanOrEqual(capacity + (times[j] - times[i]) * perMs + 1e-9);
      }
    }
    // 25 calls beyond the first burst at 20 per second take at least 1.25 s.
    expect(times[29] - times[0]).toBeGreaterThanOrEqual(1_250 - 1);
  });
});

describe('when the daily cap is reached', () => {
  it('stops every worker with budget_exhausted at exactly the cap and reports the usage', async () => {
    const all = budgets({ ...base, kind: 'fixed-window', capacity: 100, windowMs: 1_000, dailyCap: 12 });
    const { grants, errors } = await hammer(all, 10);
    expect(grants).toHaveLength(12);
    expect(errors).toHaveLength(18);
    expect(errors.map(connectorErrorCode)).toEqual(Array(18).fill('budget_exhausted'));
    const err = errors[0] as { retryAfterMs: number; merchantMessage: string };
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.retryAfterMs).toBeLessThanOrEqual(86_400_000);
    expect(err.merchantMessage).toBe("Tandem has used today's 12 calls allowed by testvendor. Syncing resumes after midnight UTC.");
    expect(await all[0].usage()).toEqual({ today: 12, month: 12, dailyCap: 12 });
  });

  it('writes the day’s usage to BudgetUsage', async () => {
    const tdb: TestDatabase = await createTestDatabase('jobs_budget');
    try {
      const shop = await tdb.db.shop.create({ data: { domain: 'budget.myshopify.com' } });
      const connection = await tdb.db.connection.create({ data: { shopId: shop.id, platform: 'xero', externalAccount: 'tenant-1', credentials: 'x' } });
      const book = new Budgets({ connection: workers[0], prefix });
      const policy = { ...base, kind: 'fixed-window', capacity: 60, windowMs: 60_000, dailyCap: 5000 } as const;
      const budget = book.forConnection(connection.id, policy, 'xero');
      expect(book.forConnection(connection.id, policy, 'xero')).toBe(budget);
      for (let i = 0; i < 3; i++) await budget.spend();
      await book.saveUsage(tdb.db);
      await budget.spend();
      await saveBudgetUsage(tdb.db, connection.id, budget, 'call');
      const rows = await tdb.db.budgetUsage.findMany({ where: { connectionId: connection.id } });
      expect(rows).toEqual([expect.objectContaining({ day: new Date().toISOString().slice(0, 10), calls: 4, costPoints: 0 })]);
    } finally {
      await tdb.drop();
    }
  });
});

describe('when the wait would exceed the caller’s cap', () => {
  it('throws rate_limited with the wait instead of blocking the worker', async () => {
    const [b] = budgets({ ...base, kind: 'fixed-window', capacity: 1, windowMs: 10_000 });
    await b.spend();
    const started = Date.now();
    const err = await b.spend(1, { maxWaitMs: 100 }).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(100);
    expect(connectorErrorCode(err)).toBe('rate_limited');
    expect(err.retryAfterMs).toBeGreaterThan(9_000);
  });
});

describe('when the vendor reports what is left', () => {
  it('waits for the bucket to refill after the vendor says it is empty (Shopify throttleStatus)', async () => {
    const [b, c] = budgets({ ...base, kind: 'token-bucket', capacity: 10, refillPerSecond: 10 });
    await b.observe({ remaining: 0 });
    const { waitedMs } = await c.spend(1);
    expect(waitedMs).toBeGreaterThanOrEqual(90);
  });

  it('moves the fixed window to the vendor’s reset time', async () => {
    const [b] = budgets({ ...base, kind: 'fixed-window', capacity: 3, windowMs: 60_000 });
    await b.observe({ remaining: 0, resetInMs: 200 });
    const { waitedMs } = await b.spend(1);
    expect(waitedMs).toBeGreaterThanOrEqual(190);
    expect(waitedMs).toBeLessThan(2_000);
  });

  it('refunds unused cost points to the bucket', async () => {
    const [b] = budgets({ ...base, unit: 'cost', kind: 'token-bucket', capacity: 100, refillPerSecond: 1 });
    await b.spend(100);
    await b.refund(60);
    // Without the refund the bucket holds nothing and 50 points take 50 s at 1 point/s; with it
    // they are there at once. The bound is loose so a loaded machine cannot fail it.
    const { waitedMs } = await b.spend(50);
    expect(waitedMs).toBeLessThan(10_000);
    expect((await b.usage()).today).toBe(90);
  });
});

describe('when the platform limits calls in flight (Xero: 5)', () => {
  it('lets at most maxConcurrent calls run at once across workers', async () => {
    const all = budgets({ ...base, kind: 'fixed-window', capacity: 1000, windowMs: 60_000, maxConcurrent: 2 });
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      all.flatMap((b) =>
        [1, 2, 3].map(async () => {
          await b.spend();
          inFlight += 1;
          most = Math.max(most, inFlight);
          await new Promise((r) => setTimeout(r, 40));
          inFlight -= 1;
          await b.release();
        }),
      ),
    );
    expect(most).toBe(2);
  });
});
