// A counting semaphore in Redis: at most `limit` holders at once across every worker. Each holder
// has a lease that expires, so a crashed worker's slot comes back by itself.
import type { Redis } from 'ioredis';

// KEYS[1] holders zset (score = lease expiry, Redis clock). ARGV: holder, limit, leaseMs.
// Returns 0 when taken, else the ms until the earliest lease expires (a hint for waiting).
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], lease)
  return 0
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(first[2]) - now)
`;

export class RedisSemaphore {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly limit: number,
    private readonly leaseMs = 60_000,
  ) {}

  /** Takes (or renews) `holder`'s slot: 0 when held, else a wait hint in ms. */
  async tryAcquire(holder: string): Promise<number> {
    return Number(await this.redis.eval(ACQUIRE, 1, this.key, holder, this.limit, this.leaseMs));
  }

  async release(holder: string) {
    await this.redis.zrem(this.key, holder);
  }

  /** Renews the lease every third of its length while `work` runs, then releases. */
  async holding<T>(holder: string, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => void this.tryAcquire(holder).catch(() => {}), Math.max(1_000, this.leaseMs / 3));
    try {
      return await work();
    } finally {
      clearInterval(timer);
      await this.release(holder);
    }
  }
}
