// One BullMQ worker per queue, each running its job definition through run-job's processor with
// the handler the engine provides. Oversell gets the most concurrency and no shop slot, so it
// is never queued behind a shop's long catalog sync.
import { Worker } from 'bullmq';
import type { Db } from '../db.server.ts';
import { jobDefinitions, type JobHandlers } from './definitions.server.ts';
import type { JobDefinition, JobHandler } from './job-definition.server.ts';
import { QUEUE_NAMES, type QueueName, type RedisTarget } from './queues.server.ts';
import { jobProcessor, recordFailureOutsideProcessor } from './run-job.server.ts';
import { RedisSemaphore } from './semaphore.server.ts';

export const DEFAULT_CONCURRENCY: Record<QueueName, number> = {
  oversell: 20,
  'orders.pull': 4,
  'fulfillments.push': 4,
  'catalog.sync': 2,
  'inventory.push': 4,
  'nightly.full': 2,
  'sweep.oldest': 2,
  'invoices.post': 4,
  'billing.daily': 1,
};

/** Queues whose jobs are real-time or shop-less: they never wait for a shop slot. */
const WITHOUT_SHOP_SLOT: ReadonlySet<QueueName> = new Set(['oversell', 'billing.daily']);

export interface WorkerOptions {
  db: Db;
  redis: RedisTarget;
  handlers: JobHandlers;
  /** Only these queues (default: all). */
  queues?: readonly QueueName[];
  concurrency?: Partial<Record<QueueName, number>>;
  /** Non-oversell jobs of one shop running at once across every worker (0: no limit). */
  perShopConcurrency?: number;
  /** Passed to run-job: delay before a job whose shop has no free slot tries again. */
  slotRetryMs?: number;
  /**
   * BullMQ's lockDuration, also used as the stalled-check interval: a job whose worker died is
   * run again within about twice this (default BullMQ's 30 s).
   */
  lockMs?: number;
}

export interface RunningWorkers {
  workers: Worker[];
  /** Waits for active jobs to finish, then stops. */
  close(): Promise<void>;
}

export function startWorkers(options: WorkerOptions): RunningWorkers {
  const { db, redis, handlers, perShopConcurrency = 2 } = options;
  const shopSlots = (shopId: string) => new RedisSemaphore(redis.connection, `${redis.prefix}:shop-slots:{${shopId}}`, perShopConcurrency, 5 * 60_000);
  const workers = (options.queues ?? QUEUE_NAMES).map((queue) => {
    const definition = jobDefinitions[queue] as JobDefinition;
    const handler = handlers[queue] as JobHandler<unknown> | undefined;
    const fair = perShopConcurrency > 0 && !WITHOUT_SHOP_SLOT.has(queue);
    const processor = jobProcessor(definition, handler, { db, shopSlots: fair ? shopSlots : undefined, slotRetryMs: options.slotRetryMs });
    const worker = new Worker(queue, processor, {
      connection: redis.connection,
      prefix: redis.prefix,
      concurrency: options.concurrency?.[queue] ?? DEFAULT_CONCURRENCY[queue],
      ...(options.lockMs ? { lockDuration: options.lockMs, stalledInterval: options.lockMs } : {}),
    });
    // Safety net for failures the processor never saw (a job stalled too often, a lost lock):
    // only a job that will not be retried, i.e. one that is now in the failed set. It leaves the
    // trail a give-up leaves: dead letter, FAILED run, the shop's alert.
    worker.on('failed', (job, err) => {
      if (!job) return;
      job
        .getState()
        .then((state) => {
          if (state !== 'failed') return;
          return recordFailureOutsideProcessor(db, definition, job, err);
        })
        .catch((e) => console.error(`Could not record dead job ${queue}/${job.id}`, e));
    });
    worker.on('error', (err) => console.error(`Worker ${queue}:`, err));
    return worker;
  });
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
