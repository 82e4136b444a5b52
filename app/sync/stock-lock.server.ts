// The per-variant stock lock shared by every worker process, in Redis. All of a job's variants are
// taken at once by one script (all or none), so two jobs over overlapping variants cannot deadlock;
// the lease is renewed while the work runs and released only by its holder.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Unavailable } from '../../connectors/sdk/errors.ts';
import { holdLease, tryAcquireLease } from './redis-lease.server.ts';
import type { StockLock } from './stock-context.server.ts';

export interface RedisStockLockOptions {
  /** The deployment's REDIS_PREFIX (or a test's): every lock key lives under it. */
  prefix: string;
  /** How long a lock outlives a dead worker. Renewed every third of it while the work runs. */
  leaseMs?: number;
  /** How long to wait for busy variants before giving the job back to the queue. */
  waitMs?: number;
}

export function redisStockLock(redis: Redis, options: RedisStockLockOptions): StockLock {
  // One `{stock}` hash tag keeps every lock key in one Redis Cluster slot, as the all-or-none
  // scripts over many keys require.
  const prefix = `${options.prefix}:stock-lock:{stock}:`;
  const leaseMs = options.leaseMs ?? 30_000;
  const waitMs = options.waitMs ?? 20_000;
  return async (variantIds, work) => {
    const keys = [...new Set(variantIds)].sort().map((id) => `${prefix}${id}`);
    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      if (await tryAcquireLease(redis, keys, token, leaseMs)) break;
      if (Date.now() > deadline) {
        throw Unavailable(`Stock of ${keys.length} variants stayed locked by another job for ${waitMs} ms`, { details: { variants: variantIds.slice(0, 20) } });
      }
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
    }
    return holdLease(redis, keys, token, leaseMs, work);
  };
}
