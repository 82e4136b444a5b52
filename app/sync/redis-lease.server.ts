// Leases in Redis held by a token: taken all at once or not at all, renewed while the holder works,
// and renewed or released only while the key still holds the holder's token — a lease that expired
// and was taken by another worker is not ours to extend or lose
// (redis.io/docs/latest/develop/use/patterns/distributed-locks). The stock lock and the catalog
// pull lease wait for theirs in their own ways and hold them through this module.
import type { Redis } from 'ioredis';

const ACQUIRE = `
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then return 0 end
end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
end
return 1`;

const RENEW = `
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('PEXPIRE', key, ARGV[2]) end
end
return 1`;

const RELEASE = `
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 1`;

/** Takes every key for `token` (none if any is held), expiring after `leaseMs`; true when taken. */
export async function tryAcquireLease(redis: Redis, keys: string[], token: string, leaseMs: number): Promise<boolean> {
  return (await redis.eval(ACQUIRE, keys.length, ...keys, token, String(leaseMs))) === 1;
}

/** Runs `work` under leases already taken: renewed every third of `leaseMs`, released after. */
export async function holdLease<T>(redis: Redis, keys: string[], token: string, leaseMs: number, work: () => Promise<T>): Promise<T> {
  const renew = setInterval(() => {
    redis.eval(RENEW, keys.length, ...keys, token, String(leaseMs)).catch(() => undefined);
  }, Math.max(1, Math.floor(leaseMs / 3)));
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await redis.eval(RELEASE, keys.length, ...keys, token);
  }
}
