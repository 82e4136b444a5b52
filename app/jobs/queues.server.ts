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

/** The process's Redis target from REDIS_URL and REDIS_PREFIX. */
export function redisFromEnv(): RedisTarget {
  return { connection: openRedis(), prefix: env().REDIS_PREFIX };
}

export interface Queues {
  readonly prefix: string;
  readonly connection: Redis;
  /** The queue for one job of DESIGN's table, opened on first use. */
  get(name: QueueName): Queue;
  /** Closes the queues opened here (the connection belongs to the caller). */
  close(): Promise<void>;
}

export function openQueues({ connection, prefix }: RedisTarget): Queues {
  const opened = new Map<QueueName, Queue>();
  return {
    prefix,
    connection,
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
