// Everything the engine's handlers keep in Redis, built from one RedisTarget so every key lives
// under the deployment's REDIS_PREFIX: several deployments (or test files) can share one Redis,
// and a Redis Cluster's ACLs or key-pattern tooling can address one deployment by its prefix.
import { redisCatalogPullLease } from '../sync/catalog-pull-lease.server.ts';
import { redisStockLock } from '../sync/stock-lock.server.ts';
import { Budgets } from './budget.server.ts';
import type { HandlerDeps } from './handlers.server.ts';
import type { RedisTarget } from './queues.server.ts';

/** The rate-limit budgets, the per-variant stock lock and the catalog pull lease of one deployment. */
export function engineRedisDeps(target: RedisTarget): Required<Pick<HandlerDeps, 'budgets' | 'stockLock' | 'catalogPullLease'>> {
  return {
    budgets: new Budgets(target),
    stockLock: redisStockLock(target.connection, { prefix: target.prefix }),
    catalogPullLease: redisCatalogPullLease(target.connection, { prefix: target.prefix }),
  };
}
