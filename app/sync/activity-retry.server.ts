// Retry in Activity: what a press on a failed order, invoice or run asks the workers to do again
// now, instead of at the next hourly pull, invoice round or schedule. The shop may retry only what
// its own Activity shows (anything else is "not found", so ids of other shops' rows reveal
// nothing). This module checks that and words the answer; app/jobs puts the job on its queue, so
// the click stays a database read and one enqueue, and the work itself runs on the workers.
import { z } from 'zod';
import { getConnector } from '../../connectors/index.ts';
import type { Db } from '../db.server.ts';
import { failedOrdersVisibleTo, RETRYABLE_RUNS, type RetryableRun } from './activity.server.ts';
import { JOBS, shopByDomain } from './dashboard.server.ts';
import { makeInvoiceDueNow } from './invoices.server.ts';

export const RetryInput = z.object({
  target: z.enum(['order', 'invoice', 'run'], { message: 'Choose an order, invoice or run to retry' }),
  id: z.string().trim().min(1, 'Choose an order, invoice or run to retry'),
});
export type RetryInput = z.infer<typeof RetryInput>;

/** Not this shop's to retry, or nothing left to retry: answered 404, nothing changed. */
export class RetryRefused extends Error {
  readonly name = 'RetryRefused';
}

/** The job a retry asks for (app/jobs adds `requestedAt` and the deduplication). */
export type RetryJob =
  | { queue: 'orders.pull'; input: { shopId: string; partnershipId: string; trigger: 'manual'; orderId?: string } }
  | { queue: 'fulfillments.push'; input: { shopId: string; partnershipId: string; trigger: 'manual' } }
  | { queue: 'catalog.sync' | 'inventory.push'; input: { shopId: string; partnershipId: string; trigger: 'manual'; mode: 'FULL' | 'PARTIAL' } }
  | { queue: 'nightly.full' | 'sweep.oldest'; input: { shopId: string; trigger: 'manual' } }
  | { queue: 'invoices.post'; input: { shopId: string; invoiceId: string } };

export interface RetryPlan {
  /** Null when the work is already under way and nothing needs queueing. */
  job: RetryJob | null;
  /** The toast, in the merchant's words. */
  message: string;
}

const nameOf = (shop: { name: string | null; domain: string }) => shop.name ?? shop.domain;

/** Checks the row is the shop's and still failed, readies it, and says which job retries it. */
export async function prepareRetry(db: Db, shopDomain: string, input: RetryInput, now = new Date()): Promise<RetryPlan> {
  const shop = await shopByDomain(db, shopDomain);
  if (input.target === 'order') return retryOrder(db, shop.id, input.id);
  if (input.target === 'invoice') return retryInvoice(db, shop.id, input.id, now);
  return retryRun(db, shop.id, input.id);
}

/**
 * A failed order (not forwarded, or not posted to the supplier's system of record): one order pull
 * of its partnership, which reads the retailer's latest copy, forwards every order still waiting and
 * posts every forwarded one still unposted.
 */
async function retryOrder(db: Db, shopId: string, orderLinkId: string): Promise<RetryPlan> {
  const link = await db.orderLink.findFirst({
    where: { id: orderLinkId, ...failedOrdersVisibleTo(shopId) },
    include: { partnership: { include: { supplier: true, retailer: true } } },
  });
  if (!link) throw new RetryRefused('This order has no failure you can retry.');
  const { partnership } = link;
  const orderName = link.retailerOrderName ?? link.retailerOrderId;
  if (partnership.status !== 'ACTIVE') throw new RetryRefused(`Order ${orderName} cannot be retried: the partnership is ${partnership.status.toLowerCase()}.`);
  const where = link.supplierOrderId === null ? `sent to ${nameOf(partnership.supplier)}` : 'posted to your system of record';
  return {
    job: { queue: 'orders.pull', input: { shopId, partnershipId: partnership.id, trigger: 'manual', orderId: link.retailerOrderId } },
    message: `Order ${orderName} will be ${where} again within moments.`,
  };
}

/** A failed or given-up invoice: due now, then one invoices.post attempt for it. */
async function retryInvoice(db: Db, shopId: string, invoiceId: string, now: Date): Promise<RetryPlan> {
  const invoice = await db.invoice.findFirst({
    where: { id: invoiceId, status: { in: ['RETRYING', 'GAVE_UP'] }, orderLink: { partnership: { supplierShopId: shopId } } },
    include: { orderLink: true },
  });
  if (!invoice) throw new RetryRefused('This invoice has no failure you can retry.');
  const connection = await db.connection.findUniqueOrThrow({ where: { id: invoice.connectionId } });
  const platform = getConnector(connection.platform).manifest.name;
  const subject = `The invoice for order ${invoice.orderLink.retailerOrderName ?? invoice.orderLink.retailerOrderId}`;
  const retry = await makeInvoiceDueNow(db, invoice.id, now);
  if (retry.outcome === 'nothing') throw new RetryRefused('This invoice has no failure you can retry.');
  if (retry.outcome === 'posting') return { job: null, message: `${subject} is being posted to ${platform} already; its result shows here within minutes.` };
  return { job: { queue: 'invoices.post', input: { shopId, invoiceId: invoice.id } }, message: `${subject} will be posted to ${platform} again within moments.` };
}

/** A failed or partly failed run: the same job again now, for the same partnership (and mode). */
async function retryRun(db: Db, shopId: string, syncRunId: string): Promise<RetryPlan> {
  const run = await db.syncRun.findFirst({ where: { id: syncRunId, shopId, status: { in: ['FAILED', 'PARTIAL'] }, kind: { in: [...RETRYABLE_RUNS] } } });
  if (!run) throw new RetryRefused('This run has no failure you can retry.');
  const kind = run.kind as RetryableRun;
  const title = JOBS[kind].title;
  if (kind === 'nightly.full' || kind === 'sweep.oldest') {
    return { job: { queue: kind, input: { shopId, trigger: 'manual' } }, message: `${title} queued again.` };
  }
  const partnership = run.partnershipId ? await db.partnership.findUnique({ where: { id: run.partnershipId } }) : null;
  if (!partnership) throw new RetryRefused('This run has no failure you can retry.');
  if (partnership.status !== 'ACTIVE') throw new RetryRefused(`${title} cannot be retried: the partnership is ${partnership.status.toLowerCase()}.`);
  const base = { shopId, partnershipId: partnership.id, trigger: 'manual' as const };
  const job: RetryJob =
    kind === 'catalog.sync' || kind === 'inventory.push' ? { queue: kind, input: { ...base, mode: run.mode === 'FULL' ? 'FULL' : 'PARTIAL' } } : { queue: kind, input: base };
  return { job, message: `${title} queued again.` };
}
