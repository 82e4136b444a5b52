// What resolvers and routes share: the state, the clock, buckets, and the outgoing webhooks.
import type { SimClock } from '../common/clock.ts';
import type { AppConfig, ShopRecord, SimState } from './state.ts';
import type { LeakyBucket } from './throttle.ts';
import type { ShopifyWebhooks } from './webhooks.ts';

export interface Sim {
  state: SimState;
  clock: SimClock;
  buckets: Map<string, LeakyBucket>;
  webhooks: ShopifyWebhooks;
  /** The app configuration given at start, restored by reset. */
  initialApp: AppConfig;
  /** Milliseconds a bulk operation stays RUNNING before it completes. */
  bulkDelayMs: number;
  /** The simulator's own address (bulk result URLs point here). */
  baseUrl(): string;
  /** Timers of running bulk operations, cleared on reset and close. */
  timers: Set<ReturnType<typeof setTimeout>>;
}

export interface GqlContext {
  sim: Sim;
  shop: ShopRecord;
  /** Inside a bulk operation connections return every node, without `first`. */
  bulk: boolean;
  /** Access scopes of the token that made the call. */
  scopes: ReadonlySet<string>;
}

export function nowIso(sim: Sim): string {
  return sim.clock.now().toISOString();
}
