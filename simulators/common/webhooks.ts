// Outgoing webhook delivery shared by the simulators: signed by the vendor's scheme (the caller
// passes headers), retried with backoff on failure, and subject to delivery faults (drop,
// duplicate, delay) so tests can reproduce at-least-once, out-of-order delivery.
import { sleep } from './faults.ts';

export interface DeliveryFaults {
  /** Deliveries to drop silently (counted down). */
  drop: number;
  /** Deliveries to send twice. */
  duplicate: number;
  /** Extra delay before each delivery. */
  delayMs: number;
}

export interface Delivery {
  url: string;
  body: string;
  headers: Record<string, string>;
  attempts: number;
  deliveredAt?: string;
  lastStatus?: number;
  lastError?: string;
}

export interface WebhookSenderOptions {
  /** Attempts before giving up (Shopify: 1 + 8 retries). */
  maxAttempts: number;
  /** Delay before retry n (1-based). Real vendors wait minutes; simulators default to ms. */
  backoffMs: (attempt: number) => number;
  timeoutMs: number;
}

export class WebhookSender {
  readonly faults: DeliveryFaults = { drop: 0, duplicate: 0, delayMs: 0 };
  readonly log: Delivery[] = [];
  #pending = new Set<Promise<void>>();

  constructor(private readonly options: WebhookSenderOptions = { maxAttempts: 9, backoffMs: (n) => 50 * 2 ** n, timeoutMs: 5000 }) {}

  /** Queues a delivery; returns at once (vendors deliver asynchronously). */
  send(url: string, body: string, headers: Record<string, string>) {
    if (this.faults.drop > 0) {
      this.faults.drop -= 1;
      return;
    }
    const copies = this.faults.duplicate > 0 ? 2 : 1;
    if (copies === 2) this.faults.duplicate -= 1;
    for (let i = 0; i < copies; i++) {
      const delivery: Delivery = { url, body, headers, attempts: 0 };
      this.log.push(delivery);
      const p = this.#deliver(delivery).finally(() => this.#pending.delete(p));
      this.#pending.add(p);
    }
  }

  /** Resolves when every queued delivery succeeded or gave up. */
  async drain() {
    while (this.#pending.size) await Promise.allSettled([...this.#pending]);
  }

  reset() {
    this.log.length = 0;
    Object.assign(this.faults, { drop: 0, duplicate: 0, delayMs: 0 });
  }

  async #deliver(d: Delivery) {
    if (this.faults.delayMs) await sleep(this.faults.delayMs);
    while (d.attempts < this.options.maxAttempts) {
      d.attempts += 1;
      try {
        const res = await fetch(d.url, {
          method: 'POST',
          body: d.body,
          headers: d.headers,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        d.lastStatus = res.status;
        await res.arrayBuffer();
        // Shopify counts 3xx as failure too: only 2xx is delivered.
        if (res.status >= 200 && res.status < 300) {
          d.deliveredAt = new Date().toISOString();
          return;
        }
      } catch (err) {
        d.lastError = (err as Error).message;
      }
      await sleep(this.options.backoffMs(d.attempts));
    }
  }
}
