import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Invalid, RateLimited, Unavailable } from '../../connectors/sdk/errors.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../../test/support/redis.ts';
import type { JobHandlers } from './definitions.server.ts';
import { enqueue, requestManualRun } from './enqueue.server.ts';
import { openQueues, type QueueName, type Queues } from './queues.server.ts';
import { startWorkers, type RunningWorkers } from './worker.server.ts';
import { until } from '../../test/support/until.ts';

let tdb: TestDatabase;
let redis: Redis;
let prefix: string;
let queues: Queues;
const running: RunningWorkers[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase('jobs_run');
  redis = testRedis();
  prefix = uniquePrefix('jobs-run');
  queues = openQueues({ connection: redis, prefix });
});

// Each test's workers stop after it, so a later test's job is not taken by an earlier handler.
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

afterAll(async () => {
  await queues.close();
  await deletePrefix(redis, prefix);
  await redis.quit();
  await tdb.drop();
});

function work(handlers: JobHandlers, only: QueueName[], perShopConcurrency = 0) {
  const r = startWorkers({ db: tdb.db, redis: { connection: redis, prefix }, handlers, queues: only, perShopConcurrency, slotRetryMs: 50 });
  running.push(r);
  return r;
}

let n = 0;
async function partnership() {
  n += 1;
  const supplier = await tdb.db.shop.create({ data: { domain: `supplier-${n}.myshopify.com` } });
  const retailer = await tdb.db.shop.create({ data: { domain: `retailer-${n}.myshopify.com` } });
  const p = await tdb.db.partnership.create({
    data: { supplierShopId: supplier.id, retailerShopId: retailer.id, invitedByShopId: supplier.id, status: 'ACTIVE' },
  });
  return { supplier, retailer, partnershipId: p.id };
}

const tinyBackoff = { attempts: 3, backoff: { type: 'exponential', delay: 10, jitter: 0.5 } };

describe('when a platform stays unavailable', () => {
  it('retries until the attempts run out, then dead-letters the job once and alerts the shop', async () => {
    const { supplier, partnershipId } = await partnership();
    let calls = 0;
    work({ 'inventory.push': async () => { calls += 1; throw Unavailable('Shopify answered 503'); } }, ['inventory.push']);

    const { jobId } = await enqueue(queues, 'inventory.push', { shopId: supplier.id, partnershipId, trigger: 'schedule' }, tinyBackoff);
    await until(async () => (await queues.get('inventory.push').getJob(jobId))?.isFailed());

    expect(calls).toBe(3);
    const dead = await tdb.db.deadLetter.findMany({ where: { queue: 'inventory.push', jobId } });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ name: 'inventory.push', error: 'unavailable: Shopify answered 503', attempts: 3, data: { shopId: supplier.id, partnershipId } });
    const alert = await tdb.db.alert.findUniqueOrThrow({ where: { shopId_key: { shopId: supplier.id, key: `inventory-push-failed_${partnershipId}` } } });
    expect(alert).toMatchObject({ title: 'Inventory push stopped', message: 'Shopify answered 503', severity: 'WARNING', resolvedAt: null });
    const run = await tdb.db.syncRun.findFirstOrThrow({ where: { jobId } });
    expect(run.status).toBe('FAILED');
    expect((run.errors as unknown[]).length).toBe(3);
  });
});

describe('when the platform rejects the input', () => {
  it('gives up after one attempt with an alert naming the problem and a dead letter', async () => {
    const { supplier, partnershipId } = await partnership();
    let calls = 0;
    work(
      {
        'catalog.sync': async () => {
          calls += 1;
          throw Invalid('Shopify rejected product "Oak Chair": title is too long', undefined, { merchantMessage: 'Shopify rejected product "Oak Chair": title is too long. Shorten it, then press Retry.' });
        },
      },
      ['catalog.sync'],
    );

    const { jobId, syncRunId } = await requestManualRun(tdb.db, queues, { queue: 'catalog.sync', shopId: supplier.id, partnershipId });
    await until(async () => (await queues.get('catalog.sync').getJob(jobId))?.isFailed());

    expect(calls).toBe(1);
    const dead = await tdb.db.deadLetter.findMany({ where: { queue: 'catalog.sync', jobId } });
    expect(dead).toHaveLength(1);
    expect(dead[0].error).toBe('invalid: Shopify rejected product "Oak Chair": title is too long. Shorten it, then press Retry.');
    const alerts = await tdb.db.alert.findMany({ where: { shopId: supplier.id } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ key: `catalog-sync-failed_${partnershipId}`, fix: 'Correct the data named above, then press Retry in Activity.' });
    expect(await tdb.db.syncRun.findUniqueOrThrow({ where: { id: syncRunId } })).toMatchObject({ status: 'FAILED', trigger: 'manual', mode: 'PARTIAL' });
  });
});

describe('when no handler is wired for a job', () => {
  it('fails clearly with capability_missing instead of succeeding', async () => {
    const { supplier } = await partnership();
    work({}, ['oversell']);
    const { jobId } = await enqueue(queues, 'oversell', { shopId: supplier.id, orderId: 'gid://shopify/Order/1001', shopDomain: supplier.domain, lines: [{ sku: 'A', variantExternalId: null, quantity: 1 }] });
    expect(jobId).toBe(`oversell_${supplier.id}_gid---shopify-Order-1001`);
    await until(async () => (await queues.get('oversell').getJob(jobId))?.isFailed());
    const dead = await tdb.db.deadLetter.findUniqueOrThrow({ where: { queue_jobId: { queue: 'oversell', jobId } } });
    expect(dead.error).toBe('capability_missing: Tandem cannot run oversell yet: this part of the sync engine is not installed.');
  });
});

describe('when the platform says to slow down', () => {
  it('delays the job by retryAfterMs without spending an attempt, then succeeds', async () => {
    const { supplier, partnershipId } = await partnership();
    const calledAt: number[] = [];
    work(
      {
        'orders.pull': async () => {
          calledAt.push(Date.now());
          if (calledAt.length === 1) throw RateLimited(400);
          return { counts: { forwarded: 2 } };
        },
      },
      ['orders.pull'],
    );

    // One attempt only: a rate limit that burnt it would fail the job.
    const { jobId } = await enqueue(queues, 'orders.pull', { shopId: supplier.id, partnershipId, trigger: 'schedule' }, { attempts: 1 });
    const queue = queues.get('orders.pull');
    await until(async () => (await queue.getJob(jobId))?.isDelayed());
    expect(await tdb.db.deadLetter.count({ where: { jobId } })).toBe(0);

    await until(async () => (await queue.getJob(jobId))?.isCompleted());
    expect(calledAt).toHaveLength(2);
    expect(calledAt[1] - calledAt[0]).toBeGreaterThanOrEqual(400);
    const job = await queue.getJob(jobId);
    expect(job?.returnvalue).toEqual({ counts: { forwarded: 2 } });
    const run = await tdb.db.syncRun.findFirstOrThrow({ where: { jobId } });
    expect(run).toMatchObject({ status: 'SUCCEEDED', counts: { forwarded: 2 } });
    expect(run.errors).toEqual([expect.objectContaining({ code: 'rate_limited' })]);
  });
});

describe('when the merchant presses Sync now twice while the first run waits', () => {
  it('runs once and both presses point at the same SyncRun', async () => {
    const { supplier, partnershipId } = await partnership();
    const first = await requestManualRun(tdb.db, queues, { queue: 'catalog.sync', shopId: supplier.id, partnershipId }, 1_000);
    const second = await requestManualRun(tdb.db, queues, { queue: 'catalog.sync', shopId: supplier.id, partnershipId }, 2_000);
    expect(second).toEqual(first);
    expect(await tdb.db.syncRun.count({ where: { partnershipId } })).toBe(1);
    let calls = 0;
    work({ 'catalog.sync': async () => { calls += 1; } }, ['catalog.sync']);
    await until(async () => (await queues.get('catalog.sync').getJob(first.jobId))?.isCompleted());
    expect(calls).toBe(1);
  });
});

describe('when the merchant asks for a Full run while a Partial run of the same partnership waits', () => {
  const request = (shopId: string, partnershipId: string, mode: 'FULL' | 'PARTIAL') => ({ queue: 'catalog.sync' as const, shopId, partnershipId, mode });

  it('runs the Full instead of the waiting Partial, and Activity shows only the Full', async () => {
    const { supplier, partnershipId } = await partnership();
    const partial = await requestManualRun(tdb.db, queues, request(supplier.id, partnershipId, 'PARTIAL'), 1_000);
    const full = await requestManualRun(tdb.db, queues, request(supplier.id, partnershipId, 'FULL'), 2_000);

    expect(full.jobId).not.toBe(partial.jobId);
    const modes: string[] = [];
    work({ 'catalog.sync': async (p) => { if (p.partnershipId === partnershipId) modes.push(p.mode); } }, ['catalog.sync']);
    await until(async () => (await queues.get('catalog.sync').getJob(full.jobId))?.isCompleted());
    expect(modes).toEqual(['FULL']);
    expect(await queues.get('catalog.sync').getJob(partial.jobId)).toBeUndefined();
    const runs = await tdb.db.syncRun.findMany({ where: { partnershipId } });
    expect(runs.map((r) => [r.mode, r.status, r.jobId])).toEqual([['FULL', 'SUCCEEDED', full.jobId]]);
  });

  it('joins a Partial asked for while a Full waits, and a second Full, to that Full', async () => {
    const { supplier, partnershipId } = await partnership();
    const full = await requestManualRun(tdb.db, queues, request(supplier.id, partnershipId, 'FULL'), 1_000);
    const partial = await requestManualRun(tdb.db, queues, request(supplier.id, partnershipId, 'PARTIAL'), 2_000);
    const fullAgain = await requestManualRun(tdb.db, queues, request(supplier.id, partnershipId, 'FULL'), 3_000);

    expect(partial).toEqual(full);
    expect(fullAgain).toEqual(full);
    const waiting = (await queues.get('catalog.sync').getJobs(['prioritized', 'waiting'])).filter((j) => j.data.partnershipId === partnershipId);
    expect(waiting.map((j) => j.data.mode)).toEqual(['FULL']);
    expect(await tdb.db.syncRun.count({ where: { partnershipId } })).toBe(1);
  });

  it('queues the Full after a Partial that is already running', async () => {
    const { supplier, partnershipId } = await partnership();
    const modes: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    work({ 'catalog.sync': async (p) => {
      if (p.partnershipId !== partnershipId) return;
      modes.push(p.mode);
      if (p.mode === 'PARTIAL') await released;
    } }, ['catalog.sync']);
    const partial = await requestManualRun(tdb.db, queues, request(supplier.id, partnershipId, 'PARTIAL'), 1_000);
    await until(async () => (await queues.get('catalog.sync').getJob(partial.jobId))?.isActive());

    const full = await requestManualRun(tdb.db, queues, request(supplier.id, partnershipId, 'FULL'), 2_000);
    release();

    expect(full.jobId).not.toBe(partial.jobId);
    await until(async () => (await queues.get('catalog.sync').getJob(full.jobId))?.isCompleted());
    expect(modes).toEqual(['PARTIAL', 'FULL']);
  });
});

describe('when the merchant presses "Sync to partners now" on products while other runs wait', () => {
  it('queues one run per product and for the whole catalog, and joins a second press on the same product', async () => {
    const { supplier, partnershipId } = await partnership();
    const request = (productIds?: string[]) => ({ queue: 'catalog.sync' as const, shopId: supplier.id, partnershipId, ...(productIds ? { productIds } : {}) });
    const shirt = await requestManualRun(tdb.db, queues, request(['gid://shopify/Product/1']), 1_000);
    const tote = await requestManualRun(tdb.db, queues, request(['gid://shopify/Product/2']), 2_000);
    const catalog = await requestManualRun(tdb.db, queues, request(), 3_000);
    const shirtAgain = await requestManualRun(tdb.db, queues, request(['gid://shopify/Product/1']), 4_000);

    expect(new Set([shirt.jobId, tote.jobId, catalog.jobId]).size).toBe(3);
    expect(shirtAgain).toEqual(shirt);
    const waiting = (await queues.get('catalog.sync').getJobs(['prioritized', 'waiting'])).filter((j) => j.data.partnershipId === partnershipId);
    expect(waiting.map((j) => j.data.productIds ?? 'whole catalog').sort()).toEqual([['gid://shopify/Product/1'], ['gid://shopify/Product/2'], 'whole catalog']);
    expect(await tdb.db.syncRun.count({ where: { partnershipId } })).toBe(3);
  });

  it('refuses to limit an inventory push to products', async () => {
    const { supplier, partnershipId } = await partnership();
    await expect(requestManualRun(tdb.db, queues, { queue: 'inventory.push', shopId: supplier.id, partnershipId, productIds: ['gid://shopify/Product/1'] })).rejects.toThrow('inventory.push cannot be limited to products');
    expect(await tdb.db.syncRun.count({ where: { partnershipId } })).toBe(0);
  });
});

describe('when a sync run reports progress', () => {
  it('shows the progress on the SyncRun row while it runs, then the counts and API calls', async () => {
    const { supplier, partnershipId } = await partnership();
    let finish!: () => void;
    const halfway = new Promise<void>((r) => (finish = r));
    work(
      {
        'inventory.push': async (_payload, ctx) => {
          await ctx.progress(3, 10, 'listings');
          await halfway;
          await ctx.progress(10, 10, 'listings');
          return { counts: { updated: 10 }, apiCalls: 4, costPoints: 40 };
        },
      },
      ['inventory.push'],
    );

    const { jobId, syncRunId } = await requestManualRun(tdb.db, queues, { queue: 'inventory.push', shopId: supplier.id, partnershipId });
    setTimeout(() => finish(), 10_000); // never leave the worker hanging if an assertion fails
    const during = await until(async () => {
      const run = await tdb.db.syncRun.findUniqueOrThrow({ where: { id: syncRunId } });
      return run.progressDone === 3 && run;
    });
    expect(during).toMatchObject({ status: 'RUNNING', progressDone: 3, progressTotal: 10, jobId });
    expect((await queues.get('inventory.push').getJob(jobId))?.progress).toEqual({ phase: 'listings', done: 3, total: 10 });

    finish();
    const after = await until(async () => {
      const run = await tdb.db.syncRun.findUniqueOrThrow({ where: { id: syncRunId } });
      return run.status === 'SUCCEEDED' && run;
    });
    expect(after).toMatchObject({ progressDone: 10, progressTotal: 10, counts: { updated: 10 }, apiCalls: 4, costPoints: 40, trigger: 'manual' });
    expect(after.finishedAt!.getTime()).toBeGreaterThanOrEqual(after.startedAt!.getTime());
  });
});

describe('when one shop has many runs queued', () => {
  it('runs one at a time for that shop while another shop’s run goes ahead', async () => {
    const big = await partnership();
    const small = await partnership();
    const active = new Map<string, number>();
    const most = new Map<string, number>();
    const log: string[] = [];
    const run = async (payload: { shopId: string; partnershipId: string }) => {
      const now = (active.get(payload.shopId) ?? 0) + 1;
      active.set(payload.shopId, now);
      most.set(payload.shopId, Math.max(most.get(payload.shopId) ?? 0, now));
      log.push(`start ${payload.shopId}`);
      await new Promise((r) => setTimeout(r, 150));
      active.set(payload.shopId, active.get(payload.shopId)! - 1);
      log.push(`end ${payload.shopId}`);
    };
    work({ 'inventory.push': run, 'orders.pull': run }, ['inventory.push', 'orders.pull'], 1);

    const ids = [];
    for (let i = 1; i <= 3; i++) {
      ids.push(['inventory.push', (await enqueue(queues, 'inventory.push', { shopId: big.supplier.id, partnershipId: big.partnershipId, trigger: 'manual', requestedAt: i })).jobId] as const);
    }
    ids.push(['orders.pull', (await enqueue(queues, 'orders.pull', { shopId: big.supplier.id, partnershipId: big.partnershipId, trigger: 'manual', requestedAt: 1 })).jobId] as const);
    ids.push(['inventory.push', (await enqueue(queues, 'inventory.push', { shopId: small.supplier.id, partnershipId: small.partnershipId, trigger: 'manual', requestedAt: 1 })).jobId] as const);

    for (const [q, id] of ids) await until(async () => (await queues.get(q).getJob(id))?.isCompleted());
    expect(most.get(big.supplier.id)).toBe(1);
    // The small shop did not wait for the big shop's four runs.
    expect(log.indexOf(`start ${small.supplier.id}`)).toBeLessThan(log.lastIndexOf(`start ${big.supplier.id}`));
    // Waiting for a slot never burns an attempt: every job completed on its first.
    const jobs = await Promise.all(ids.map(([q, id]) => queues.get(q).getJob(id)));
    expect(jobs.map((j) => j?.attemptsMade)).toEqual(jobs.map(() => 1));
  });
});
