// SyncRun rows for jobs that are sync runs: the Activity screen's record of what ran, when, how
// far it got and what it cost. One row per BullMQ job id, reused across that job's attempts.
import type { Db } from '../db.server.ts';
import type { JobResult, SyncRunSpec } from './job-definition.server.ts';

// A type alias, not an interface, so Prisma accepts it as JSON.
export type RunError = {
  at: string;
  code: string;
  message: string;
};

/** Manual runs show up as QUEUED before a worker picks them up. */
export async function recordQueuedRun<P>(db: Db, spec: SyncRunSpec<P>, payload: P, jobId: string) {
  const existing = await db.syncRun.findFirst({ where: { jobId, kind: spec.kind }, select: { id: true } });
  if (existing) return existing.id;
  const row = await db.syncRun.create({
    data: {
      shopId: spec.shopId(payload),
      partnershipId: spec.partnershipId?.(payload),
      kind: spec.kind,
      mode: spec.mode?.(payload),
      trigger: spec.trigger(payload),
      jobId,
      status: 'QUEUED',
    },
    select: { id: true },
  });
  return row.id;
}

/** Marks the run RUNNING (creating it for scheduled jobs); a retry keeps its first startedAt. */
export async function startRun<P>(db: Db, spec: SyncRunSpec<P>, payload: P, jobId: string) {
  const id = await recordQueuedRun(db, spec, payload, jobId);
  const row = await db.syncRun.findUniqueOrThrow({ where: { id }, select: { startedAt: true } });
  await db.syncRun.update({
    where: { id },
    data: { status: 'RUNNING', startedAt: row.startedAt ?? new Date(), finishedAt: null },
  });
  return id;
}

export async function recordProgress(db: Db, id: string, done: number, total: number) {
  await db.syncRun.update({ where: { id }, data: { progressDone: done, progressTotal: total } });
}

/** SUCCEEDED, or PARTIAL when the handler reported per-item errors. */
export async function finishRun(db: Db, id: string, result: JobResult | void) {
  const errors = result?.errors ?? [];
  await db.syncRun.update({
    where: { id },
    data: {
      status: errors.length ? 'PARTIAL' : 'SUCCEEDED',
      finishedAt: new Date(),
      counts: result?.counts ?? {},
      apiCalls: result?.apiCalls ?? 0,
      costPoints: result?.costPoints ?? 0,
      errors: await appendErrors(db, id, errors.map((e) => ({ at: new Date().toISOString(), code: 'item', message: e.subject ? `${e.subject}: ${e.message}` : e.message }))),
    },
  });
}

/**
 * The attempt ended without finishing: `final` marks the run FAILED; otherwise it is QUEUED again
 * (a retry or a rate-limit delay is coming) with the error kept for Activity.
 */
export async function interruptRun(db: Db, id: string, error: Omit<RunError, 'at'>, final: boolean) {
  await db.syncRun.update({
    where: { id },
    data: {
      status: final ? 'FAILED' : 'QUEUED',
      finishedAt: final ? new Date() : null,
      errors: await appendErrors(db, id, [{ at: new Date().toISOString(), ...error }]),
    },
  });
}

async function appendErrors(db: Db, id: string, more: RunError[]) {
  const row = await db.syncRun.findUniqueOrThrow({ where: { id }, select: { errors: true } });
  const earlier = Array.isArray(row.errors) ? (row.errors as unknown as RunError[]) : [];
  // Keep the newest 50: a run over 10,000 items must not grow an unbounded row.
  return [...earlier, ...more].slice(-50);
}
