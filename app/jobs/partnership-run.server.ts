// The payload shared by the per-partnership sync runs (orders.pull, fulfillments.push,
// catalog.sync, inventory.push): which partnership, seen from which shop, and why it started.
import { z } from 'zod';
import { Id, Trigger, jobIdOf, type SyncRunSpec } from './job-definition.server.ts';

export const PartnershipRun = z.object({
  /** The shop whose SyncRun this is and whose concurrency slot it takes. */
  shopId: Id,
  partnershipId: Id,
  trigger: Trigger,
  /**
   * When the work was asked for (ms since epoch): set for manual runs and retries (two presses a
   * minute apart are two runs) and for an order's edits (two edits are two pulls).
   */
  requestedAt: z.number().int().positive().optional(),
});
export type PartnershipRun = z.infer<typeof PartnershipRun>;

/** `catalog-sync_<partnership>_manual_<ms>`; scheduled jobs get their id from the scheduler. */
export function partnershipRunId(slug: string, p: PartnershipRun) {
  return jobIdOf(slug, p.partnershipId, p.trigger, p.requestedAt ?? 'once');
}

export function partnershipSyncRun<P extends PartnershipRun>(kind: string, mode?: (p: P) => string | undefined): SyncRunSpec<P> {
  return {
    kind,
    shopId: (p) => p.shopId,
    partnershipId: (p) => p.partnershipId,
    trigger: (p) => p.trigger,
    mode,
  };
}
