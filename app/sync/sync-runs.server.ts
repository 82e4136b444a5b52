// SyncRun rows written by the engine when it is called outside the job layer (scripts, tests, the
// demo). Under BullMQ the job layer owns the row and copies the returned counts onto it.
import type { Db } from '../db.server.ts';

export interface RunTally {
  counts: Record<string, number>;
  apiCalls: number;
  costPoints: number;
  errors: { subject?: string; message: string }[];
}

export function emptyTally(): RunTally {
  return { counts: {}, apiCalls: 0, costPoints: 0, errors: [] };
}

export function count(tally: RunTally, name: string, by = 1) {
  tally.counts[name] = (tally.counts[name] ?? 0) + by;
}

export async function startSyncRun(db: Db, run: { shopId: string; partnershipId?: string; kind: string; mode?: string; trigger: string; at: Date }): Promise<string> {
  const row = await db.syncRun.create({
    data: { shopId: run.shopId, partnershipId: run.partnershipId, kind: run.kind, mode: run.mode, trigger: run.trigger, status: 'RUNNING', queuedAt: run.at, startedAt: run.at },
    select: { id: true },
  });
  return row.id;
}

/** SUCCEEDED, PARTIAL when some items failed, FAILED when the run itself stopped (`fatal`). */
export async function finishSyncRun(db: Db, id: string, tally: RunTally, at: Date, fatal?: { code: string; message: string }) {
  const errors = [
    ...tally.errors.map((e) => ({ at: at.toISOString(), code: 'item', message: e.subject ? `${e.subject}: ${e.message}` : e.message })),
    ...(fatal ? [{ at: at.toISOString(), ...fatal }] : []),
  ].slice(-50);
  await db.syncRun.update({
    where: { id },
    data: {
      status: fatal ? 'FAILED' : tally.errors.length ? 'PARTIAL' : 'SUCCEEDED',
      finishedAt: at,
      counts: tally.counts,
      apiCalls: tally.apiCalls,
      costPoints: tally.costPoints,
      errors,
    },
  });
}
