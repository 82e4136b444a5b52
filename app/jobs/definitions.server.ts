// Every job of DESIGN.md's table, by queue name, and the handler contract the engine fills in.
import type { z } from 'zod';
import { billingDaily } from './billing-daily.server.ts';
import { catalogSync } from './catalog-sync.server.ts';
import { fulfillmentsPush } from './fulfillments-push.server.ts';
import { inventoryPush } from './inventory-push.server.ts';
import { invoicesPost } from './invoices-post.server.ts';
import type { JobHandler } from './job-definition.server.ts';
import { nightlyFull } from './nightly-full.server.ts';
import { ordersPull } from './orders-pull.server.ts';
import { oversell } from './oversell.server.ts';
import type { QueueName } from './queues.server.ts';
import { sweepOldest } from './sweep-oldest.server.ts';

export const jobDefinitions = {
  'orders.pull': ordersPull,
  'fulfillments.push': fulfillmentsPush,
  'catalog.sync': catalogSync,
  'inventory.push': inventoryPush,
  oversell,
  'nightly.full': nightlyFull,
  'sweep.oldest': sweepOldest,
  'invoices.post': invoicesPost,
  'billing.daily': billingDaily,
} satisfies { [Q in QueueName]: { queue: Q } };

export type JobDefinitions = typeof jobDefinitions;

/** The parsed payload each handler receives. */
export type JobPayloads = { [Q in QueueName]: z.output<JobDefinitions[Q]['payload']> };
/** What a job is enqueued with (zod defaults may be left out). */
export type JobInputs = { [Q in QueueName]: z.input<JobDefinitions[Q]['payload']> };

/**
 * The engine's entry points, one per job: `(payload, ctx) => result`. A job whose handler is
 * missing fails with `capability_missing` instead of pretending to succeed.
 */
export type JobHandlers = { [Q in QueueName]?: JobHandler<JobPayloads[Q]> };
