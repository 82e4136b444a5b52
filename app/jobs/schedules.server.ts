// The recurring jobs of DESIGN.md's table as BullMQ job schedulers, upserted so that running
// this again changes nothing and a new time zone or partnership takes effect at once.
// Patterns have six fields (seconds first) and `tz` is the shop's IANA zone, so "02:00" follows
// daylight-saving changes (BullMQ computes the next time with cron-parser).
import { createHash } from 'node:crypto';
import type { Db } from '../db.server.ts';
import { jobDefinitions, type JobInputs } from './definitions.server.ts';
import { INVOICES_POST_PATTERN } from './invoices-post.server.ts';
import { SCHEDULED_PRIORITY } from './enqueue.server.ts';
import type { JobDefinition } from './job-definition.server.ts';
import type { QueueName, Queues } from './queues.server.ts';

export const NIGHTLY_PATTERN = '0 0 2 * * *';

export interface ScheduleOptions {
  /** First run no earlier than this (tests and back-fills; default: now). */
  startDate?: Date;
}

type PartnershipQueue = 'orders.pull' | 'fulfillments.push' | 'catalog.sync' | 'inventory.push';

/** Which side of a partnership each recurring partnership job belongs to, and how often. */
const PARTNERSHIP_SCHEDULES: { queue: PartnershipQueue; side: 'supplier' | 'retailer'; pattern: (minute: number) => string }[] = [
  { queue: 'orders.pull', side: 'retailer', pattern: (m) => `0 ${m} * * * *` },
  { queue: 'fulfillments.push', side: 'supplier', pattern: (m) => `0 ${m} * * * *` },
  { queue: 'inventory.push', side: 'supplier', pattern: (m) => `0 ${m} * * * *` },
  { queue: 'catalog.sync', side: 'supplier', pattern: (m) => `0 ${m} */8 * * *` },
];

/** Scheduler ids: `nightly-full_<shop>`, `catalog-sync_<partnership>`. */
export function schedulerId(queue: QueueName, ownerId: string) {
  return `${queue.replace('.', '-')}_${ownerId}`;
}

/** Spreads hourly jobs over the hour so every shop does not hit its platform at :00. */
export function spreadMinute(id: string) {
  return createHash('sha256').update(id).digest().readUInt16BE(0) % 60;
}

async function upsert(queues: Queues, schedule: WantedSchedule, options: ScheduleOptions) {
  const definition = jobDefinitions[schedule.queue] as JobDefinition;
  definition.payload.parse(schedule.data);
  const { attempts, backoff, removeOnComplete, removeOnFail } = definition.options;
  await queues.get(schedule.queue).upsertJobScheduler(
    schedule.id,
    { ...schedule.repeat, ...(options.startDate ? { startDate: options.startDate } : {}) },
    { name: schedule.queue, data: schedule.data, opts: { attempts, backoff, removeOnComplete, removeOnFail, priority: SCHEDULED_PRIORITY } },
  );
}

/** One recurring job as it should exist: the scheduler id, its repeat rule and its job's data. */
export interface WantedSchedule {
  queue: QueueName;
  id: string;
  repeat: { pattern: string; tz?: string };
  data: JobInputs[QueueName];
}

/** The shop's own recurring jobs: nightly full run at 02:00 in its time zone, sweeps four times a day. */
function shopSchedules(shop: { id: string; timezone: string }): WantedSchedule[] {
  return [
    { queue: 'nightly.full', id: schedulerId('nightly.full', shop.id), repeat: { pattern: NIGHTLY_PATTERN, tz: shop.timezone }, data: { shopId: shop.id, trigger: 'nightly' } },
    { queue: 'sweep.oldest', id: schedulerId('sweep.oldest', shop.id), repeat: { pattern: `0 ${spreadMinute(shop.id)} 1,7,13,19 * * *`, tz: shop.timezone }, data: { shopId: shop.id, trigger: 'sweep' } },
  ];
}

/** A live partnership's hourly and 8-hourly runs, each on the side that owns it. */
function partnershipSchedules(p: { id: string; supplierShopId: string; retailerShopId: string }): WantedSchedule[] {
  return PARTNERSHIP_SCHEDULES.map((s) => {
    const id = schedulerId(s.queue, p.id);
    const shopId = s.side === 'supplier' ? p.supplierShopId : p.retailerShopId;
    const data = { shopId, partnershipId: p.id, trigger: 'schedule' as const };
    return { queue: s.queue, id, repeat: { pattern: s.pattern(spreadMinute(id)) }, data: s.queue === 'catalog.sync' ? { ...data, mode: 'PARTIAL' as const } : data };
  });
}

const BILLING: WantedSchedule = { queue: 'billing.daily', id: 'billing-daily', repeat: { pattern: '0 15 0 * * *', tz: 'UTC' }, data: {} };
/** Invoices that are due (new ones, and retries whose wait is over) are posted every 15 minutes. */
const INVOICES: WantedSchedule = { queue: 'invoices.post', id: 'invoices-post', repeat: { pattern: INVOICES_POST_PATTERN, tz: 'UTC' }, data: {} };

/** Queues that hold schedulers (every other queue is fed by webhooks and manual runs). */
const SCHEDULED_QUEUES: readonly QueueName[] = ['nightly.full', 'sweep.oldest', ...PARTNERSHIP_SCHEDULES.map((s) => s.queue), 'billing.daily', 'invoices.post'];

const liveShop = { uninstalledAt: null };

/**
 * Brings one shop's schedules in line with the database: nightly full run at 02:00 in the
 * shop's time zone, sweeps four times a day, and the hourly/8-hourly runs of each ACTIVE
 * partnership the shop is part of. An uninstalled shop loses all of them.
 */
export async function syncSchedulesForShop(db: Db, queues: Queues, shop: { id: string }, options: ScheduleOptions = {}) {
  const row = await db.shop.findUnique({
    where: { id: shop.id },
    include: { supplierOf: true, retailerOf: true },
  });
  if (!row || row.uninstalledAt) return removeSchedulesForShop(db, queues, shop.id);

  for (const s of shopSchedules(row)) await upsert(queues, s, options);
  for (const partnership of [...row.supplierOf, ...row.retailerOf]) {
    await syncPartnershipSchedules(db, queues, partnership.id, options);
  }
}

/** Upserts the partnership's recurring runs while it is ACTIVE with both shops installed; removes them otherwise. */
export async function syncPartnershipSchedules(db: Db, queues: Queues, partnershipId: string, options: ScheduleOptions = {}) {
  const p = await db.partnership.findUnique({
    where: { id: partnershipId },
    include: { supplier: { select: { uninstalledAt: true } }, retailer: { select: { uninstalledAt: true } } },
  });
  const live = p && p.status === 'ACTIVE' && !p.supplier.uninstalledAt && !p.retailer.uninstalledAt;
  if (!live) {
    for (const s of PARTNERSHIP_SCHEDULES) await queues.get(s.queue).removeJobScheduler(schedulerId(s.queue, partnershipId));
    return;
  }
  for (const s of partnershipSchedules(p)) await upsert(queues, s, options);
}

/** On uninstall: the shop's own schedules and those of every partnership it is in. */
export async function removeSchedulesForShop(db: Db, queues: Queues, shopId: string) {
  await queues.get('nightly.full').removeJobScheduler(schedulerId('nightly.full', shopId));
  await queues.get('sweep.oldest').removeJobScheduler(schedulerId('sweep.oldest', shopId));
  const partnerships = await db.partnership.findMany({
    where: { OR: [{ supplierShopId: shopId }, { retailerShopId: shopId }] },
    select: { id: true },
  });
  for (const p of partnerships) {
    for (const s of PARTNERSHIP_SCHEDULES) await queues.get(s.queue).removeJobScheduler(schedulerId(s.queue, p.id));
  }
}

/** Billing runs once a day for every partnership, shortly after midnight UTC. */
export async function syncBillingSchedule(queues: Queues, options: ScheduleOptions = {}) {
  await upsert(queues, BILLING, options);
}

/** Invoices that are due (new ones, and retries whose wait is over) are posted every 15 minutes. */
export async function syncInvoiceSchedule(queues: Queues, options: ScheduleOptions = {}) {
  await upsert(queues, INVOICES, options);
}

/** At worker start: every installed shop's schedules, billing and invoice posting. */
export async function syncAllSchedules(db: Db, queues: Queues) {
  const shops = await db.shop.findMany({ select: { id: true } });
  for (const shop of shops) await syncSchedulesForShop(db, queues, shop);
  await syncBillingSchedule(queues);
  await syncInvoiceSchedule(queues);
  await reconcileSchedules(db, queues);
}

/** Every recurring job the database calls for right now. */
export async function wantedSchedules(db: Db): Promise<WantedSchedule[]> {
  const shops = await db.shop.findMany({ where: liveShop, select: { id: true, timezone: true } });
  const partnerships = await db.partnership.findMany({
    where: { status: 'ACTIVE', supplier: liveShop, retailer: liveShop },
    select: { id: true, supplierShopId: true, retailerShopId: true },
  });
  return [...shops.flatMap(shopSchedules), ...partnerships.flatMap(partnershipSchedules), BILLING, INVOICES];
}

export interface Reconciled {
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * Compares the schedulers in Redis with what the database calls for and fixes the difference
 * only: a shop that installed, changed time zone or uninstalled, a partnership accepted or ended,
 * a shop deleted by shop/redact (its rows are gone, so only this finds its schedulers). The web
 * app changes those rows without touching Redis; the worker's keeper runs this every few minutes.
 */
export async function reconcileSchedules(db: Db, queues: Queues): Promise<Reconciled> {
  const wanted = await wantedSchedules(db);
  const result: Reconciled = { added: [], changed: [], removed: [] };
  for (const queue of SCHEDULED_QUEUES) {
    const existing = new Map((await queues.get(queue).getJobSchedulers(0, -1)).map((s) => [s.key, s]));
    const mine = wanted.filter((w) => w.queue === queue);
    for (const w of mine) {
      const have = existing.get(w.id);
      if (have && have.pattern === w.repeat.pattern && (have.tz ?? undefined) === w.repeat.tz) continue;
      await upsert(queues, w, {});
      (have ? result.changed : result.added).push(w.id);
    }
    const keep = new Set(mine.map((w) => w.id));
    for (const key of existing.keys()) {
      if (keep.has(key)) continue;
      await queues.get(queue).removeJobScheduler(key);
      result.removed.push(key);
    }
  }
  return result;
}
