// orders.pull (hourly): retailer orders → supplier → system of record. The webhook path forwards
// most orders at once; this pull catches the ones a dropped webhook missed.
import { defineJob, retrying } from './job-definition.server.ts';
import { PartnershipRun, partnershipRunId, partnershipSyncRun } from './partnership-run.server.ts';

export const ordersPull = defineJob({
  queue: 'orders.pull',
  title: 'Order pull',
  payload: PartnershipRun,
  options: retrying(5, 30_000),
  jobId: (p) => partnershipRunId('orders-pull', p),
  shopId: (p) => p.shopId,
  subject: (p) => p.partnershipId,
  syncRun: partnershipSyncRun('orders.pull'),
});
