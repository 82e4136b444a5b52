import { afterAll, describe, expect, it } from 'vitest';
import { deletePrefix, testRedis, uniquePrefix } from '../../test/support/redis.ts';
import { redisStockLock } from './stock-lock.server.ts';

const redis = testRedis();
const prefix = uniquePrefix('stock-lock');
/** Where the lock keeps a variant's key: under the deployment's prefix. */
const keyOf = (variantId: string) => `${prefix}:stock-lock:{stock}:${variantId}`;
afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('when two workers lock overlapping variants', () => {
  it('runs the second only after the first released them', async () => {
    // Two locks over one Redis stand for two worker processes.
    const [a, b] = [redisStockLock(redis, { prefix }), redisStockLock(redis, { prefix })];
    const log: string[] = [];
    const job = (lock: typeof a, name: string, keys: string[], ms: number) =>
      lock(keys, async () => {
        log.push(`${name} start`);
        await sleep(ms);
        log.push(`${name} end`);
      });
    await Promise.all([job(a, 'first', ['v2', 'v1'], 60), sleep(10).then(() => job(b, 'second', ['v1', 'v3'], 1)), sleep(10).then(() => job(b, 'other', ['v9'], 1))]);
    expect(log.indexOf('second start')).toBeGreaterThan(log.indexOf('first end'));
    expect(log.indexOf('other end')).toBeLessThan(log.indexOf('first end'));
    expect(await redis.exists(`${prefix}v1`, `${prefix}v2`, `${prefix}v3`)).toBe(0);
  });

  it('gives the job back to the queue as unavailable when the variants stay locked', async () => {
    const holder = redisStockLock(redis, { prefix });
    const impatient = redisStockLock(redis, { prefix, waitMs: 50 });
    let release!: () => void;
    const held = holder(['v5'], () => new Promise<void>((r) => (release = r)));
    await sleep(10);
    await expect(impatient(['v5'], async () => 'never')).rejects.toMatchObject({ code: 'unavailable' });
    release();
    await held;
  });

  it('keeps the lease alive while long work runs, and frees it when the work fails', async () => {
    const lock = redisStockLock(redis, { prefix, leaseMs: 60 });
    await expect(
      lock(['v7'], async () => {
        await sleep(200);
        expect(await redis.exists(keyOf('v7'))).toBe(1);
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect(await redis.exists(keyOf('v7'))).toBe(0);
  });
});
