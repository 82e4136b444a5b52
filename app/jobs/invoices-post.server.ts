// invoices.post (on order): posts the invoice to the accounting system; retries every few hours
// and gives up after a bound, then alerts (the Invoice row keeps the attempts for Activity).
import { z } from 'zod';
import { Id, defineJob, jobIdOf, retrying } from './job-definition.server.ts';

export const InvoicesPostPayload = z.object({
  shopId: Id,
  invoiceId: Id,
});

export const invoicesPost = defineJob({
  queue: 'invoices.post',
  title: 'Invoice posting',
  payload: InvoicesPostPayload,
  // 30 min, 1 h, 2 h, 4 h, 8 h (± jitter): about 15 hours before giving up.
  options: retrying(6, 30 * 60_000),
  jobId: (p) => jobIdOf('invoices-post', p.invoiceId),
  shopId: (p) => p.shopId,
  subject: (p) => p.invoiceId,
});
