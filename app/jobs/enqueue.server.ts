// Putting work on the queues: manual runs from the admin (DESIGN: catalog.sync and
// inventory.push), retries from Activity, and event jobs from webhooks (oversell and orders.pull
// on orders/create and orders/updated). billing.daily has no way in here on purpose: it runs once
// a day from its schedule, never by hand.
import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { Db } from '../db.server.ts';
import type { RetryJob } from '../sync/activity-retry.server.ts';
import { jobDefinitions, type JobInputs, type JobPayloads } from './definitions.server.ts';
import type { JobDefinition } from './job-definition.server.ts';
import { isQueueUnavailable, QueueUnavailable, type QueueName, type Queues } from './queues.server.ts';
import { recordQueuedRun } from './sync-run.server.ts';

/** Manual runs jump ahead of scheduled ones in the same queue (lower number = sooner). */
export const MANUAL_PRIORITY = 1;
export const SCHEDULED_PRIORITY = 10;

export const MANUAL_QUEUES = ['catalog.sync', 'inventory.push'] as const;
export type ManualQueue = (typeof MANUAL_QUEUES)[number];
export type EventQueue = Exclude<QueueName, 'billing.daily'>;

export interface ManualRunRequest {
  queue: ManualQueue;
  shopId: string;
  partnershipId: string;
  mode?: 'FULL' | 'PARTIAL';
  /** Only these source variants ("Sync to partners now" on chosen products). */
  variantIds?: string[];
  /** catalog.sync only: these products, by their id at the catalog source ("Sync to partners now"). */
  productIds?: string[];
}

/**
 * What a manual run joins: a second press of the same button while the first run still waits.
 * A run limited to some products has its own key, so it never swallows (nor is swallowed by) a
 * run of other products or of the whole catalog.
 */
export function manualRunKey(request: Pick<ManualRunRequest, 'queue' | 'partnershipId' | 'variantIds' | 'productIds'>) {
  const base = manualDedupId(request.queue, request.partnershipId);
  if (!request.variantIds && !request.productIds) return base;
  const chosen = [...(request.variantIds ?? []).map((id) => `variant ${id}`), ...(request.productIds ?? []).map((id) => `product ${id}`)];
  return `${base}_${createHash('sha256').update(chosen.sort().join('\n')).digest('hex').slice(0, 16)}`;
}

/**
 * "Sync now" from the admin: enqueues the run and records a QUEUED SyncRun for Activity. A second
 * press while the first run is still waiting or running joins it (BullMQ deduplication).
 *
 * Full and Partial have their own keys, because a Full does more than a Partial (it re-reads
 * everything from the start): a Full is never swallowed by a Partial. A Partial asked for while a
 * Full of the same scope waits or runs joins the Full; a Full asked for while a Partial waits takes
 * its place (the Partial is removed, unless a worker took it meanwhile: then both run).
 */
export async function requestManualRun(db: Db, queues: Queues, request: ManualRunRequest, now = Date.now()) {
  const { queue, shopId, partnershipId, variantIds, productIds } = request;
  // Types already say so; this guards callers that pass a string from a form.
  if (!(MANUAL_QUEUES as readonly string[]).includes(queue)) throw new Error(`${queue} cannot be run by hand`);
  if (productIds && queue !== 'catalog.sync') throw new Error(`${queue} cannot be limited to products`);
  const mode = request.mode ?? 'PARTIAL';
  const base = { shopId, partnershipId, trigger: 'manual' as const, requestedAt: now, variantIds, ...(productIds ? { productIds } : {}) };
  const input = { ...base, mode };
  const partialKey = manualRunKey(request);
  const fullKey = `${partialKey}_full`;
  if (mode === 'PARTIAL') {
    const full = await onQueue(queues, () => joinableRun(db, queues, queue, fullKey));
    if (full) return full;
  }
  const queued = await queueRecordedRun(db, queues, queue, input, { priority: MANUAL_PRIORITY, deduplication: { id: mode === 'FULL' ? fullKey : partialKey } });
  if (mode === 'FULL') await onQueue(queues, () => withdrawWaitingRun(db, queues, queue, partialKey));
  return queued;
}

/** The job holding a deduplication key, and its state; none once BullMQ has let the key go. */
async function jobHolding(queues: Queues, queue: QueueName, dedupKey: string) {
  const jobId = await queues.get(queue).getDeduplicationJobId(dedupKey);
  const job = jobId ? await queues.get(queue).getJob(jobId) : undefined;
  return job?.id ? { job, id: job.id, state: await job.getState() } : null;
}

/** The job (and its SyncRun) holding a deduplication key, if it still waits or runs. */
async function joinableRun(db: Db, queues: Queues, queue: QueueName, dedupKey: string): Promise<{ jobId: string; syncRunId?: string } | null> {
  const held = await jobHolding(queues, queue, dedupKey);
  if (!held || ['completed', 'failed', 'unknown'].includes(held.state)) return null;
  const run = await db.syncRun.findFirst({ where: { jobId: held.id, kind: queue }, select: { id: true } });
  return { jobId: held.id, syncRunId: run?.id };
}

/**
 * Removes the job holding `dedupKey` if no worker has taken it (BullMQ refuses to remove a locked,
 * running job, atomically), with its QUEUED SyncRun: a run that will not happen is not shown.
 */
async function withdrawWaitingRun(db: Db, queues: Queues, queue: QueueName, dedupKey: string) {
  const held = await jobHolding(queues, queue, dedupKey);
  if (!held || !['waiting', 'prioritized', 'delayed'].includes(held.state)) return;
  try {
    await held.job.remove();
  } catch {
    // A worker took it between the look and the removal: it runs, and the Full runs after it.
    return;
  }
  // BullMQ's removal also frees the deduplication key, if it still names this job.
  await db.syncRun.deleteMany({ where: { jobId: held.id, kind: queue, status: 'QUEUED' } });
}

/** `catalog-sync_<owner>_manual`: a whole-catalog manual run's key, which a retry of the same work joins too. */
function manualDedupId(queue: QueueName, ownerId: string) {
  return `${queue.replace('.', '-')}_${ownerId}_manual`;
}

/**
 * Retry in Activity (the job app/sync's prepareRetry chose): the work again now, ahead of scheduled
 * runs, each press its own job (requestedAt). A press while the same work waits joins it; while it
 * runs, one more run follows it (keepLastIfActive), so a fix made during a run is not missed.
 */
export async function requestRetry(db: Db, queues: Queues, job: RetryJob, now = Date.now()) {
  const owner = 'invoiceId' in job.input ? job.input.invoiceId : 'partnershipId' in job.input ? job.input.partnershipId : job.input.shopId;
  return queueRecordedRun(db, queues, job.queue, { ...job.input, requestedAt: now } as JobInputs[typeof job.queue], {
    priority: MANUAL_PRIORITY,
    deduplication: { id: manualDedupId(job.queue, owner), keepLastIfActive: true },
  });
}

/**
 * Enqueues a job someone asked for and, for a sync run, records it QUEUED first for Activity. When
 * the deduplication joined a job already there, reports that job (and its run) instead.
 */
async function queueRecordedRun<Q extends QueueName>(db: Db, queues: Queues, queue: Q, input: JobInputs[Q], options: JobsOptions): Promise<{ jobId: string; syncRunId?: string }> {
  const definition = jobDefinitions[queue] as JobDefinition;
  const payload = definition.payload.parse(input);
  const jobId = definition.jobId(payload);
  // The row exists before the job does, so a worker that starts at once finds it.
  const syncRunId = definition.syncRun ? await recordQueuedRun(db, definition.syncRun, payload, jobId) : undefined;
  const dropRow = async () => {
    if (syncRunId) await db.syncRun.delete({ where: { id: syncRunId } });
  };
  const added = await addJob(queues, queue, input, options).catch(async (err) => {
    // Redis refused the job: no run is coming, so Activity must not show one as queued.
    await dropRow();
    throw err;
  });
  if (added.jobId !== jobId) {
    // Joined the job already there: drop our row, report that run's.
    await dropRow();
    const joined = definition.syncRun ? await db.syncRun.findFirst({ where: { jobId: added.jobId, kind: queue }, select: { id: true } }) : null;
    return { jobId: added.jobId, syncRunId: joined?.id };
  }
  return { jobId, syncRunId };
}

/** A webhook's job (oversell and orders.pull on orders/create): id from the work. */
export async function enqueue<Q extends EventQueue>(queues: Queues, queue: Q, input: JobInputs[Q], options: JobsOptions = {}) {
  if ((queue as QueueName) === 'billing.daily') throw new Error('billing.daily runs from its daily schedule only');
  return addJob(queues, queue, input, options);
}

async function addJob<Q extends QueueName>(queues: Queues, queue: Q, input: JobInputs[Q], options: JobsOptions) {
  const definition = jobDefinitions[queue] as JobDefinition;
  // Parse at the edge: a malformed payload fails here, at the caller, not later in a worker.
  const payload = definition.payload.parse(input) as JobPayloads[Q];
  const jobId = definition.jobId(payload);
  const job = await onQueue(queues, () => queues.get(queue).add(queue, input, { ...definition.options, jobId, ...options }));
  return { jobId: job.id ?? jobId };
}

/** Runs Redis work for the web app: the app's connection gives up at once while Redis is away; say so by one error. */
async function onQueue<T>(queues: Queues, work: () => Promise<T>): Promise<T> {
  await queues.connected();
  return work().catch((err: unknown) => {
    throw queues.failsFast && !isQueueUnavailable(err) ? new QueueUnavailable(err) : err;
  });
}
