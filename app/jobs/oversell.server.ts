// oversell (orders/create webhook): hold and push down stock at once. Its own queue and the
// highest priority, so a large shop's catalog sync never delays it (DESIGN.md: Scale).
import { z } from 'zod';
import { Id, defineJob, jobIdOf, retrying } from './job-definition.server.ts';

export const OversellPayload = z.object({
  shopId: Id,
  /** The order as the platform names it (a Shopify gid is fine; the id drops its ':'). */
  orderId: Id,
  webhookId: z.string().optional(),
  /** Where the order was placed (the shop's platform domain). */
  shopDomain: z.string().min(1),
  /** The sold lines, taken from the webhook so the guard spends no call re-reading the order. */
  lines: z
    .array(z.object({ sku: z.string().nullable(), variantExternalId: z.string().nullable(), quantity: z.number().int().positive() }))
    .max(2000),
  tags: z.array(z.string()).default([]),
  /** Tandem's reference when Tandem created the order (a forwarded copy). */
  externalReference: z.string().nullable().default(null),
});

export const oversell = defineJob({
  queue: 'oversell',
  title: 'Oversell protection',
  payload: OversellPayload,
  // Short, quick retries: a stale stock level costs sales within minutes.
  options: retrying(8, 1_000, { priority: 1 }),
  jobId: (p) => jobIdOf('oversell', p.shopId, p.orderId),
  shopId: (p) => p.shopId,
  subject: (p) => p.orderId,
});
