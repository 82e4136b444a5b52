// Shopify's per app+shop leaky bucket: the requested cost must fit what is available before the
// query runs; what it did not use is given back afterwards (contracts README).
import type { BucketConfig } from './state.ts';

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class LeakyBucket {
  #available: number;
  #atMs: number;

  constructor(
    public config: BucketConfig,
    nowMs: number,
  ) {
    this.#available = config.maximumAvailable;
    this.#atMs = nowMs;
  }

  /** Points available now, after restoring for the time since the last look. */
  available(nowMs: number): number {
    const elapsedS = Math.max(0, nowMs - this.#atMs) / 1000;
    this.#available = Math.min(this.config.maximumAvailable, this.#available + elapsedS * this.config.restoreRate);
    // A clock set back (control API) restores nothing, and restoring resumes from the new time.
    this.#atMs = nowMs;
    return this.#available;
  }

  /** Takes `cost` when it fits; false (and nothing taken) when it does not. */
  take(cost: number, nowMs: number): boolean {
    if (cost > this.available(nowMs)) return false;
    this.#available -= cost;
    return true;
  }

  refund(points: number, nowMs: number) {
    this.available(nowMs);
    this.#available = Math.min(this.config.maximumAvailable, this.#available + Math.max(0, points));
  }

  reconfigure(config: BucketConfig, nowMs: number) {
    this.available(nowMs);
    this.config = config;
    this.#available = Math.min(this.#available, config.maximumAvailable);
  }

  status(nowMs: number): ThrottleStatus {
    return { maximumAvailable: this.config.maximumAvailable, currentlyAvailable: Math.floor(this.available(nowMs)), restoreRate: this.config.restoreRate };
  }
}
