// The one place a job's failure is decided (STYLE.md "A job"), by ConnectorError `code` because
// errors may arrive as JSON:
//   unavailable, conflict, unknown   → rethrow: BullMQ retries with exponential backoff + jitter
//   rate_limited, budget_exhausted   → job.moveToDelayed(now + retryAfterMs) + DelayedError: the job
//                                      waits without burning an attempt (no queue-wide limiter,
//                                      which would stall every shop)
//   invalid, not_found, auth_expired,
//   capability_missing               → UnrecoverableError + Alert + DeadLetter (auth_expired arrives
//                                      here only after the handler's one refresh failed)
// A job that uses up its attempts also lands in DeadLetter, once.
import { DelayedError, UnrecoverableError, type Job, type Processor } from 'bullmq';
import { ConnectorError, connectorErrorCode, type ConnectorErrorCode } from '../../connectors/sdk/errors.ts';
import type { Db } from '../db.server.ts';
import { DATABASE_LOST_MESSAGE, isDatabaseConnectionLost } from './database-errors.server.ts';
import type { JobDefinition, JobHandler, JobResult } from './job-definition.server.ts';
import { deadLetter, deadLetterOnce, raiseAlert, resolveAlert } from './job-failures.server.ts';
import type { RedisSemaphore } from './semaphore.server.ts';
import { finishRun, interruptRun, recordProgress, startRun } from './sync-run.server.ts';

export type Decision = { action: 'retry' } | { action: 'delay'; ms: number } | { action: 'give-up' };

const GIVE_UP: ReadonlySet<ConnectorErrorCode> = new Set(['invalid', 'not_found', 'auth_expired', 'capability_missing']);

/** A job still rate-limited this long after it was created counts as stuck and is given up. */
export const MAX_RATE_LIMITED_AGE_MS = 24 * 3_600_000;

export function decide(err: unknown, now = Date.now()): Decision {
  const code = connectorErrorCode(err);
  if (code && GIVE_UP.has(code)) return { action: 'give-up' };
  if (code === 'rate_limited' || code === 'budget_exhausted') {
    const retryAfterMs = (err as { retryAfterMs?: number }).retryAfterMs;
    if (typeof retryAfterMs === 'number' && retryAfterMs >= 0) return { action: 'delay', ms: retryAfterMs };
    // A daily cap with no hint resets at midnight UTC (the budget's day keys are UTC days).
    if (code === 'budget_exhausted') return { action: 'delay', ms: 86_400_000 - (now % 86_400_000) };
    return { action: 'delay', ms: 1_000 };
  }
  return { action: 'retry' };
}

/** What the merchant should do, per code; `then` says how the work is tried again. */
const FIX: Partial<Record<ConnectorErrorCode | 'exhausted', (then: string) => string>> = {
  auth_expired: (then) => `Reconnect the platform in Connectors, ${then}.`,
  invalid: (then) => `Correct the data named above, ${then}.`,
  not_found: (then) => `The record was deleted or unlinked on the platform. Relink it, ${then}.`,
  capability_missing: () => 'This connection cannot do this. Choose a connection that can in the partnership settings.',
  exhausted: (then) => `Tandem retried several times. Check the platform is reachable, ${then}.`,
};

/** Why BullMQ itself failed a job: its worker stopped under it more often than BullMQ allows (maxStalledCount). */
const STALLED_MESSAGE = 'The worker running it stopped before it finished (a crash or a restart), more than once.';
const STALLED_FIX = (then: string) => `Tandem does not start it a third time on its own: check the worker's logs for what stopped it, ${then}.`;

/**
 * How the merchant gets a stopped job's work done again. Sync runs show in Activity with a Retry
 * button, and so does a single invoice's post (its invoice entry); an oversell check does not
 * (no run is kept), but the hourly inventory push sets every partner's stock again anyway.
 */
export function retryAdvice(definition: Pick<JobDefinition, 'queue' | 'syncRun'>): string {
  if (definition.syncRun || definition.queue === 'invoices.post') return 'then press Retry in Activity';
  if (definition.queue === 'oversell') return 'and the next hourly inventory push sets partner stock right again';
  return 'and Tandem tries again at its next scheduled run';
}

export interface RunJobDeps {
  db: Db;
  /** Per-shop fairness: at most N non-oversell jobs of one shop run at once (optional). */
  shopSlots?: (shopId: string) => RedisSemaphore;
  /** How long to wait before trying again when the shop's slots are taken. */
  slotRetryMs?: number;
  /** Minimum ms between SyncRun progress writes (the job's own progress is always updated). */
  progressWriteMs?: number;
}

function describe(err: unknown) {
  if (isDatabaseConnectionLost(err)) return { code: 'unavailable', message: DATABASE_LOST_MESSAGE };
  const code = connectorErrorCode(err) ?? 'unknown';
  const e = err as { merchantMessage?: string; message?: string };
  return { code, message: e?.merchantMessage ?? e?.message ?? String(err) };
}

function missingHandler(queue: string) {
  return new ConnectorError('capability_missing', `No handler is wired for ${queue}`, {
    merchantMessage: `Tandem cannot run ${queue} yet: this part of the sync engine is not installed.`,
  });
}

/** The BullMQ processor for one job definition; it calls `handler` and nothing else. */
export function jobProcessor<P>(definition: JobDefinition, handler: JobHandler<P> | undefined, deps: RunJobDeps): Processor {
  const { db } = deps;
  return async (job: Job, token?: string, signal?: AbortSignal) => {
    const parsed = definition.payload.safeParse(job.data);
    const payload = (parsed.success ? parsed.data : job.data) as P;
    const shopId = parsed.success ? definition.shopId(payload) : undefined;
    const jobId = job.id ?? definition.jobId(payload);
    const attempts = job.opts.attempts ?? 1;
    const lastAttempt = job.attemptsMade + 1 >= attempts;
    let runId: string | undefined;

    const giveUp = async (err: unknown, reason: 'give-up' | 'exhausted') => {
      const { code, message } = describe(err);
      const error = `${code}: ${message}`;
      await deadLetter(db, { queue: definition.queue, jobId, name: job.name, data: job.data, error, attempts: job.attemptsMade + 1 });
      if (runId) await interruptRun(db, runId, { code, message }, true);
      if (shopId) {
        await raiseAlert(db, {
          shopId,
          key: handlerAlertKey(err) ?? alertKey(definition, payload),
          severity: code === 'auth_expired' ? 'CRITICAL' : 'WARNING',
          title: `${definition.title} stopped`,
          message,
          fix: FIX[reason === 'exhausted' ? 'exhausted' : (code as ConnectorErrorCode)]?.(retryAdvice(definition)),
          subject: { queue: definition.queue, jobId },
        });
      }
    };

    if (!parsed.success) {
      const err = new ConnectorError('invalid', `Job ${jobId} on ${definition.queue} has a malformed payload: ${parsed.error.message}`);
      await giveUp(err, 'give-up');
      throw new UnrecoverableError(err.message);
    }

    // Fairness: a big shop's runs wait their turn instead of filling every worker.
    const slots = shopId && deps.shopSlots ? deps.shopSlots(shopId) : undefined;
    if (slots) {
      const waitMs = await slots.tryAcquire(jobId);
      if (waitMs > 0) {
        await job.moveToDelayed(Date.now() + Math.min(waitMs, deps.slotRetryMs ?? 2_000), token);
        throw new DelayedError();
      }
    }

    try {
      if (definition.syncRun) runId = await startRun(db, definition.syncRun, payload, jobId);
      let lastWrite = 0;
      const ctx = {
        db,
        signal: signal ?? new AbortController().signal,
        job: { queue: definition.queue, id: jobId, attempt: job.attemptsMade + 1, token, dueAt: job.opts.prevMillis ?? job.timestamp + (job.opts.delay ?? 0), syncRunId: runId },
        async progress(done: number, total: number, phase: string) {
          await job.updateProgress({ phase, done, total });
          const now = Date.now();
          if (runId && (done >= total || now - lastWrite >= (deps.progressWriteMs ?? 1_000))) {
            lastWrite = now;
            await recordProgress(db, runId, done, total);
          }
        },
      };
      const work = async (): Promise<JobResult | void> => {
        if (!handler) throw missingHandler(definition.queue);
        return handler(payload, ctx);
      };
      const result = slots ? await slots.holding(jobId, work) : await work();
      if (runId) await finishRun(db, runId, result);
      if (shopId) await resolveAlert(db, shopId, alertKey(definition, payload));
      return result ?? {};
    } catch (err) {
      if (err instanceof DelayedError || err instanceof UnrecoverableError) throw err;
      const decision = decide(err);
      const { code, message } = describe(err);
      const stuck = code === 'rate_limited' && Date.now() - job.timestamp > MAX_RATE_LIMITED_AGE_MS;
      if (decision.action === 'delay' && !stuck) {
        if (runId) await interruptRun(db, runId, { code, message }, false);
        await job.moveToDelayed(Date.now() + decision.ms, token);
        throw new DelayedError();
      }
      if (decision.action === 'retry' && !lastAttempt) {
        if (runId) await interruptRun(db, runId, { code, message }, false);
        throw err;
      }
      await giveUp(err, decision.action === 'give-up' ? 'give-up' : 'exhausted');
      throw new UnrecoverableError(message);
    }
  };
}

/**
 * The worker's safety net, for a job BullMQ failed without the processor seeing it (stalled too
 * often, a lock lost): the same trail a give-up leaves — dead letter, run FAILED, the shop's alert —
 * once. A job the processor gave up on already has its dead letter, and is left alone.
 */
export async function recordFailureOutsideProcessor(db: Db, definition: JobDefinition, job: Pick<Job, 'id' | 'name' | 'data' | 'attemptsMade'>, err: Error | undefined) {
  const jobId = job.id ?? 'unknown';
  const stalled = /stalled/i.test(err?.message ?? '');
  const message = stalled ? STALLED_MESSAGE : (err?.message ?? 'failed');
  const fresh = await deadLetterOnce(db, { queue: definition.queue, jobId, name: job.name, data: job.data, error: err?.message ?? 'failed', attempts: job.attemptsMade });
  if (!fresh) return;
  const parsed = definition.payload.safeParse(job.data);
  if (definition.syncRun) {
    const run = await db.syncRun.findFirst({ where: { jobId, kind: definition.syncRun.kind, finishedAt: null }, select: { id: true } });
    if (run) await interruptRun(db, run.id, { code: stalled ? 'stalled' : 'unknown', message }, true);
  }
  const shopId = parsed.success ? definition.shopId(parsed.data) : undefined;
  if (!shopId) return;
  await raiseAlert(db, {
    shopId,
    key: alertKey(definition, parsed.data),
    severity: 'WARNING',
    title: `${definition.title} stopped`,
    message,
    fix: (stalled ? STALLED_FIX : FIX.exhausted!)(retryAdvice(definition)),
    subject: { queue: definition.queue, jobId },
  });
}

/** `catalog-sync-failed_<partnership>`: the same work raises and clears the same alert. */
export function alertKey(definition: JobDefinition, payload: unknown) {
  return `${definition.queue.replace('.', '-')}-failed_${definition.subject(payload)}`;
}

/** A handler may name its own alert (`auth-expired_<connection>`) in the error's details. */
function handlerAlertKey(err: unknown) {
  const details = (err as { details?: unknown })?.details;
  if (details && typeof details === 'object' && 'alertKey' in details && typeof details.alertKey === 'string') return details.alertKey;
  return undefined;
}
