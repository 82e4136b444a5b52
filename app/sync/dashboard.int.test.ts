import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import type { Shop } from '../generated/prisma/client.ts';
import { raiseAlert } from './alerts.server.ts';
import { RunRefused, exactTime, loadDashboard, loadSyncScreen, prepareManualRun, runProgress, timeAgo } from './dashboard.server.ts';

const NOW = new Date('2026-11-23T12:05:00Z');
let t: TestDatabase;
let supplier: Shop;
let retailer: Shop;
let outsider: Shop;
let partnershipId: string;

beforeAll(async () => {
  t = await createTestDatabase('dashboard');
  supplier = await t.db.shop.create({ data: { domain: 'north-supply.myshopify.com', name: 'North Supply', timezone: 'America/New_York' } });
  retailer = await t.db.shop.create({ data: { domain: 'south-store.myshopify.com', name: 'South Store', timezone: 'Europe/London' } });
  outsider = await t.db.shop.create({ data: { domain: 'west-outsider.myshopify.com' } });
  const p = await t.db.partnership.create({ data: { supplierShopId: supplier.id, retailerShopId: retailer.id, invitedByShopId: supplier.id, status: 'ACTIVE' } });
  partnershipId = p.id;
});
afterAll(async () => t.drop());

describe('when the time since the last sync is shown', () => {
  it.each([
    ['2026-11-23T12:04:30Z', 'just now'],
    ['2026-11-23T12:04:00Z', '1 minute ago'],
    ['2026-11-23T11:53:00Z', '12 minutes ago'],
    ['2026-11-23T09:05:00Z', '3 hours ago'],
    ['2026-11-22T10:00:00Z', 'yesterday'],
    ['2026-11-18T12:05:00Z', '5 days ago'],
  ])('says %s is %s', (at, words) => {
    expect(timeAgo(new Date(at), NOW)).toBe(words);
  });

  it.each([
    ['America/New_York', 'Nov 23, 2026, 7:05 AM EST'],
    ['Europe/London', 'Nov 23, 2026, 12:05 PM GMT'],
    ['Asia/Tokyo', 'Nov 23, 2026, 9:05 PM GMT+9'],
  ])('gives the exact time in %s as %s', (zone, text) => {
    expect(exactTime(NOW, zone)).toBe(text);
  });
});

describe('when a shop opens its dashboard', () => {
  beforeAll(async () => {
    const base = { shopId: supplier.id, partnershipId, trigger: 'schedule' };
    await t.db.syncRun.create({ data: { ...base, kind: 'catalog.sync', status: 'SUCCEEDED', queuedAt: new Date('2026-11-23T09:00:00Z'), finishedAt: new Date('2026-11-23T09:01:00Z'), counts: { created: 1 } } });
    await t.db.syncRun.create({
      data: { ...base, kind: 'catalog.sync', status: 'PARTIAL', queuedAt: new Date('2026-11-23T11:50:00Z'), startedAt: new Date('2026-11-23T11:51:00Z'), finishedAt: new Date('2026-11-23T11:53:00Z'), counts: { created: 4, updated: 2 }, apiCalls: 17, errors: [{ message: 'SKU X: duplicate' }] },
    });
    await t.db.syncRun.create({ data: { ...base, shopId: outsider.id, partnershipId: null, kind: 'inventory.push', status: 'FAILED', finishedAt: NOW } });
    await t.db.charge.create({ data: { partnershipId, day: '2026-11-22', amountCents: 4200, currency: 'USD', orderCount: 3, idempotencyKey: 'k1', status: 'SUCCEEDED' } });
    await raiseAlert(t.db, { shopId: supplier.id, key: 'auth-expired_x', severity: 'CRITICAL', title: 'Xero disconnected', message: 'Xero refused the stored token.', fix: 'Reconnect Xero in Connectors.' });
  });

  it('shows each job with its latest run, its age and exact time in the shop’s zone, and its counts', async () => {
    const dash = await loadDashboard(t.db, supplier.domain, NOW);

    expect(dash.jobs.map((j) => j.kind)).toEqual(['catalog.sync', 'inventory.push', 'orders.pull', 'fulfillments.push', 'nightly.full', 'sweep.oldest', 'invoices.post', 'billing.daily']);
    expect(dash.jobs[0].lastRun).toEqual({
      state: 'partial',
      at: '2026-11-23T11:53:00.000Z',
      ago: '12 minutes ago',
      exact: 'Nov 23, 2026, 6:53 AM EST',
      counts: { created: 4, updated: 2 },
      apiCalls: 17,
      errorCount: 1,
    });
    expect(dash.jobs[1].lastRun).toBeNull();
    expect(dash.jobs[7]).toMatchObject({ manual: false, lastRun: { state: 'succeeded', counts: { orders: 3, amountCents: 4200 } } });
  });

  it('lists open alerts with their fix', async () => {
    const dash = await loadDashboard(t.db, supplier.domain, NOW);
    expect(dash.alerts).toEqual([expect.objectContaining({ severity: 'CRITICAL', title: 'Xero disconnected', fix: 'Reconnect Xero in Connectors.' })]);
    expect((await loadDashboard(t.db, retailer.domain, NOW)).alerts).toEqual([]);
  });
});

describe('when a shop asks for a manual run', () => {
  it('offers its active partnerships by partner name', async () => {
    const screen = await loadSyncScreen(t.db, retailer.domain, NOW);
    expect(screen.partnerships).toEqual([{ id: partnershipId, label: 'North Supply (they supply you)' }]);
    expect(screen.jobs.filter((j) => j.manual).map((j) => j.kind)).toEqual(['catalog.sync', 'inventory.push']);
  });

  it('prepares the run with the mode only where the job has one', async () => {
    expect(await prepareManualRun(t.db, supplier.domain, { kind: 'catalog.sync', partnershipId, mode: 'FULL' })).toEqual({ queue: 'catalog.sync', shopId: supplier.id, partnershipId, mode: 'FULL' });
    expect(await prepareManualRun(t.db, supplier.domain, { kind: 'inventory.push', partnershipId, mode: 'FULL' })).toEqual({ queue: 'inventory.push', shopId: supplier.id, partnershipId, mode: 'FULL' });
    expect(await prepareManualRun(t.db, supplier.domain, { kind: 'orders.pull' as 'inventory.push', partnershipId, mode: 'FULL' })).toEqual({ queue: 'orders.pull', shopId: supplier.id, partnershipId });
  });

  it('refuses another pair’s partnership as unknown', async () => {
    const err = await prepareManualRun(t.db, outsider.domain, { kind: 'catalog.sync', partnershipId, mode: 'PARTIAL' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunRefused);
    expect(err).toMatchObject({ code: 'not_found', field: 'partnershipId' });
  });

  it('reports progress while running and 100% with duration once finished, only to its shop', async () => {
    const run = await t.db.syncRun.create({
      data: { shopId: supplier.id, partnershipId, kind: 'catalog.sync', mode: 'PARTIAL', trigger: 'manual', status: 'RUNNING', startedAt: new Date('2026-11-23T12:04:00Z'), progressDone: 30, progressTotal: 120 },
    });
    expect(await runProgress(t.db, supplier.domain, run.id, NOW)).toMatchObject({ state: 'running', percent: 25, finished: false, durationMs: 60_000 });
    await t.db.syncRun.update({ where: { id: run.id }, data: { status: 'SUCCEEDED', finishedAt: new Date('2026-11-23T12:04:30Z'), progressDone: 118, counts: { updated: 118 }, apiCalls: 9 } });
    expect(await runProgress(t.db, supplier.domain, run.id, NOW)).toMatchObject({ state: 'succeeded', percent: 100, finished: true, durationMs: 30_000, counts: { updated: 118 }, apiCalls: 9, errors: [] });
    expect(await runProgress(t.db, outsider.domain, run.id, NOW)).toBeNull();
  });
});
