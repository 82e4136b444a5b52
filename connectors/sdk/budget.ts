// Rate-limit budgets. Each connector declares its platform's policy in its manifest; every call
// spends from the connection's shared budget before it is sent (proactive), so N workers together
// stay under the platform's limit. The Redis implementation lives in app/jobs/budget.server.ts.

/** A platform's published limits, as a connector's manifest declares them. */
export interface RateLimitPolicy {
  /**
   * token-bucket: `capacity` calls (or cost points) refilled at `refillPerSecond` (Shopify, BigCommerce-ish).
   * fixed-window: `capacity` calls per `windowMs` (BigCommerce 30 s quota, Lightspeed 5 min, Xero 60/min).
   */
  kind: 'token-bucket' | 'fixed-window';
  capacity: number;
  refillPerSecond?: number;
  windowMs?: number;
  /** Calls per day (Xero: 5,000 per tenant). */
  dailyCap?: number;
  /** Concurrent calls in flight (Xero: 5). */
  maxConcurrent?: number;
  /** What one unit is: a call, or a GraphQL cost point. */
  unit: 'call' | 'cost';
  /** The vendor's page describing the limits. */
  source: string;
}

export interface SpendResult {
  /** Milliseconds waited before the budget allowed the call. */
  waitedMs: number;
}

/** A shared budget for one connection. */
export interface Budget {
  /**
   * Waits until `units` fit the budget, then spends them. Throws a `budget_exhausted`
   * ConnectorError when the daily cap is reached, or `rate_limited` if the wait would exceed
   * the caller's cap (maxWaitMs), so the job layer can delay the job instead of blocking a worker.
   */
  spend(units?: number, opts?: { maxWaitMs?: number }): Promise<SpendResult>;
  /** Gives back units not used (Shopify refunds requested − actual cost). */
  refund(units: number): Promise<void>;
  /** The vendor told us how much is left (reactive): align the shared state with it. */
  observe(state: { remaining?: number; resetInMs?: number; dailyRemaining?: number }): Promise<void>;
  /** Releases a concurrency slot taken by spend() when maxConcurrent is set. */
  release?(): Promise<void>;
  usage(): Promise<{ today: number; month: number; dailyCap?: number }>;
}

/** For tests and one-off scripts: never waits. */
export const unlimitedBudget: Budget = {
  async spend() {
    return { waitedMs: 0 };
  },
  async refund() {},
  async observe() {},
  async usage() {
    return { today: 0, month: 0 };
  },
};
