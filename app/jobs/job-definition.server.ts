// What every job file declares (STYLE.md "A job"): its queue, payload schema, options, the id
// its work gives it, and, for sync runs, how its SyncRun row is filled. The processor that runs
// a definition lives in run-job.server.ts and calls exactly one injected handler.
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { Db } from '../db.server.ts';
import type { QueueName } from './queues.server.ts';

/** Why a run started; stored in SyncRun.trigger. */
export const Trigger = z.enum(['schedule', 'manual', 'webhook', 'nightly', 'sweep']);
export type Trigger = z.infer<typeof Trigger>;

export const Id = z.string().min(1);

/** What a handler may report back; a sync run copies it onto its SyncRun row. */
export interface JobResult {
  /** Merchant-facing tallies: `{ created: 3, updated: 40, skipped: 2 }`. */
  counts?: Record<string, number>;
  apiCalls?: number;
  costPoints?: number;
  /** Per-item problems that did not stop the run; a run with errors ends PARTIAL. */
  errors?: { subject?: string; message: string }[];
}

/** Handed to a handler with its parsed payload. */
export interface JobContext {
  db: Db;
  /** Reports progress in a merchant's units (`phase: 'listings'`); reaches the job and its SyncRun. */
  progress(done: number, total: number, phase: string): Promise<void>;
  /** Aborted when the worker shuts down or the job is cancelled: stop between pages. */
  signal: AbortSignal;
  job: {
    queue: QueueName;
    id: string;
    /** 1 on the first try. */
    attempt: number;
    /** The lock token BullMQ gave this attempt (needed by job.moveToDelayed and similar). */
    token: string | undefined;
    /** When the job was created or, for a scheduled job, when it was due (ms since epoch). */
    dueAt: number;
    /** The SyncRun row of this run, for sync runs. */
    syncRunId?: string;
  };
}

export type JobHandler<P> = (payload: P, ctx: JobContext) => Promise<JobResult | void>;

export interface SyncRunSpec<P> {
  /** SyncRun.kind: the job's name in DESIGN's table. */
  kind: string;
  shopId(payload: P): string;
  partnershipId?(payload: P): string | undefined;
  mode?(payload: P): string | undefined;
  trigger(payload: P): Trigger;
}

export interface JobDefinition<Q extends QueueName = QueueName, S extends z.ZodType = z.ZodType> {
  queue: Q;
  /** In a merchant's words, for alerts: "Catalog sync". */
  title: string;
  payload: S;
  options: JobsOptions;
  /**
   * The job id the work gives it (BullMQ: no ':' and not all digits; removed jobs' ids are
   * forgotten, so the DB intent row stays the real guard against doing work twice).
   */
  jobId(payload: z.infer<S>): string;
  /** The shop an alert about this job belongs to; undefined for cross-shop jobs (billing). */
  shopId(payload: z.infer<S>): string | undefined;
  /** What failed, stable across runs, so the alert clears when a later run succeeds. */
  subject(payload: z.infer<S>): string;
  syncRun?: SyncRunSpec<z.infer<S>>;
}

export function defineJob<Q extends QueueName, S extends z.ZodType>(definition: JobDefinition<Q, S>) {
  return definition;
}

/** A piece of a job id: BullMQ rejects ':' (Shopify gids have it), so keep only safe characters. */
export function idPart(value: string | number) {
  return String(value).replace(/[^A-Za-z0-9._-]/g, '-');
}

/** Builds `slug_part_part`: the leading slug keeps it from ever being all digits. */
export function jobIdOf(slug: string, ...parts: (string | number)[]) {
  return [slug, ...parts.map(idPart)].join('_');
}

const HOUR = 3_600_000;

/** Retries with exponential backoff and jitter; keeps finished jobs long enough to inspect. */
export function retrying(attempts: number, firstDelayMs: number, extra: JobsOptions = {}): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: firstDelayMs, jitter: 0.5 },
    removeOnComplete: { age: 24 * HOUR, count: 1000 },
    removeOnFail: { age: 7 * 24 * HOUR, count: 5000 },
    ...extra,
  };
}
