// An in-process Budget for tests, scripts and the single-process demo. Production shares one
// budget per connection across workers in Redis (app/jobs/budget.server.ts); this one follows the
// same contract so connector tests exercise real pacing.
import type { Budget, RateLimitPolicy } from './budget.ts';
import { ConnectorError, RateLimited } from './errors.ts';
import { sleep } from './http.ts';

const REFUND_CHECK_MS = 20;

export function createMemoryBudget(policy: RateLimitPolicy, now: () => number = Date.now): Budget {
  let available = policy.capacity;
  let windowStart = now();
  let lastRefill = now();
  let today = 0;
  let dailyRemaining: number | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  function refill() {
    const t = now();
    if (policy.kind === 'token-bucket') {
      available = Math.min(policy.capacity, available + ((t - lastRefill) / 1000) * (policy.refillPerSecond ?? 0));
      lastRefill = t;
    } else if (t - windowStart >= (policy.windowMs ?? 0)) {
      available = policy.capacity;
      windowStart = t;
    }
  }

  function waitFor(units: number): number {
    refill();
    if (available >= units) return 0;
    if (policy.kind === 'token-bucket') return Math.ceil(((units - available) / (policy.refillPerSecond ?? 1)) * 1000);
    return Math.max(1, windowStart + (policy.windowMs ?? 0) - now());
  }

  async function take(units: number, maxWaitMs: number) {
    if ((policy.dailyCap !== undefined && today + units > policy.dailyCap) || (dailyRemaining !== undefined && dailyRemaining < units)) {
      throw new ConnectorError('budget_exhausted', 'The daily call allowance is used up', {
        merchantMessage: 'Tandem has used today’s API allowance for this connection; syncing resumes tomorrow.',
      });
    }
    let waitedMs = 0;
    // A bigger request than the bucket holds can never fit; let it through once the bucket is full.
    const need = Math.min(units, policy.capacity);
    for (let wait = waitFor(need); wait > 0; wait = waitFor(need)) {
      if (waitedMs + wait > maxWaitMs) throw RateLimited(wait, 'The connection’s rate-limit budget is spent');
      // Short naps: a refund from a call in flight may cover us long before the refill would.
      const nap = Math.min(wait, REFUND_CHECK_MS);
      await sleep(nap);
      waitedMs += nap;
    }
    available -= units;
    today += units;
    if (dailyRemaining !== undefined) dailyRemaining -= units;
    return { waitedMs };
  }

  return {
    spend(units = 1, opts = {}) {
      const result = queue.then(() => take(units, opts.maxWaitMs ?? Number.POSITIVE_INFINITY));
      queue = result.catch(() => undefined);
      return result;
    },
    async refund(units) {
      refill();
      available = Math.min(policy.capacity, available + units);
    },
    async observe(state) {
      refill();
      if (state.remaining !== undefined) available = Math.min(available, state.remaining);
      if (state.resetInMs !== undefined && policy.kind === 'fixed-window' && state.remaining !== undefined) {
        windowStart = now() + state.resetInMs - (policy.windowMs ?? 0);
      }
      if (state.dailyRemaining !== undefined) dailyRemaining = state.dailyRemaining;
    },
    async usage() {
      return { today, month: today, dailyCap: policy.dailyCap };
    },
  };
}
