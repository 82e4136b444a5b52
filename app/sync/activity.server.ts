// Activity: what ran (sync runs) and which orders could not be forwarded, newest first, filtered by
// kind, status and a date range in the shop's time zone. Each failed order carries its reason in
// merchant words and the fix: from its alert (raised by order forwarding with the fix), else from
// OrderLink.failureDetail, else the standing advice for that reason.
import { z } from 'zod';
import type { Db } from '../db.server.ts';
import type { OrderFailure, Prisma } from '../generated/prisma/client.ts';
import { localDayBounds } from './billing.server.ts';
import { JOB_KINDS, JOBS, exactTime, shopByDomain, timeAgo, type RunState } from './dashboard.server.ts';

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
  SKU_MISMATCH: { label: 'SKU mismatch', fix: 'Give the retailer’s product the supplier’s SKU (or re-sync the catalog), then retry the order.' },
  DUPLICATE_SKU: { label: 'Duplicate SKU', fix: 'Make each SKU unique in the supplier’s catalog, then retry the order.' },
  MISSING_SHIPPING_ADDRESS: { label: 'Missing shipping address', fix: 'Add a shipping address to the order in the retailer’s admin, then retry.' },
  UNSUPPORTED_PLATFORM: { label: 'Unsupported platform', fix: 'The supplier’s platform cannot take orders from Tandem: post this order by hand in the supplier’s system.' },
  PLATFORM_ERROR: { label: 'Platform error', fix: 'Fix what the platform reported at the supplier; Tandem retries on the next order sync.' },
};

export type ActivityEntry =
  | {
      type: 'run';
      id: string;
      kind: string;
      title: string;
      mode: string | null;
      trigger: string;
      state: RunState;
      at: string;
      ago: string;
      exact: string;
      counts: Record<string, number>;
      apiCalls: number;
      errors: string[];
    }
  | {
      type: 'order';
      id: string;
      orderName: string;
      partner: string;
      state: 'failed' | 'needs manual posting';
      reason: string;
      message: string;
      fix: string;
      at: string;
      ago: string;
      exact: string;
    };

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

/** The shop's activity matching `filter`, newest first, at most `limit` entries. */
export async function listActivity(db: Db, shopDomain: string, filter: ActivityFilter, now = new Date(), limit = 100): Promise<ActivityEntry[]> {
  const shop = await shopByDomain(db, shopDomain);
  const range = {
    ...(filter.from ? { gte: localDayBounds(filter.from, shop.timezone).start } : {}),
    ...(filter.to ? { lt: localDayBounds(filter.to, shop.timezone).end } : {}),
  };
  const entries: (ActivityEntry & { when: Date })[] = [];

  if (filter.kind !== 'orders') {
    const runs = await db.syncRun.findMany({
      where: {
        shopId: shop.id,
        ...(filter.kind !== 'all' ? { kind: filter.kind } : {}),
        ...(filter.status !== 'all' ? { status: RUN_STATES[filter.status] } : {}),
        ...(filter.from || filter.to ? { queuedAt: range } : {}),
      },
      orderBy: { queuedAt: 'desc' },
      take: limit,
    });
    for (const r of runs) {
      const when = r.finishedAt ?? r.startedAt ?? r.queuedAt;
      entries.push({
        type: 'run',
        id: r.id,
        kind: r.kind,
        title: JOBS[r.kind as keyof typeof JOBS]?.title ?? r.kind,
        mode: r.mode,
        trigger: r.trigger,
        state: r.status.toLowerCase() as RunState,
        at: when.toISOString(),
        ago: timeAgo(when, now),
        exact: exactTime(when, shop.timezone),
        counts: Object.fromEntries(Object.entries((r.counts ?? {}) as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number')),
        apiCalls: r.apiCalls,
        errors: Array.isArray(r.errors) ? r.errors.map((e) => text(e, 'message') ?? JSON.stringify(e)) : [],
        when,
      });
    }
  }

  // Order failures are failures: they show under "all" and "failed", never under "succeeded".
  const ordersWanted = (filter.kind === 'all' || filter.kind === 'orders') && (filter.status === 'all' || filter.status === 'failed');
  if (ordersWanted) {
    const orders = await db.orderLink.findMany({
      where: {
        state: { in: ['FAILED', 'NEEDS_MANUAL_POSTING'] },
        failureReason: { not: null },
        partnership: { OR: [{ supplierShopId: shop.id }, { retailerShopId: shop.id }] },
        ...(filter.from || filter.to ? { updatedAt: range } : {}),
      },
      include: { partnership: { include: { supplier: true, retailer: true } } },
      orderBy: { updatedAt: 'desc' },
      take: limit,
    });
    // Order forwarding raises `order-failed_<orderLinkId>` for both shops with the fix (orders.server.ts).
    const alerts = await db.alert.findMany({ where: { shopId: shop.id, key: { in: orders.map((o) => `order-failed_${o.id}`) } } });
    const alertFor = new Map(alerts.map((a) => [a.key, a]));
    for (const o of orders) {
      const failure = orderFailureOf({ failureReason: o.failureReason!, failureDetail: o.failureDetail }, alertFor.get(`order-failed_${o.id}`));
      const p = o.partnership;
      const partner = p.supplierShopId === shop.id ? p.retailer : p.supplier;
      entries.push({
        type: 'order',
        id: o.id,
        orderName: o.retailerOrderName ?? o.retailerOrderId,
        partner: partner.name ?? partner.domain,
        state: o.state === 'FAILED' ? 'failed' : 'needs manual posting',
        ...failure,
        at: o.updatedAt.toISOString(),
        ago: timeAgo(o.updatedAt, now),
        exact: exactTime(o.updatedAt, shop.timezone),
        when: o.updatedAt,
      });
    }
  }

  return entries
    .sort((a, b) => b.when.getTime() - a.when.getTime())
    .slice(0, limit)
    .map(({ when: _when, ...entry }) => entry as ActivityEntry);
}
