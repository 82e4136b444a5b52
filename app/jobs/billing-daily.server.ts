// billing.daily (once a day, never manual): one charge per partner per day. The engine's Charge
// row (partner, day) is the guard; the job only says "bill the day that just ended": the handler
// bills the UTC day before ctx.job.dueAt (the scheduler's due time, stable across retries).
import { z } from 'zod';
import { defineJob, jobIdOf, retrying } from './job-definition.server.ts';

export const BillingDailyPayload = z.object({}).strict();

export const billingDaily = defineJob({
  queue: 'billing.daily',
  title: 'Daily billing',
  payload: BillingDailyPayload,
  options: retrying(5, 10 * 60_000),
  jobId: () => jobIdOf('billing-daily', 'scheduled'),
  // Billing spans every partnership: failures are logged and dead-lettered, not shown to a shop.
  shopId: () => undefined,
  subject: () => 'billing-daily',
});
