// invoices.post (every 15 minutes, and for one invoice on Retry in Activity): posts invoices to the supplier's
// accounting system. The Invoice row holds the schedule: the engine retries a failed post every
// few hours with backoff (2 h, 4 h, 8 h…) and gives up after a bound, alerting the merchant; this
// job only picks up the rows that are due. BullMQ's own retries cover the job failing outright
// (the database unreachable), not a refused invoice.
import { z } from 'zod';
import { Id, defineJob, jobIdOf, retrying } from './job-definition.server.ts';

/**
 * One invoice (`{ shopId, invoiceId }`, with `requestedAt` for a press of Retry: each press is its
 * own job), or every due invoice (`{}`: the schedule).
 */
export const InvoicesPostPayload = z.union([
  z.object({ shopId: Id, invoiceId: Id, requestedAt: z.number().int().positive().optional() }).strict(),
  z.object({}).strict(),
]);
export type InvoicesPostPayload = z.infer<typeof InvoicesPostPayload>;

export const INVOICES_POST_PATTERN = '0 */15 * * * *';

export const invoicesPost = defineJob({
  queue: 'invoices.post',
  title: 'Invoice posting',
  payload: InvoicesPostPayload,
  options: retrying(3, 60_000),
  jobId: (p) => ('invoiceId' in p ? jobIdOf('invoices-post', p.invoiceId, ...(p.requestedAt ? [p.requestedAt] : [])) : jobIdOf('invoices-post', 'due')),
  // The scheduled run spans every shop: each invoice's own alert goes to its supplier.
  shopId: (p) => ('shopId' in p ? p.shopId : undefined),
  subject: (p) => ('invoiceId' in p ? p.invoiceId : 'due'),
});
