// inventory.push (hourly, and manual): price and quantity only, supplier → retailer (handlers.server.ts
// runs the price push, then the stock push).
import { z } from 'zod';
import { Id, defineJob, retrying } from './job-definition.server.ts';
import { PartnershipRun, partnershipRunId, partnershipSyncRun } from './partnership-run.server.ts';

export const InventoryPushPayload = PartnershipRun.extend({
  /** PARTIAL pushes only listings out of sync (changed or drifted); FULL pushes every listing. */
  mode: z.enum(['FULL', 'PARTIAL']).default('PARTIAL'),
  variantIds: z.array(Id).optional(),
});

export const inventoryPush = defineJob({
  queue: 'inventory.push',
  title: 'Inventory push',
  payload: InventoryPushPayload,
  options: retrying(5, 30_000),
  jobId: (p) => partnershipRunId('inventory-push', p),
  shopId: (p) => p.shopId,
  subject: (p) => p.partnershipId,
  syncRun: partnershipSyncRun<z.output<typeof InventoryPushPayload>>('inventory.push', (p) => p.mode),
});
