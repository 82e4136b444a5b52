// The home screen and the Sync screen read from here: each job of DESIGN's table with its last run
// (status, when, counts), the alerts that need the merchant, and the manual "Run sync" request
// checked against the shop's own partnerships. Times are shown in the shop's time zone.
import { z } from 'zod';
import type { Db } from '../db.server.ts';
import type { Shop } from '../generated/prisma/client.ts';
import { openAlerts } from './alerts.server.ts';
import { countProductsAwaitingApproval } from './approvals.server.ts';

export const JOB_KINDS = [
  'catalog.sync',
  'inventory.push',
  'orders.pull',
  'fulfillments.push',
  'nightly.full',
  'sweep.oldest',
  'invoices.post',
  'billing.daily',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface JobInfo {
  kind: JobKind;
  title: string;
  /** What pressing "Run sync" (or the schedule) does, in the merchant's words. */
  description: string;
  /** Only catalog.sync and inventory.push can be run by hand (DESIGN: billing never is). */
  manual: boolean;
  /** Full vs Partial applies (catalog.sync's payload has a mode). */
  hasMode: boolean;
}

export const JOBS: Record<JobKind, JobInfo> = {
  'catalog.sync': { kind: 'catalog.sync', title: 'Catalog sync', description: 'Sync all my products to partner shops', manual: true, hasMode: true },
  'inventory.push': { kind: 'inventory.push', title: 'Inventory push', description: 'Push stock levels and prices to partner shops (product details follow with catalog sync)', manual: true, hasMode: true },
  'orders.pull': { kind: 'orders.pull', title: 'Order forwarding', description: 'Bring retailer orders for supplier products to the supplier', manual: false, hasMode: false },
  'fulfillments.push': { kind: 'fulfillments.push', title: 'Tracking updates', description: 'Send supplier shipments and tracking back to the retailer', manual: false, hasMode: false },
  'nightly.full': { kind: 'nightly.full', title: 'Nightly full sync', description: 'Re-check every product and stock level at 02:00 shop time', manual: false, hasMode: false },
  'sweep.oldest': { kind: 'sweep.oldest', title: 'Freshness sweep', description: 'Re-check the products synced longest ago', manual: false, hasMode: false },
  'invoices.post': { kind: 'invoices.post', title: 'Invoices', description: 'Post an invoice for each forwarded order to the accounting system', manual: false, hasMode: false },
  'billing.daily': { kind: 'billing.daily', title: 'Daily billing', description: 'Charge each retailer once a day for the previous day’s orders', manual: false, hasMode: false },
};

export type RunState = 'queued' | 'running' | 'succeeded' | 'failed' | 'partial' | 'retrying' | 'skipped';

export interface LastRun {
  state: RunState;
  /** When it finished, else when it started, else when it was queued (ISO). */
  at: string;
  /** "12 minutes ago". */
  ago: string;
  /** The exact time in the shop's time zone, e.g. "Nov 23, 2026, 7:05 AM EST". */
  exact: string;
  counts: Record<string, number>;
  apiCalls: number | null;
  errorCount: number;
}

export interface JobStatus extends JobInfo {
  lastRun: LastRun | null;
}

export interface HomeAlert {
  id: string;
  severity: 'INFO' | 'WARNING' | 'CRITICAL';
  title: string;
  message: string;
  fix: string | null;
}

export interface Dashboard {
  shop: { domain: string; name: string | null; timezone: string };
  jobs: JobStatus[];
  alerts: HomeAlert[];
  /** Supplier products waiting for this shop's approval as a retailer. */
  awaitingApproval: number;
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "just now", "12 minutes ago", "3 hours ago", "yesterday", "5 days ago". */
export function timeAgo(at: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - at.getTime()) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return relative.format(-minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (hours < 24) return relative.format(-hours, 'hour');
  const days = Math.round(hours / 24);
  if (days < 31) return relative.format(-days, 'day');
  const months = Math.round(days / 30.44);
  return months < 12 ? relative.format(-months, 'month') : relative.format(-Math.round(days / 365.25), 'year');
}

/** The exact date and time in the shop's time zone, naming the zone. */
export function exactTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(at);
}

export function lastRunView(run: { state: RunState; at: Date; counts: Record<string, number>; apiCalls: number | null; errorCount: number }, timezone: string, now: Date): LastRun {
  return { state: run.state, at: run.at.toISOString(), ago: timeAgo(run.at, now), exact: exactTime(run.at, timezone), counts: run.counts, apiCalls: run.apiCalls, errorCount: run.errorCount };
}

function numbers(json: unknown): Record<string, number> {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return {};
  return Object.fromEntries(Object.entries(json).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

/**
 * The signed-in shop's row. On the very first open the admin loads the frame and the page at once:
 * one request's token exchange runs afterAuth (which records the shop with its name and time zone)
 * while the other may already hold the stored session, so the row is created here if it is not
 * there yet; afterAuth then fills in the details.
 */
export async function shopByDomain(db: Db, domain: string): Promise<Shop> {
  const found = await db.shop.findUnique({ where: { domain } });
  if (found) return found;
  try {
    return await db.shop.create({ data: { domain } });
  } catch (err) {
    // P2002: the concurrent request (or afterAuth) created it first.
    if ((err as { code?: string }).code === 'P2002') return db.shop.findUniqueOrThrow({ where: { domain } });
    throw err;
  }
}

const involving = (shopId: string) => ({ OR: [{ supplierShopId: shopId }, { retailerShopId: shopId }] });

/**
 * Each job's last run for the shop. Sync runs come from SyncRun; invoices.post and billing.daily
 * keep no SyncRun (they work per order and per day), so their last Invoice and Charge stand in.
 */
async function lastRuns(db: Db, shop: Shop): Promise<Map<JobKind, Omit<LastRun, 'ago' | 'exact' | 'at'> & { at: Date }>> {
  const found = new Map<JobKind, Omit<LastRun, 'ago' | 'exact' | 'at'> & { at: Date }>();
  const runs = await db.syncRun.findMany({
    where: { shopId: shop.id, kind: { in: [...JOB_KINDS] } },
    orderBy: { queuedAt: 'desc' },
    distinct: ['kind'],
  });
  for (const run of runs) {
    found.set(run.kind as JobKind, {
      state: run.status.toLowerCase() as RunState,
      at: run.finishedAt ?? run.startedAt ?? run.queuedAt,
      counts: numbers(run.counts),
      apiCalls: run.apiCalls,
      errorCount: Array.isArray(run.errors) ? run.errors.length : 0,
    });
  }
  const invoice = await db.invoice.findFirst({ where: { orderLink: { partnership: involving(shop.id) } }, orderBy: { updatedAt: 'desc' } });
  if (invoice) {
    const state = ({ PENDING: 'queued', POSTED: 'succeeded', RETRYING: 'retrying', GAVE_UP: 'failed' } as const)[invoice.status];
    found.set('invoices.post', { state, at: invoice.updatedAt, counts: { attempts: invoice.attempts }, apiCalls: null, errorCount: invoice.lastError ? 1 : 0 });
  }
  const charge = await db.charge.findFirst({ where: { partnership: involving(shop.id) }, orderBy: { updatedAt: 'desc' } });
  if (charge) {
    const state = ({ PENDING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed', SKIPPED: 'skipped' } as const)[charge.status];
    found.set('billing.daily', { state, at: charge.updatedAt, counts: { orders: charge.orderCount, amountCents: charge.amountCents }, apiCalls: null, errorCount: charge.lastError ? 1 : 0 });
  }
  return found;
}

export async function loadDashboard(db: Db, shopDomain: string, now = new Date()): Promise<Dashboard> {
  const shop = await shopByDomain(db, shopDomain);
  const runs = await lastRuns(db, shop);
  const jobs = JOB_KINDS.map((kind) => {
    const run = runs.get(kind);
    return { ...JOBS[kind], lastRun: run ? lastRunView(run, shop.timezone, now) : null };
  });
  const alerts = (await openAlerts(db, shop.id)).map((a) => ({ id: a.id, severity: a.severity, title: a.title, message: a.message, fix: a.fix }));
  const awaitingApproval = await countProductsAwaitingApproval(db, shop.id);
  return { shop: { domain: shop.domain, name: shop.name, timezone: shop.timezone }, jobs, alerts, awaitingApproval };
}

// ---------------------------------------------------------------------------------------------
// The Sync screen: run a job by hand for one partnership and watch it.

/** "Run sync": which job, for which partnership, Full or Partial (catalog sync only). */
export const RunSyncInput = z.object({
  kind: z.enum(['catalog.sync', 'inventory.push'], { message: 'Choose a sync that can be run by hand' }),
  partnershipId: z.string().min(1, 'Choose a partner'),
  mode: z.enum(['FULL', 'PARTIAL'], { message: 'Choose Full or Partial' }).default('PARTIAL'),
});
export type RunSyncInput = z.infer<typeof RunSyncInput>;

/** A run the shop asked for that it may not have: another pair's partnership, or one not active. */
export class RunRefused extends Error {
  readonly name = 'RunRefused';
  constructor(
    readonly code: 'not_found' | 'invalid',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Checks the partnership is this shop's and active; returns what `requestManualRun` takes. */
export async function prepareManualRun(db: Db, shopDomain: string, input: RunSyncInput) {
  const shop = await shopByDomain(db, shopDomain);
  const partnership = await db.partnership.findFirst({ where: { id: input.partnershipId, ...involving(shop.id) }, select: { id: true, status: true } });
  if (!partnership) throw new RunRefused('not_found', 'No such partnership.', 'partnershipId');
  if (partnership.status !== 'ACTIVE') throw new RunRefused('invalid', 'Only an active partnership can be synced.', 'partnershipId');
  return { queue: input.kind, shopId: shop.id, partnershipId: partnership.id, ...(JOBS[input.kind].hasMode ? { mode: input.mode } : {}) };
}

export interface RunProgress {
  id: string;
  kind: string;
  mode: string | null;
  state: RunState;
  done: number;
  total: number;
  /** 0–100; 100 once the run finished, whatever it counted. */
  percent: number;
  finished: boolean;
  counts: Record<string, number>;
  apiCalls: number;
  /** From start to finish (or to now while it runs); null until it starts. */
  durationMs: number | null;
  errors: string[];
}

/** One of the shop's own runs, as the progress bar and result summary show it; null if not its. */
export async function runProgress(db: Db, shopDomain: string, syncRunId: string, now = new Date()): Promise<RunProgress | null> {
  const shop = await shopByDomain(db, shopDomain);
  const run = await db.syncRun.findFirst({ where: { id: syncRunId, shopId: shop.id } });
  if (!run) return null;
  const state = run.status.toLowerCase() as RunState;
  const finished = run.finishedAt !== null && (state === 'succeeded' || state === 'failed' || state === 'partial');
  const percent = finished ? 100 : run.progressTotal > 0 ? Math.min(100, Math.floor((run.progressDone / run.progressTotal) * 100)) : 0;
  const errors = Array.isArray(run.errors) ? run.errors.map((e) => (e && typeof e === 'object' && 'message' in e ? String(e.message) : JSON.stringify(e))) : [];
  return {
    id: run.id,
    kind: run.kind,
    mode: run.mode,
    state,
    done: run.progressDone,
    total: run.progressTotal,
    percent,
    finished,
    counts: numbers(run.counts),
    apiCalls: run.apiCalls,
    durationMs: run.startedAt ? (run.finishedAt ?? now).getTime() - run.startedAt.getTime() : null,
    errors,
  };
}

export interface SyncScreen {
  jobs: JobStatus[];
  partnerships: { id: string; label: string }[];
}

/** Every job with its last run, and the active partnerships a manual run can target. */
export async function loadSyncScreen(db: Db, shopDomain: string, now = new Date()): Promise<SyncScreen> {
  const { jobs } = await loadDashboard(db, shopDomain, now);
  const shop = await shopByDomain(db, shopDomain);
  const rows = await db.partnership.findMany({
    where: { status: 'ACTIVE', ...involving(shop.id) },
    include: { supplier: true, retailer: true },
    orderBy: { createdAt: 'asc' },
  });
  const partnerships = rows.map((p) => {
    const mine = p.supplierShopId === shop.id;
    const other = mine ? p.retailer : p.supplier;
    return { id: p.id, label: `${other.name ?? other.domain} (${mine ? 'you supply them' : 'they supply you'})` };
  });
  return { jobs, partnerships };
}
