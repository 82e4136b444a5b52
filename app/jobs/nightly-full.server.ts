// nightly.full (02:00 in the shop's own time zone): everything changed since the last full run.
import { z } from 'zod';
import { Id, defineJob, jobIdOf, retrying } from './job-definition.server.ts';

export const NightlyFullPayload = z.object({
  shopId: Id,
  trigger: z.literal('nightly').default('nightly'),
});

export const nightlyFull = defineJob({
  queue: 'nightly.full',
  title: 'Nightly full sync',
  payload: NightlyFullPayload,
  options: retrying(4, 5 * 60_000),
  jobId: (p) => jobIdOf('nightly-full', p.shopId),
  shopId: (p) => p.shopId,
  subject: (p) => p.shopId,
  syncRun: { kind: 'nightly.full', shopId: (p) => p.shopId, trigger: (p) => p.trigger, mode: () => 'FULL' },
});
