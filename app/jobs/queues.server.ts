// Queues from DESIGN.md's job table, one BullMQ queue per job so a long catalog sync never sits
// in front of an oversell update. BullMQ rejects ':' in queue names (queue-base.ts); dots are fine.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { env } from '../env.server.ts';

export const QUEUE_NAMES = [
  'orders.pull',
  'fulfillments.push',
  'catalog.sync',
  'inventory.push',
  'oversell',
  'nightly.full',
  'sweep.oldest',
  'invoices.post',
  'billing.daily',
] as const;

export type QueueName = (typeof QUEUE_NAMES)[number];

export function isQueueName(name: string): name is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(name);
}

/** Where queues and budgets live: one Redis connection and the key prefix of this deployment. */
export interface RedisTarget {
  connection: Redis;
  /** BullMQ's `prefix` and the root of our own keys (budgets, shop slots). No ':' inside. */
  prefix: string;
}

/**
 * A connection usable by BullMQ workers as well as queues: workers block on Redis, so BullMQ
 * requires `maxRetriesPerRequest: null` (docs: guide/connections).
 */
export function openRedis(url = env().REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/**
 * The web app's connection: a request must not wait for Redis to come back (a webhook would hang
 * past Shopify's timeout; a merchant's click would spin). A command fails once the next reconnect
 * attempt fails (maxRetriesPerRequest 0), and attempts come at least every second. BullMQ allows
 * this for queues that only add jobs (docs: guide/going-to-production, "fail fast").
 */
export function openProducerRedis(url = env().REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: (times) => Math.min(times * 100, 1_000) });
}

/** Redis could not take a job: nothing was queued, and the caller must say so (never pretend). */
export class QueueUnavailable extends Error {
  readonly code = 'queue_unavailable';
  constructor(cause?: unknown) {
    super('The job queue (Redis) is not reachable, so nothing was queued.', { cause });
    this.name = 'QueueUnavailable';
  }
}

/** By code, not instanceof: Vite's module copies in development each have their own class. */
export function isQueueUnavailable(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'queue_unavailable';
}

/** The process's Redis target from REDIS_URL and REDIS_PREFIX (`producer`: the web app's fail-fast connection). */
export function redisFromEnv(options: { producer?: boolean } = {}): RedisTarget {
  return { connection: options.producer ? openProducerRedis() : openRedis(), prefix: env().REDIS_PREFIX };
}

export interface Queues {
  readonly prefix: string;
  readonly connection: Redis;
  /** True for the web app's queues: a job Redis cannot take fails at once as QueueUnavailable. */
  readonly failsFast: boolean;
  /** The queue for one job of DESIGN's table, opened on first use. */
  get(name: QueueName): Queue;
  /**
   * Resolves once Redis is connected. Fail-fast queues (the web app's) wait at most `failFastMs`,
   * then throw QueueUnavailable; the workers' queues resolve at once and let commands wait.
   */
  connected(): Promise<void>;
  /** Closes the queues opened here (the connection belongs to the caller). */
  close(): Promise<void>;
}

export function openQueues({ connection, prefix }: RedisTarget, options: { failFastMs?: number } = {}): Queues {
  const opened = new Map<QueueName, Queue>();
  return {
    prefix,
    connection,
    failsFast: options.failFastMs !== undefined,
    async connected() {
      if (options.failFastMs === undefined || connection.status === 'ready') return;
      // A Queue opened while Redis is away waits for it without end (BullMQ's init awaits 'ready'),
      // so the wait is bounded here: long enough for the first connect after start, no longer.
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          connection.off('ready', done);
          resolve();
        };
        const timer = setTimeout(() => {
          connection.off('ready', done);
          reject(new QueueUnavailable());
        }, options.failFastMs);
        connection.once('ready', done);
      });
    },
    get(name) {
      let queue = opened.get(name);
      if (!queue) {
        queue = new Queue(name, { connection, prefix });
        opened.set(name, queue);
      }
      return queue;
    },
    async close() {
      await Promise.all([...opened.values()].map((q) => q.close()));
      opened.clear();
    },
  };
}
