// Activity: what ran (sync runs), which orders could not be forwarded or posted to the supplier's
// system of record, and which invoices did not reach the accounting system, newest first, filtered
// by kind, status and a date range in the shop's time zone. Each failure carries its reason in
// merchant words and the fix: from its alert (raised with the fix where it failed), else from the
// row's own record, else the standing advice for that reason; and whether Retry applies to it
// (activity-retry.server.ts) or a retry is already under way.
import { z } from 'zod';
import { getConnector } from '../../connectors/index.ts';
import type { Db } from '../db.server.ts';
import type { OrderFailure, Prisma } from '../generated/prisma/client.ts';
import { localDayBounds } from './billing.server.ts';
import { JOB_KINDS, JOBS, exactTime, shopByDomain, timeAgo, type RunState } from './dashboard.server.ts';
import { invoiceFailedKey, invoiceGaveUpKey } from './invoices.server.ts';
import { orderFailedKey } from './orders.server.ts';
import { postingFailedKey } from './system-of-record.server.ts';

const day = z
  .string()
  .trim()
  .transform((d) => d || undefined)
  .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A date like 2026-11-23').optional());

/** The filters above the Activity list; every field may be left empty. */
export const ActivityFilter = z
  .object({
    kind: z.enum(['all', 'orders', ...JOB_KINDS], { message: 'Unknown kind' }).default('all'),
    status: z.enum(['all', 'failed', 'partial', 'succeeded', 'running', 'queued'], { message: 'Unknown status' }).default('all'),
    from: day.optional(),
    to: day.optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'The end date is before the start date', path: ['to'] });
export type ActivityFilter = z.infer<typeof ActivityFilter>;

export const FAILURE_REASONS: Record<OrderFailure, { label: string; fix: string }> = {
  SKU_MISMATCH: { label: 'SKU mismatch', fix: 'Give the retailer’s product the supplier’s SKU (or re-sync the catalog), then press Retry in Activity.' },
  DUPLICATE_SKU: { label: 'Duplicate SKU', fix: 'Make each SKU unique in the supplier’s catalog, then press Retry in Activity.' },
  MISSING_SHIPPING_ADDRESS: { label: 'Missing shipping address', fix: 'Add a shipping address to the order in the retailer’s admin, then press Retry in Activity.' },
  UNSUPPORTED_PLATFORM: { label: 'Unsupported platform', fix: 'The supplier’s platform cannot take orders from Tandem: post this order by hand in the supplier’s system.' },
  PLATFORM_ERROR: { label: 'Platform error', fix: 'Fix what the platform reported at the supplier, then press Retry in Activity (Tandem also tries again at the next order sync).' },
};

/** Runs Retry can start again: every job that records a SyncRun (invoices and billing keep none). */
export const RETRYABLE_RUNS = ['catalog.sync', 'inventory.push', 'orders.pull', 'fulfillments.push', 'nightly.full', 'sweep.oldest'] as const;
export type RetryableRun = (typeof RETRYABLE_RUNS)[number];

/** A queued or running order pull younger than this is the retry under way; an older one is stale. */
const RETRY_UNDER_WAY_MS = 10 * 60_000;
/** An invoice due within this (an attempt's lease, invoices.server.ts) is being posted. */
const INVOICE_POSTING_MS = 15 * 60_000;

type When = { at: string; ago: string; exact: string };

export type ActivityEntry =
  | ({
      type: 'run';
      id: string;
      kind: string;
      title: string;
      mode: string | null;
      trigger: string;
      state: RunState;
      counts: Record<string, number>;
      apiCalls: number;
      errors: string[];
      /** The newest run of its job and partnership, failed or partly failed: Retry starts it again. */
      retryable: boolean;
    } & When)
  | ({
      type: 'order';
      id: string;
      orderName: string;
      partner: string;
      /** Where it stopped: on the way to the supplier, or to the supplier's system of record. */
      stage: 'forwarding' | 'posting';
      state: 'failed' | 'needs manual posting' | 'not posted';
      reason: string;
      message: string;
      fix: string;
      /** An order pull of its partnership is queued or running (a retry under way). */
      retrying: boolean;
      /** Its partnership is still active: Retry applies (an ended one sends no more orders). */
      retryable: boolean;
    } & When)
  | ({
      type: 'invoice';
      id: string;
      orderName: string;
      partner: string;
      platform: string;
      state: 'retrying' | 'gave up';
      attempts: number;
      /** When Tandem tries again on its own (exact, shop's zone); null once it gave up. */
      nextAttempt: string | null;
      message: string;
      fix: string;
      /** Due now or held by an attempt: being posted. */
      retrying: boolean;
    } & When);

const RUN_STATES: Record<string, Prisma.SyncRunWhereInput['status']> = {
  failed: 'FAILED',
  partial: 'PARTIAL',
  succeeded: 'SUCCEEDED',
  running: 'RUNNING',
  queued: 'QUEUED',
};

function text(value: unknown, key: string): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'string' && v ? v : undefined;
}

/**
 * A failed order's reason in merchant words, the message and the fix: from the shop's alert for it,
 * else OrderLink.failureDetail, else the standing advice for the reason. Also the order block's.
 */
export function orderFailureOf(order: { failureReason: OrderFailure; failureDetail: unknown }, alert: { message: string; fix: string | null } | undefined) {
  const reason = FAILURE_REASONS[order.failureReason];
  return {
    reason: reason.label,
    message: alert?.message ?? text(order.failureDetail, 'message') ?? reason.label,
    fix: alert?.fix ?? text(order.failureDetail, 'fix') ?? reason.fix,
  };
}

/**
 * The failed orders a shop sees, and may retry: one not forwarded yet concerns both shops of the
 * partnership; one forwarded but not posted to the supplier's system of record only the supplier.
 * A cancelled order needs nobody.
 */
export function failedOrdersVisibleTo(shopId: string): Prisma.OrderLinkWhereInput {
  return {
    failureReason: { not: null },
    OR: [
      { supplierOrderId: null, state: { in: ['FAILED', 'NEEDS_MANUAL_POSTING'] }, partnership: { OR: [{ supplierShopId: shopId }, { retailerShopId: shopId }] } },
      { supplierOrderId: { not: null }, systemOfRecordId: null, state: { not: 'CANCELLED' }, partnership: { supplierShopId: shopId } },
    ],
  };
}

/** The shop's activity matching `filter`, newest first, at most `limit` entries. */
export async function listActivity(db: Db, shopDomain: string, filter: ActivityFilter, now = new Date(), limit = 100): Promise<ActivityEntry[]> {
  const shop = await shopByDomain(db, shopDomain);
  const range = {
    ...(filter.from ? { gte: localDayBounds(filter.from, shop.timezone).start } : {}),
    ...(filter.to ? { lt: localDayBounds(filter.to, shop.timezone).end } : {}),
  };
  const dated = filter.from || filter.to;
  const when = (at: Date): When & { when: Date } => ({ at: at.toISOString(), ago: timeAgo(at, now), exact: exactTime(at, shop.timezone), when: at });
  const entries: (ActivityEntry & { when: Date })[] = [];

  if (filter.kind !== 'orders') {
    const runs = await db.syncRun.findMany({
      where: {
        shopId: shop.id,
        ...(filter.kind !== 'all' ? { kind: filter.kind } : {}),
        ...(filter.status !== 'all' ? { status: RUN_STATES[filter.status] } : {}),
        ...(dated ? { queuedAt: range } : {}),
      },
      orderBy: { queuedAt: 'desc' },
      take: limit,
    });
    const retryable = await retryableRuns(db, shop.id, runs);
    for (const r of runs) {
      entries.push({
        type: 'run',
        id: r.id,
        kind: r.kind,
        title: JOBS[r.kind as keyof typeof JOBS]?.title ?? r.kind,
        mode: r.mode,
        trigger: r.trigger,
        state: r.status.toLowerCase() as RunState,
        counts: Object.fromEntries(Object.entries((r.counts ?? {}) as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number')),
        apiCalls: r.apiCalls,
        errors: Array.isArray(r.errors) ? r.errors.map((e) => text(e, 'message') ?? JSON.stringify(e)) : [],
        retryable: retryable.has(r.id),
        ...when(r.finishedAt ?? r.startedAt ?? r.queuedAt),
      });
    }
  }

  // Failures are failures: they show under "all" and "failed", never under "succeeded".
  const failuresWanted = filter.status === 'all' || filter.status === 'failed';
  if ((filter.kind === 'all' || filter.kind === 'orders') && failuresWanted) {
    const orders = await db.orderLink.findMany({
      where: { ...failedOrdersVisibleTo(shop.id), ...(dated ? { updatedAt: range } : {}) },
      include: { partnership: { include: { supplier: true, retailer: true } } },
      orderBy: { updatedAt: 'desc' },
      take: limit,
    });
    // Forwarding raises `order-failed_<id>` at both shops, posting `order-posting_<id>` at the supplier.
    const keyOf = (o: (typeof orders)[number]) => (o.supplierOrderId === null ? orderFailedKey(o.id) : postingFailedKey(o.id));
    const alerts = await db.alert.findMany({ where: { shopId: shop.id, key: { in: orders.map(keyOf) } } });
    const alertFor = new Map(alerts.map((a) => [a.key, a]));
    const pulling = new Set(
      (
        await db.syncRun.findMany({
          where: { kind: 'orders.pull', status: { in: ['QUEUED', 'RUNNING'] }, partnershipId: { in: [...new Set(orders.map((o) => o.partnershipId))] }, queuedAt: { gte: new Date(now.getTime() - RETRY_UNDER_WAY_MS) } },
          select: { partnershipId: true },
        })
      ).map((r) => r.partnershipId),
    );
    for (const o of orders) {
      const failure = orderFailureOf({ failureReason: o.failureReason!, failureDetail: o.failureDetail }, alertFor.get(keyOf(o)));
      const p = o.partnership;
      const partner = p.supplierShopId === shop.id ? p.retailer : p.supplier;
      const stage = o.supplierOrderId === null ? 'forwarding' : 'posting';
      entries.push({
        type: 'order',
        id: o.id,
        orderName: o.retailerOrderName ?? o.retailerOrderId,
        partner: partner.name ?? partner.domain,
        stage,
        state: o.state === 'FAILED' ? 'failed' : o.state === 'NEEDS_MANUAL_POSTING' ? 'needs manual posting' : 'not posted',
        ...failure,
        retrying: pulling.has(o.partnershipId),
        retryable: p.status === 'ACTIVE',
        ...when(o.updatedAt),
      });
    }
  }

  // Invoices are the supplier's: its accounting system, its alerts.
  if ((filter.kind === 'all' || filter.kind === 'invoices.post') && failuresWanted) {
    const invoices = await db.invoice.findMany({
      where: { status: { in: ['RETRYING', 'GAVE_UP'] }, orderLink: { partnership: { supplierShopId: shop.id } }, ...(dated ? { updatedAt: range } : {}) },
      include: { orderLink: { include: { partnership: { include: { retailer: true } } } } },
      orderBy: { updatedAt: 'desc' },
      take: limit,
    });
    const keyOf = (i: (typeof invoices)[number]) => (i.status === 'GAVE_UP' ? invoiceGaveUpKey(i.id) : invoiceFailedKey(i.id));
    const alerts = await db.alert.findMany({ where: { shopId: shop.id, key: { in: invoices.map(keyOf) } } });
    const alertFor = new Map(alerts.map((a) => [a.key, a]));
    const connections = new Map((await db.connection.findMany({ where: { id: { in: [...new Set(invoices.map((i) => i.connectionId))] } } })).map((c) => [c.id, c]));
    for (const i of invoices) {
      const alert = alertFor.get(keyOf(i));
      const connection = connections.get(i.connectionId);
      const platform = connection ? getConnector(connection.platform).manifest.name : 'the accounting system';
      const orderName = i.orderLink.retailerOrderName ?? i.orderLink.retailerOrderId;
      const retailer = i.orderLink.partnership.retailer;
      const due = i.status === 'RETRYING' && i.nextAttemptAt !== null ? i.nextAttemptAt : null;
      entries.push({
        type: 'invoice',
        id: i.id,
        orderName,
        partner: retailer.name ?? retailer.domain,
        platform,
        state: i.status === 'GAVE_UP' ? 'gave up' : 'retrying',
        attempts: i.attempts,
        nextAttempt: due ? exactTime(due, shop.timezone) : null,
        message: alert?.message ?? `${platform} did not take the invoice for order ${orderName}: ${i.lastError ?? 'no answer recorded'}`,
        fix: alert?.fix ?? `Fix what ${platform} names above, then press Retry in Activity.`,
        retrying: due !== null && due.getTime() - now.getTime() <= INVOICE_POSTING_MS,
        ...when(i.updatedAt),
      });
    }
  }

  return entries
    .sort((a, b) => b.when.getTime() - a.when.getTime())
    .slice(0, limit)
    .map(({ when: _when, ...entry }) => entry as ActivityEntry);
}

/**
 * The listed runs Retry applies to: failed or partly failed, of a job that keeps runs, the newest
 * run of that job and partnership (an older failure was followed by another run already), and of a
 * partnership still active.
 */
async function retryableRuns(db: Db, shopId: string, runs: { id: string; kind: string; partnershipId: string | null; status: string; queuedAt: Date }[]): Promise<Set<string>> {
  const failed = runs.filter((r) => (r.status === 'FAILED' || r.status === 'PARTIAL') && (RETRYABLE_RUNS as readonly string[]).includes(r.kind));
  if (failed.length === 0) return new Set();
  const newest = await db.syncRun.groupBy({ by: ['kind', 'partnershipId'], where: { shopId, kind: { in: [...new Set(failed.map((r) => r.kind))] } }, _max: { queuedAt: true } });
  const newestAt = new Map(newest.map((n) => [`${n.kind} ${n.partnershipId}`, n._max.queuedAt?.getTime()]));
  const partnershipIds = [...new Set(failed.map((r) => r.partnershipId).filter((id): id is string => id !== null))];
  const active = new Set((await db.partnership.findMany({ where: { id: { in: partnershipIds }, status: 'ACTIVE' }, select: { id: true } })).map((p) => p.id));
  return new Set(failed.filter((r) => newestAt.get(`${r.kind} ${r.partnershipId}`) === r.queuedAt.getTime() && (r.partnershipId === null || active.has(r.partnershipId))).map((r) => r.id));
}
