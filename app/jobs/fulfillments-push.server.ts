// fulfillments.push (hourly): supplier fulfillments and tracking → the retailer's order.
import { defineJob, retrying } from './job-definition.server.ts';
import { PartnershipRun, partnershipRunId, partnershipSyncRun } from './partnership-run.server.ts';

export const fulfillmentsPush = defineJob({
  queue: 'fulfillments.push',
  title: 'Fulfillment push',
  payload: PartnershipRun,
  options: retrying(5, 30_000),
  jobId: (p) => partnershipRunId('fulfillments-push', p),
  shopId: (p) => p.shopId,
  subject: (p) => p.partnershipId,
  syncRun: partnershipSyncRun('fulfillments.push'),
});
