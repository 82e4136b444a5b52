// Where a job that will not succeed ends up: a DeadLetter row (one per queue and job id, for
// Activity's Retry) and, when a shop owns the work, an Alert with a stable key that clears once a
// later run of the same work succeeds.
import type { Db } from '../db.server.ts';

export interface DeadJob {
  queue: string;
  jobId: string;
  name: string;
  data: unknown;
  error: string;
  attempts: number;
}

/** Idempotent by (queue, jobId): a job reported twice (processor and 'failed' event) stays one row. */
export async function deadLetter(db: Db, dead: DeadJob) {
  const data = JSON.parse(JSON.stringify(dead.data ?? null));
  await db.deadLetter.upsert({
    where: { queue_jobId: { queue: dead.queue, jobId: dead.jobId } },
    create: { queue: dead.queue, jobId: dead.jobId, name: dead.name, data, error: dead.error, attempts: dead.attempts },
    update: { error: dead.error, attempts: dead.attempts, failedAt: new Date() },
  });
}

/** Records a dead job only if none is recorded yet (the worker's 'failed' event, a safety net); true when this call recorded it. */
export async function deadLetterOnce(db: Db, dead: DeadJob): Promise<boolean> {
  const data = JSON.parse(JSON.stringify(dead.data ?? null));
  const { count } = await db.deadLetter.createMany({ data: [{ ...dead, data }], skipDuplicates: true });
  return count > 0;
}

export interface AlertInput {
  shopId: string;
  key: string;
  severity: 'INFO' | 'WARNING' | 'CRITICAL';
  title: string;
  message: string;
  fix?: string;
  subject?: Record<string, string>;
}

/** Raises (or re-opens) the shop's alert under `key`. */
export async function raiseAlert(db: Db, alert: AlertInput) {
  const fields = {
    severity: alert.severity,
    title: alert.title,
    message: alert.message,
    fix: alert.fix ?? null,
    subject: alert.subject ?? undefined,
    resolvedAt: null,
  };
  await db.alert.upsert({
    where: { shopId_key: { shopId: alert.shopId, key: alert.key } },
    create: { shopId: alert.shopId, key: alert.key, ...fields },
    update: fields,
  });
}

export async function resolveAlert(db: Db, shopId: string, key: string) {
  await db.alert.updateMany({ where: { shopId, key, resolvedAt: null }, data: { resolvedAt: new Date() } });
}
