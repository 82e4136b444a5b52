// catalog.sync (every 8 h, and manual): supplier catalog → retailer. New products arrive
// unpublished; force-overwrite is read from the partnership by the engine.
import { z } from 'zod';
import { Id, defineJob, retrying } from './job-definition.server.ts';
import { PartnershipRun, partnershipRunId, partnershipSyncRun } from './partnership-run.server.ts';

export const CatalogSyncPayload = PartnershipRun.extend({
  /** FULL resets the checkpoint and keeps the hashes; PARTIAL continues from it. */
  mode: z.enum(['FULL', 'PARTIAL']).default('PARTIAL'),
  /** "Sync to partners now" on chosen products: only these source variants, their stock pushed too. */
  variantIds: z.array(Id).optional(),
  /** "Sync to partners now" on a product page: only these products (ids at the catalog source). */
  productIds: z.array(Id).optional(),
});

export type CatalogSyncPayload = z.output<typeof CatalogSyncPayload>;

export const catalogSync = defineJob({
  queue: 'catalog.sync',
  title: 'Catalog sync',
  payload: CatalogSyncPayload,
  options: retrying(5, 60_000),
  jobId: (p) => partnershipRunId('catalog-sync', p),
  shopId: (p) => p.shopId,
  subject: (p) => p.partnershipId,
  syncRun: partnershipSyncRun<CatalogSyncPayload>('catalog.sync', (p) => p.mode),
});
