// Liveness for load balancers and the demo: can this process reach its database and Redis?
import { Redis } from 'ioredis';
import type { Db } from './db.server.ts';

export interface Health {
  ok: boolean;
  db: 'up' | 'down';
  redis: 'up' | 'down';
}

/**
 * Checks both, each bounded by `timeoutMs`, so a hung dependency answers "down" instead of hanging.
 * The first check also opens (and migrates) the database: embedded PGlite needs a few seconds.
 */
export async function checkHealth(db: () => Promise<Db>, redisUrl: string, timeoutMs = 5000): Promise<Health> {
  const [dbUp, redisUp] = await Promise.all([
    within(timeoutMs, async () => {
      await (await db()).$queryRaw`SELECT 1`;
    }),
    within(timeoutMs, () => pingRedis(redisUrl, timeoutMs)),
  ]);
  return { ok: dbUp && redisUp, db: dbUp ? 'up' : 'down', redis: redisUp ? 'up' : 'down' };
}

async function pingRedis(url: string, timeoutMs: number) {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}

async function within(timeoutMs: number, check: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([check().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
