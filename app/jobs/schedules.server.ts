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

async function upsert<Q extends QueueName>(queues: Queues, queue: Q, id: string, repeat: { pattern: string; tz?: string }, data: JobInputs[Q], options: ScheduleOptions) {
  const definition = jobDefinitions[queue] as JobDefinition;
  definition.payload.parse(data);
  const { attempts, backoff, removeOnComplete, removeOnFail } = definition.options;
  await queues.get(queue).upsertJobScheduler(
    id,
    { ...repeat, ...(options.startDate ? { startDate: options.startDate } : {}) },
    { name: queue, data, opts: { attempts, backoff, removeOnComplete, removeOnFail, priority: SCHEDULED_PRIORITY } },
  );
}

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

  await upsert(queues, 'nightly.full', schedulerId('nightly.full', row.id), { pattern: NIGHTLY_PATTERN, tz: row.timezone }, { shopId: row.id, trigger: 'nightly' }, options);
  await upsert(queues, 'sweep.oldest', schedulerId('sweep.oldest', row.id), { pattern: `0 ${spreadMinute(row.id)} 1,7,13,19 * * *`, tz: row.timezone }, { shopId: row.id, trigger: 'sweep' }, options);

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
  for (const s of PARTNERSHIP_SCHEDULES) {
    const id = schedulerId(s.queue, partnershipId);
    if (!live) {
      await queues.get(s.queue).removeJobScheduler(id);
      continue;
    }
    const shopId = s.side === 'supplier' ? p.supplierShopId : p.retailerShopId;
    const data = { shopId, partnershipId, trigger: 'schedule' as const };
    await upsert(queues, s.queue, id, { pattern: s.pattern(spreadMinute(id)) }, s.queue === 'catalog.sync' ? { ...data, mode: 'PARTIAL' as const } : data, options);
  }
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
  await upsert(queues, 'billing.daily', 'billing-daily', { pattern: '0 15 0 * * *', tz: 'UTC' }, {}, options);
}

/** Invoices that are due (new ones, and retries whose wait is over) are posted every 15 minutes. */
export async function syncInvoiceSchedule(queues: Queues, options: ScheduleOptions = {}) {
  await upsert(queues, 'invoices.post', 'invoices-post', { pattern: INVOICES_POST_PATTERN, tz: 'UTC' }, {}, options);
}

/** At worker start: every installed shop's schedules, billing and invoice posting. */
export async function syncAllSchedules(db: Db, queues: Queues) {
  const shops = await db.shop.findMany({ select: { id: true } });
  for (const shop of shops) await syncSchedulesForShop(db, queues, shop);
  await syncBillingSchedule(queues);
  await syncInvoiceSchedule(queues);
}
