// The per-source catalog pull lease over real Redis: one pull at a time, its result reused only by
// those asked for before it started, a dead worker's lease outlived, a failed pull leaving no result.
import { afterAll, describe, expect, it } from 'vitest';
import { deletePrefix, testRedis, uniquePrefix } from '../../test/support/redis.ts';
import { redisCatalogPullLease } from './catalog-pull-lease.server.ts';
import type { PullResult } from './catalog.server.ts';

const redis = testRedis();
const prefix = uniquePrefix('pull-lease');
afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

let n = 0;
const source = () => `source-${++n}`;
const pulled = (products: number): PullResult => ({ pages: 1, products, variants: products, changed: products, ghosts: 0, generation: 1 });

describe('when syncs of one catalog source ask for a pull', () => {
  const lease = redisCatalogPullLease(redis, { prefix, leaseMs: 300 });

  it('lets one pull at a time and gives its result to a sync asked for before it started', async () => {
    const id = source();
    const askedAt = new Date();
    let running = 0;
    let most = 0;
    let pulls = 0;
    const pull = async () => {
      pulls += 1;
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 50));
      running -= 1;
      return pulled(3);
    };

    const results = await Promise.all([lease(id, { mode: 'PARTIAL', freshSince: askedAt }, pull), lease(id, { mode: 'PARTIAL', freshSince: askedAt }, pull)]);

    expect([pulls, most]).toEqual([1, 1]);
    expect(results.map((r) => [r.shared, r.result.products]).sort()).toEqual([
      [false, 3],
      [true, 3],
    ]);
  });

  it('pulls again for a sync asked for after the last pull started, and for a Full after a Partial', async () => {
    const id = source();
    let pulls = 0;
    const pull = async () => pulled(++pulls);
    await lease(id, { mode: 'PARTIAL', freshSince: new Date() }, pull);

    const later = await lease(id, { mode: 'PARTIAL', freshSince: new Date(Date.now() + 1) }, pull);
    const full = await lease(id, { mode: 'FULL', freshSince: new Date(0) }, pull);

    expect([later.shared, full.shared, pulls]).toEqual([false, false, 3]);
  });

  it('waits out the lease of a worker that died, then pulls', async () => {
    const id = source();
    await redis.set(`${prefix}:catalog-pull:{${id}}:lease`, 'dead-worker', 'PX', 200);

    const result = await lease(id, { mode: 'PARTIAL', freshSince: new Date() }, async () => pulled(2));

    expect(result).toEqual({ result: pulled(2), shared: false });
    expect(await redis.exists(`${prefix}:catalog-pull:{${id}}:lease`)).toBe(0);
  });

  it('does not release a lease that expired and another worker took', async () => {
    const id = source();
    const key = `${prefix}:catalog-pull:{${id}}:lease`;
    await lease(id, { mode: 'PARTIAL', freshSince: new Date() }, async () => {
      // This pull outlives its lease (no renewal can keep up with a stolen key): another worker holds it now.
      await redis.set(key, 'other-worker', 'PX', 5_000);
      return pulled(1);
    });

    expect(await redis.get(key)).toBe('other-worker');
  });

  it('leaves nothing to reuse when the pull fails, and frees the source', async () => {
    const id = source();
    const askedAt = new Date();
    await expect(lease(id, { mode: 'PARTIAL', freshSince: askedAt }, () => Promise.reject(new Error('Shopify answered 503')))).rejects.toThrow('Shopify answered 503');

    const next = await lease(id, { mode: 'PARTIAL', freshSince: askedAt }, async () => pulled(4));

    expect(next).toEqual({ result: pulled(4), shared: false });
  });
});
