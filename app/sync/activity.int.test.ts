import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import type { Shop } from '../generated/prisma/client.ts';
import { raiseAlert } from './alerts.server.ts';
import { ActivityFilter, listActivity } from './activity.server.ts';

const NOW = new Date('2026-11-23T12:00:00Z');
let t: TestDatabase;
let supplier: Shop;
let retailer: Shop;
let partnershipId: string;

beforeAll(async () => {
  t = await createTestDatabase('activity');
  supplier = await t.db.shop.create({ data: { domain: 'gale-supply.myshopify.com', name: 'Gale Supply', timezone: 'America/Los_Angeles' } });
  retailer = await t.db.shop.create({ data: { domain: 'hill-store.myshopify.com', name: 'Hill Store' } });
  partnershipId = (await t.db.partnership.create({ data: { supplierShopId: supplier.id, retailerShopId: retailer.id, invitedByShopId: supplier.id, status: 'ACTIVE' } })).id;
  const run = { shopId: supplier.id, partnershipId, trigger: 'schedule' };
  await t.db.syncRun.create({ data: { ...run, kind: 'catalog.sync', status: 'SUCCEEDED', queuedAt: new Date('2026-11-20T10:00:00Z'), finishedAt: new Date('2026-11-20T10:05:00Z'), counts: { created: 3 } } });
  await t.db.syncRun.create({
    data: { ...run, kind: 'inventory.push', status: 'FAILED', queuedAt: new Date('2026-11-23T07:30:00Z'), finishedAt: new Date('2026-11-23T07:31:00Z'), errors: [{ at: 'x', code: 'auth_expired', message: 'Shopify refused the token' }] },
  });
  const order = { partnershipId, content: {}, contentHash: 'h', totalAmount: '10.00', currency: 'USD', retailerCreatedAt: new Date('2026-11-23T08:00:00Z') };
  const sku = await t.db.orderLink.create({ data: { ...order, retailerOrderId: '1001', retailerOrderName: '#1001', state: 'FAILED', failureReason: 'SKU_MISMATCH', failureDetail: { sku: 'MUG-RED' } } });
  await t.db.orderLink.create({ data: { ...order, retailerOrderId: '1002', retailerOrderName: '#1002', state: 'FAILED', failureReason: 'MISSING_SHIPPING_ADDRESS', failureDetail: {} } });
  await t.db.orderLink.create({ data: { ...order, retailerOrderId: '1003', state: 'FORWARDED' } });
  await raiseAlert(t.db, {
    shopId: supplier.id,
    key: `order-failed_${sku.id}`,
    severity: 'WARNING',
    title: 'Order #1001 not forwarded',
    message: 'Order #1001 has SKU MUG-RED, which Gale Supply does not sell.',
    fix: 'Change the SKU of “Red Mug” at Hill Store to match Gale Supply, then press Retry.',
  });
});
afterAll(async () => t.drop());

const all = ActivityFilter.parse({});

describe('when a shop reads its activity', () => {
  it('lists runs and failed orders newest first, each failure with its reason and fix', async () => {
    const entries = await listActivity(t.db, supplier.domain, all, NOW);
    expect(entries.map((e) => (e.type === 'run' ? e.kind : e.orderName))).toEqual(['#1002', '#1001', 'inventory.push', 'catalog.sync']);
    expect(entries[1]).toMatchObject({
      type: 'order',
      partner: 'Hill Store',
      reason: 'SKU mismatch',
      message: 'Order #1001 has SKU MUG-RED, which Gale Supply does not sell.',
      fix: 'Change the SKU of “Red Mug” at Hill Store to match Gale Supply, then press Retry.',
    });
    expect(entries[0]).toMatchObject({ reason: 'Missing shipping address', fix: 'Add a shipping address to the order in the retailer’s admin, then retry.' });
    expect(entries[2]).toMatchObject({ state: 'failed', errors: ['Shopify refused the token'], exact: 'Nov 22, 2026, 11:31 PM PST' });
  });

  it.each([
    [{ kind: 'orders' }, ['#1002', '#1001']],
    [{ kind: 'catalog.sync' }, ['catalog.sync']],
    [{ status: 'failed' }, ['#1002', '#1001', 'inventory.push']],
    [{ status: 'succeeded' }, ['catalog.sync']],
    [{ from: '2026-11-19', to: '2026-11-21' }, ['catalog.sync']],
    // 07:31 UTC on the 23rd is still the 22nd in Los Angeles.
    [{ kind: 'inventory.push', from: '2026-11-22', to: '2026-11-22' }, ['inventory.push']],
  ])('filters by %o', async (filter, expected) => {
    const entries = await listActivity(t.db, supplier.domain, ActivityFilter.parse(filter), NOW);
    expect(entries.map((e) => (e.type === 'run' ? e.kind : e.orderName))).toEqual(expected);
  });

  it('shows the retailer its own failures but not the supplier’s runs', async () => {
    const entries = await listActivity(t.db, retailer.domain, all, NOW);
    expect(entries.map((e) => e.type)).toEqual(['order', 'order']);
  });

  it('refuses a range that ends before it starts, naming the end date', () => {
    const result = ActivityFilter.safeParse({ from: '2026-11-22', to: '2026-11-01' });
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['to'], message: 'The end date is before the start date' })]);
  });
});
