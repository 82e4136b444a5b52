// nightly.full (02:00 in the shop's own time zone): everything changed since the last full run.
import { z } from 'zod';
import { Id, defineJob, jobIdOf, retrying } from './job-definition.server.ts';

export const NightlyFullPayload = z.object({
  shopId: Id,
  /** nightly from the schedule; manual when a merchant pressed Retry on a failed run in Activity. */
  trigger: z.enum(['nightly', 'manual']).default('nightly'),
  /** Set for a retry (ms since epoch): each press is its own run. */
  requestedAt: z.number().int().positive().optional(),
});

export const nightlyFull = defineJob({
  queue: 'nightly.full',
  title: 'Nightly full sync',
  payload: NightlyFullPayload,
  options: retrying(4, 5 * 60_000),
  jobId: (p) => jobIdOf('nightly-full', p.shopId, ...(p.requestedAt ? [p.trigger, p.requestedAt] : [])),
  shopId: (p) => p.shopId,
  subject: (p) => p.shopId,
  syncRun: { kind: 'nightly.full', shopId: (p) => p.shopId, trigger: (p) => p.trigger, mode: () => 'FULL' },
});
