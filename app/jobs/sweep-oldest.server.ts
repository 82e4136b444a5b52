// sweep.oldest (several times a day): re-reads the N least recently synced items, catching drift
// that no webhook or cursor reported.
import { z } from 'zod';
import { Id, defineJob, jobIdOf, retrying } from './job-definition.server.ts';

export const SweepOldestPayload = z.object({
  shopId: Id,
  limit: z.number().int().positive().max(5000).default(250),
  /** sweep from the schedule; manual when a merchant pressed Retry on a failed run in Activity. */
  trigger: z.enum(['sweep', 'manual']).default('sweep'),
  /** Set for a retry (ms since epoch): each press is its own run. */
  requestedAt: z.number().int().positive().optional(),
});

export const sweepOldest = defineJob({
  queue: 'sweep.oldest',
  title: 'Oldest-items sweep',
  payload: SweepOldestPayload,
  options: retrying(3, 60_000),
  jobId: (p) => jobIdOf('sweep-oldest', p.shopId, ...(p.requestedAt ? [p.trigger, p.requestedAt] : [])),
  shopId: (p) => p.shopId,
  subject: (p) => p.shopId,
  syncRun: { kind: 'sweep.oldest', shopId: (p) => p.shopId, trigger: (p) => p.trigger, mode: () => 'PARTIAL' },
});
