import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../../test/support/redis.ts';
import { enqueue, requestManualRun } from './enqueue.server.ts';
import { endPartnership, invitePartner, respondToInvitation } from '../sync/partners.server.ts';
import { recordInstall, recordUninstall, redactShop } from '../sync/shop-lifecycle.server.ts';
import { recordWebhook } from '../sync/webhook-events.server.ts';
import { QUEUE_NAMES, openQueues, type Queues } from './queues.server.ts';
import { startScheduleKeeper } from './schedule-keeper.server.ts';
import { removeSchedulesForShop, schedulerId, spreadMinute, syncAllSchedules, syncBillingSchedule, syncSchedulesForShop } from './schedules.server.ts';
import { startWorkers } from './worker.server.ts';
import { until } from '../../test/support/until.ts';

let tdb: TestDatabase;
let redis: Redis;
let prefix: string;
let queues: Queues;

beforeAll(async () => {
  tdb = await createTestDatabase('jobs_sched');
  redis = testRedis();
  prefix = uniquePrefix('jobs-sched');
  queues = openQueues({ connection: redis, prefix });
});

afterAll(async () => {
  await queues.close();
  await deletePrefix(redis, prefix);
  await redis.quit();
  await tdb.drop();
});

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

// The session runs in late 2026, so the daylight-saving changes tested are those of 2027
// (BullMQ never schedules before "now"). Expected instants: 02:00 local, read from a calendar.
describe('when the nightly full sync crosses a daylight-saving change', () => {
  it.each([
    {
      zone: 'America/New_York',
      change: 'clocks go forward on 14 March (02:00 does not exist that night: it runs at 03:00 EDT)',
      startDate: '2027-03-12T12:00:00Z',
      runs: ['2027-03-13T07:00:00.000Z', '2027-03-14T07:00:00.000Z', '2027-03-15T06:00:00.000Z'],
    },
    {
      zone: 'Europe/London',
      change: 'clocks go forward on 28 March',
      startDate: '2027-03-26T12:00:00Z',
      runs: ['2027-03-27T02:00:00.000Z', '2027-03-28T01:00:00.000Z', '2027-03-29T01:00:00.000Z'],
    },
    {
      zone: 'America/New_York',
      change: 'clocks go back on 7 November',
      startDate: '2027-11-05T12:00:00Z',
      runs: ['2027-11-06T06:00:00.000Z', '2027-11-07T07:00:00.000Z', '2027-11-08T07:00:00.000Z'],
    },
    {
      zone: 'Europe/London',
      change: 'clocks go back on 31 October',
      startDate: '2027-10-29T12:00:00Z',
      runs: ['2027-10-30T01:00:00.000Z', '2027-10-31T02:00:00.000Z', '2027-11-01T02:00:00.000Z'],
    },
  ])('runs at 02:00 local in $zone when $change', async ({ zone, startDate, runs }) => {
    const shop = await tdb.db.shop.create({ data: { domain: `${zone.replace('/', '-').toLowerCase()}-${Math.random().toString(36).slice(2, 8)}.myshopify.com`, timezone: zone } });
    await syncSchedulesForShop(tdb.db, queues, shop, { startDate: new Date(startDate) });
    const queue = queues.get('nightly.full');
    const id = schedulerId('nightly.full', shop.id);
    expect(id).toBe(`nightly-full_${shop.id}`);

    const seen: string[] = [];
    const ran: string[] = [];
    const worker = startWorkers({
      db: tdb.db,
      redis: { connection: redis, prefix },
      handlers: { 'nightly.full': async (payload, ctx) => void ran.push(`${payload.shopId} due ${iso(ctx.job.dueAt)}`) },
      queues: ['nightly.full'],
      perShopConcurrency: 0,
    });
    try {
      for (let i = 0; i < runs.length; i++) {
        const scheduler = await queue.getJobScheduler(id);
        expect(scheduler).toMatchObject({ pattern: '0 0 2 * * *', tz: zone });
        seen.push(iso(scheduler?.next)!);
        // The scheduler's waiting job is due at the same instant.
        const [job] = (await queue.getDelayed()).filter((j) => j.repeatJobKey === id);
        expect(iso(job.timestamp + job.delay)).toBe(seen[i]);
        // Run it now: BullMQ then schedules the following night from this run's due time.
        await job.promote();
        await until(async () => ran.length === i + 1);
        await until(async () => (await queue.getJobScheduler(id))?.next !== scheduler?.next);
      }
    } finally {
      await worker.close();
    }
    expect(seen).toEqual(runs);
    // Run early by promote(), each run still knows which night it stands for.
    expect(ran).toEqual(runs.map((r) => `${shop.id} due ${r}`));
  });
});

describe('when schedules are synced for a shop', () => {
  it('upserts the same schedulers however often it runs, and removes them all on uninstall', async () => {
    const supplier = await tdb.db.shop.create({ data: { domain: 'sched-supplier.myshopify.com', timezone: 'Australia/Sydney' } });
    const retailer = await tdb.db.shop.create({ data: { domain: 'sched-retailer.myshopify.com' } });
    const p = await tdb.db.partnership.create({ data: { supplierShopId: supplier.id, retailerShopId: retailer.id, invitedByShopId: supplier.id, status: 'ACTIVE' } });

    await syncSchedulesForShop(tdb.db, queues, supplier);
    await syncSchedulesForShop(tdb.db, queues, supplier);

    for (const q of ['orders.pull', 'fulfillments.push', 'catalog.sync', 'inventory.push'] as const) {
      const s = await queues.get(q).getJobScheduler(schedulerId(q, p.id));
      expect(s?.template?.data).toMatchObject({ partnershipId: p.id, shopId: q === 'orders.pull' ? retailer.id : supplier.id, trigger: 'schedule' });
      expect((await queues.get(q).getDelayed()).filter((j) => j.repeatJobKey === schedulerId(q, p.id))).toHaveLength(1);
    }
    expect((await queues.get('catalog.sync').getJobScheduler(schedulerId('catalog.sync', p.id)))?.pattern).toMatch(/^0 \d+ \*\/8 \* \* \*$/);
    expect(await queues.get('nightly.full').getJobScheduler(`nightly-full_${supplier.id}`)).toMatchObject({ tz: 'Australia/Sydney' });

    await tdb.db.shop.update({ where: { id: supplier.id }, data: { uninstalledAt: new Date() } });
    await syncSchedulesForShop(tdb.db, queues, supplier);
    expect(await queues.get('nightly.full').getJobScheduler(`nightly-full_${supplier.id}`)).toBeUndefined();
    expect(await queues.get('sweep.oldest').getJobScheduler(`sweep-oldest_${supplier.id}`)).toBeUndefined();
    expect(await queues.get('catalog.sync').getJobScheduler(schedulerId('catalog.sync', p.id))).toBeUndefined();

    await removeSchedulesForShop(tdb.db, queues, supplier.id);
    expect(await queues.get('orders.pull').getJobScheduler(schedulerId('orders.pull', p.id))).toBeUndefined();
  });
});

describe('when billing is scheduled', () => {
  it('runs once a day from its schedule and cannot be started by hand', async () => {
    await syncBillingSchedule(queues);
    expect(await queues.get('billing.daily').getJobScheduler('billing-daily')).toMatchObject({ pattern: '0 15 0 * * *', tz: 'UTC' });
    await expect(requestManualRun(tdb.db, queues, { queue: 'billing.daily' as 'catalog.sync', shopId: 's', partnershipId: 'p' })).rejects.toThrow('billing.daily cannot be run by hand');
    await expect(enqueue(queues, 'billing.daily' as 'oversell', { shopId: 's', orderId: 'o', shopDomain: 's.myshopify.com', lines: [] })).rejects.toThrow('billing.daily runs from its daily schedule only');
  });
});

describe('when invoice posting is scheduled', () => {
  it('picks up due invoices every 15 minutes, once however often the schedules are synced', async () => {
    await syncAllSchedules(tdb.db, queues);
    await syncAllSchedules(tdb.db, queues);

    const schedulers = await queues.get('invoices.post').getJobSchedulers();
    expect(schedulers).toEqual([expect.objectContaining({ key: 'invoices-post', name: 'invoices.post', pattern: '0 */15 * * * *', tz: 'UTC' })]);
    expect((schedulers[0]!.next ?? 0) % (15 * 60_000)).toBe(0);
  });
});

describe('when shops and partnerships change in the web app while a worker runs', () => {
  // Each test its own prefix: the keeper reconciles every scheduler under it.
  let own: Queues;
  let ownPrefix: string;
  beforeEach(async () => {
    await tdb.db.shop.deleteMany();
    ownPrefix = uniquePrefix('jobs-keeper');
    own = openQueues({ connection: redis, prefix: ownPrefix });
  });
  afterEach(async () => {
    await own.close();
    await deletePrefix(redis, ownPrefix);
  });

  const schedulers = async () => {
    const all = await Promise.all(QUEUE_NAMES.map(async (q) => (await own.get(q).getJobSchedulers(0, -1)).map((s) => `${s.key} ${s.pattern}${s.tz ? ` ${s.tz}` : ''}`)));
    return all.flat().sort();
  };
  /** One keeper pass, as the next interval would run it (the previous pass's lease has lapsed). */
  const pass = async () => {
    await redis.del(`${ownPrefix}:schedule-keeper`);
    const keeper = startScheduleKeeper(tdb.db, own, { everyMs: 3_600_000 });
    try {
      return await keeper.runOnce();
    } finally {
      keeper.stop();
    }
  };
  const install = (domain: string, timezone: string) => recordInstall(tdb.db, { domain, timezone });

  it('gives a newly installed shop its nightly run at 02:00 in its own zone and its sweeps', async () => {
    const shop = await install('keeper-new.myshopify.com', 'Asia/Tokyo');

    const done = await pass();

    const sweep = `sweep-oldest_${shop.id} 0 ${spreadMinute(shop.id)} 1,7,13,19 * * * Asia/Tokyo`;
    expect(await schedulers()).toEqual(['billing-daily 0 15 0 * * * UTC', 'invoices-post 0 */15 * * * * UTC', `nightly-full_${shop.id} 0 0 2 * * * Asia/Tokyo`, sweep].sort());
    expect(done).toEqual({ added: [`nightly-full_${shop.id}`, `sweep-oldest_${shop.id}`, 'billing-daily', 'invoices-post'], changed: [], removed: [] });
  });

  it('moves the nightly run when a reinstall brings a new time zone, and changes nothing on a pass with nothing new', async () => {
    const shop = await install('keeper-moved.myshopify.com', 'Europe/Paris');
    await pass();
    await install('keeper-moved.myshopify.com', 'America/Chicago');

    const moved = await pass();

    expect(moved).toEqual({ added: [], changed: [`nightly-full_${shop.id}`, `sweep-oldest_${shop.id}`], removed: [] });
    expect(await own.get('nightly.full').getJobScheduler(`nightly-full_${shop.id}`)).toMatchObject({ pattern: '0 0 2 * * *', tz: 'America/Chicago' });
    expect(await pass()).toEqual({ added: [], changed: [], removed: [] });
  });

  it('adds the four partnership runs once the retailer accepts, and removes them when the partnership ends', async () => {
    const supplier = await install('keeper-supplier.myshopify.com', 'UTC');
    const retailer = await install('keeper-retailer.myshopify.com', 'UTC');
    const invited = await invitePartner(tdb.db, supplier.domain, { partner: retailer.domain, myRole: 'SUPPLIER' });
    await pass();
    expect((await schedulers()).filter((s) => s.includes(invited.id))).toEqual([]);

    await respondToInvitation(tdb.db, retailer.domain, invited.id, true);
    const accepted = await pass();

    const runs = ['orders.pull', 'fulfillments.push', 'inventory.push', 'catalog.sync'] as const;
    expect(accepted?.added.sort()).toEqual(runs.map((q) => schedulerId(q, invited.id)).sort());
    const catalog = await own.get('catalog.sync').getJobScheduler(schedulerId('catalog.sync', invited.id));
    expect(catalog).toMatchObject({ pattern: `0 ${spreadMinute(schedulerId('catalog.sync', invited.id))} */8 * * *` });
    expect(catalog?.template?.data).toEqual({ shopId: supplier.id, partnershipId: invited.id, trigger: 'schedule', mode: 'PARTIAL' });
    // The job the scheduler puts on the queue retries with the job's own backoff (catalog-sync.server.ts).
    const [next] = (await own.get('catalog.sync').getDelayed()).filter((j) => j.repeatJobKey === schedulerId('catalog.sync', invited.id));
    expect(next?.opts).toMatchObject({ attempts: 5, backoff: { type: 'exponential', delay: 60_000, jitter: 0.5 } });

    await endPartnership(tdb.db, retailer.domain, invited.id);
    const ended = await pass();

    expect(ended?.removed.sort()).toEqual(runs.map((q) => schedulerId(q, invited.id)).sort());
    expect((await schedulers()).filter((s) => s.includes(invited.id))).toEqual([]);
  });

  it('removes every schedule of a shop that uninstalled, and of a shop shop/redact deleted', async () => {
    const supplier = await install('keeper-gone-s.myshopify.com', 'UTC');
    const retailer = await install('keeper-gone-r.myshopify.com', 'UTC');
    const p = await invitePartner(tdb.db, supplier.domain, { partner: retailer.domain, myRole: 'SUPPLIER' });
    await respondToInvitation(tdb.db, retailer.domain, p.id, true);
    await pass();

    const { event } = await recordWebhook(tdb.db, { webhookId: 'keeper-uninstall', shopDomain: retailer.domain, topic: 'APP_UNINSTALLED' });
    await recordUninstall(tdb.db, event, new Date());
    await pass();
    expect(await schedulers()).toEqual(['billing-daily 0 15 0 * * * UTC', 'invoices-post 0 */15 * * * * UTC', `nightly-full_${supplier.id} 0 0 2 * * * UTC`, `sweep-oldest_${supplier.id} 0 ${spreadMinute(supplier.id)} 1,7,13,19 * * * UTC`].sort());

    const redact = await recordWebhook(tdb.db, { webhookId: 'keeper-redact', shopDomain: supplier.domain, topic: 'SHOP_REDACT' });
    await redactShop(tdb.db, redact.event);
    await pass();
    expect(await schedulers()).toEqual(['billing-daily 0 15 0 * * * UTC', 'invoices-post 0 */15 * * * * UTC']);
  });

  it('lets one of several workers do each pass', async () => {
    await install('keeper-shared.myshopify.com', 'UTC');
    const keepers = [1, 2, 3].map(() => startScheduleKeeper(tdb.db, own, { everyMs: 3_600_000 }));

    const passes = await Promise.all(keepers.map((k) => k.runOnce()));
    keepers.forEach((k) => k.stop());

    expect(passes.filter((p) => p !== null)).toHaveLength(1);
    expect(await schedulers()).toHaveLength(4);
  });
});
