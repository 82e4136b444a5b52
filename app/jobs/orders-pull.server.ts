// orders.pull (hourly, on a retailer's orders/create and orders/updated webhooks, and on Retry in
// Activity): retailer orders → supplier → system of record and accounting. The webhook's run
// forwards a new order (or follows an edit) within moments; the hourly pull catches what a dropped
// webhook missed.
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { defineJob, jobIdOf, retrying } from './job-definition.server.ts';
import { PartnershipRun, partnershipRunId, partnershipSyncRun } from './partnership-run.server.ts';

export const OrdersPullPayload = PartnershipRun.extend({
  /**
   * The retailer order this run was asked for: its orders/create or orders/updated webhook, or
   * Retry on its failure in Activity (one run per order, and per edit or press with requestedAt).
   */
  orderId: z.string().min(1).optional(),
});
export type OrdersPullPayload = z.infer<typeof OrdersPullPayload>;

export const ordersPull = defineJob({
  queue: 'orders.pull',
  title: 'Order pull',
  payload: OrdersPullPayload,
  options: retrying(5, 30_000),
  jobId: (p) =>
    p.orderId ? jobIdOf('orders-pull', p.partnershipId, 'order', p.orderId, ...(p.requestedAt ? [p.requestedAt] : [])) : partnershipRunId('orders-pull', p),
  shopId: (p) => p.shopId,
  subject: (p) => p.partnershipId,
  syncRun: partnershipSyncRun('orders.pull'),
});

/**
 * A burst of webhooks makes one waiting run per partnership (and one more if a run is already
 * going, so an order that arrived after its page was read is still pulled), never parallel runs.
 */
export function webhookPullOptions(partnershipId: string): JobsOptions {
  return { deduplication: { id: jobIdOf('orders-pull', partnershipId, 'webhook'), keepLastIfActive: true } };
}
