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
    expect(entries[0]).toMatchObject({ reason: 'Missing shipping address', fix: 'Add a shipping address to the order in the retailer’s admin, then press Retry in Activity.' });
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

describe('when a shop’s failures can be retried', () => {
  let pine: Shop;
  let quay: Shop;
  let outsider: Shop;
  let pq: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    pine = await t.db.shop.create({ data: { domain: 'pine-supply.myshopify.com', name: 'Pine Supply' } });
    quay = await t.db.shop.create({ data: { domain: 'quay-store.myshopify.com', name: 'Quay Store' } });
    outsider = await t.db.shop.create({ data: { domain: 'reed-outsider.myshopify.com', name: 'Reed' } });
    pq = (await t.db.partnership.create({ data: { supplierShopId: pine.id, retailerShopId: quay.id, invitedByShopId: pine.id, status: 'ACTIVE' } })).id;
    const ended = (await t.db.partnership.create({ data: { supplierShopId: pine.id, retailerShopId: outsider.id, invitedByShopId: pine.id, status: 'ENDED' } })).id;
    const xero = await t.db.connection.create({ data: { shopId: pine.id, platform: 'xero', externalAccount: 'tenant-1', credentials: 'sealed', purposes: ['accounting'] } });
    const order = { partnershipId: pq, content: {}, contentHash: 'h', totalAmount: '10.00', currency: 'USD', retailerCreatedAt: new Date('2026-11-23T08:00:00Z') };
    const at = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00Z`);

    ids.forwarding = (await t.db.orderLink.create({ data: { ...order, retailerOrderId: '2001', retailerOrderName: '#2001', state: 'FAILED', failureReason: 'SKU_MISMATCH', failureDetail: {}, updatedAt: at('09:00') } })).id;
    ids.posting = (
      await t.db.orderLink.create({
        data: { ...order, retailerOrderId: '2002', retailerOrderName: '#2002', supplierOrderId: 'gid://shopify/Order/9', state: 'FORWARDED', failureReason: 'PLATFORM_ERROR', failureDetail: { stage: 'system_of_record', message: 'refused' }, updatedAt: at('09:10') },
      })
    ).id;
    await t.db.orderLink.create({ data: { ...order, retailerOrderId: '2009', retailerOrderName: '#2009', state: 'CANCELLED', failureReason: 'MISSING_SHIPPING_ADDRESS', failureDetail: {}, updatedAt: at('09:15') } });
    await raiseAlert(t.db, {
      shopId: pine.id,
      key: `order-posting_${ids.posting}`,
      severity: 'WARNING',
      title: 'WooCommerce refused order #2002',
      message: 'Pine Supply’s system of record (WooCommerce) refused order #2002: SKU TOTE is unknown.',
      fix: 'Fix what WooCommerce names above, then press Retry in Activity (Tandem also posts the order on the next order sync).',
    });

    const forwarded = { ...order, supplierOrderId: 'gid://shopify/Order/10', state: 'FORWARDED' as const };
    const invoice = { connectionId: xero.id, content: {} };
    const gaveUpOrder = await t.db.orderLink.create({ data: { ...forwarded, retailerOrderId: '2003', retailerOrderName: '#2003' } });
    ids.gaveUp = (
      await t.db.invoice.create({ data: { ...invoice, orderLinkId: gaveUpOrder.id, idempotencyKey: 'k3', status: 'GAVE_UP', attempts: 6, givenUpAt: at('09:20'), lastError: 'invalid: contact archived', updatedAt: at('09:20') } })
    ).id;
    await raiseAlert(t.db, {
      shopId: pine.id,
      key: `invoice-gave-up_${ids.gaveUp}`,
      severity: 'CRITICAL',
      title: 'Invoice for order #2003 was not posted to Xero',
      message: 'Tandem gave up posting the invoice for order #2003 from Quay Store to Xero after 6 attempts. Xero’s last answer: the contact is archived.',
      fix: 'Unarchive the contact in Xero. Then press Retry in Activity, or enter the invoice in Xero by hand with the reference "#2003 from quay-store.myshopify.com": Tandem has stopped trying on its own.',
    });
    const waitingOrder = await t.db.orderLink.create({ data: { ...forwarded, retailerOrderId: '2004', retailerOrderName: '#2004' } });
    ids.waiting = (
      await t.db.invoice.create({ data: { ...invoice, orderLinkId: waitingOrder.id, idempotencyKey: 'k4', status: 'RETRYING', attempts: 2, nextAttemptAt: at('14:00'), lastError: 'unavailable: Xero did not answer', updatedAt: at('09:30') } })
    ).id;
    const dueOrder = await t.db.orderLink.create({ data: { ...forwarded, retailerOrderId: '2005', retailerOrderName: '#2005' } });
    ids.due = (await t.db.invoice.create({ data: { ...invoice, orderLinkId: dueOrder.id, idempotencyKey: 'k5', status: 'RETRYING', attempts: 1, nextAttemptAt: at('11:55'), lastError: 'unavailable: Xero did not answer', updatedAt: at('09:40') } })).id;

    const run = (kind: string, status: 'FAILED' | 'PARTIAL' | 'SUCCEEDED', hhmm: string, partnershipId: string | null = pq) =>
      t.db.syncRun.create({ data: { shopId: pine.id, partnershipId, kind, trigger: 'schedule', status, queuedAt: at(hhmm), finishedAt: at(hhmm) } });
    ids.oldCatalog = (await run('catalog.sync', 'FAILED', '06:00')).id;
    ids.newCatalog = (await run('catalog.sync', 'SUCCEEDED', '07:00')).id;
    ids.stock = (await run('inventory.push', 'PARTIAL', '07:10')).id;
    ids.endedStock = (await run('inventory.push', 'FAILED', '07:20', ended)).id;
    ids.nightly = (await run('nightly.full', 'FAILED', '07:30', null)).id;
  });

  const orderFailures = ActivityFilter.parse({ kind: 'orders' });

  it('gives the supplier its forwarding and posting failures, each with the fix from its own alert', async () => {
    const entries = await listActivity(t.db, pine.domain, orderFailures, NOW);
    expect(entries).toEqual([
      expect.objectContaining({
        type: 'order',
        id: ids.posting,
        orderName: '#2002',
        stage: 'posting',
        state: 'not posted',
        reason: 'Platform error',
        message: 'Pine Supply’s system of record (WooCommerce) refused order #2002: SKU TOTE is unknown.',
        fix: 'Fix what WooCommerce names above, then press Retry in Activity (Tandem also posts the order on the next order sync).',
        retrying: false,
        retryable: true,
      }),
      expect.objectContaining({ type: 'order', id: ids.forwarding, orderName: '#2001', stage: 'forwarding', state: 'failed', reason: 'SKU mismatch', retrying: false, retryable: true }),
    ]);
  });

  it('shows the retailer only the order that did not reach the supplier: posting and invoices are the supplier’s books', async () => {
    const entries = await listActivity(t.db, quay.domain, all, NOW);
    expect(entries.map((e) => [e.type, e.id])).toEqual([['order', ids.forwarding]]);
  });

  it('lists the supplier’s failed and given-up invoices with their attempts, next try and fix', async () => {
    const entries = await listActivity(t.db, pine.domain, ActivityFilter.parse({ kind: 'invoices.post' }), NOW);
    expect(entries).toEqual([
      {
        type: 'invoice',
        id: ids.due,
        orderName: '#2005',
        partner: 'Quay Store',
        platform: 'Xero',
        state: 'retrying',
        attempts: 1,
        nextAttempt: 'Nov 23, 2026, 11:55 AM UTC',
        message: 'Xero did not take the invoice for order #2005: unavailable: Xero did not answer',
        fix: 'Fix what Xero names above, then press Retry in Activity.',
        retrying: true,
        at: '2026-11-23T09:40:00.000Z',
        ago: '2 hours ago',
        exact: 'Nov 23, 2026, 9:40 AM UTC',
      },
      expect.objectContaining({ id: ids.waiting, state: 'retrying', attempts: 2, nextAttempt: 'Nov 23, 2026, 2:00 PM UTC', retrying: false }),
      expect.objectContaining({
        id: ids.gaveUp,
        state: 'gave up',
        attempts: 6,
        nextAttempt: null,
        message: 'Tandem gave up posting the invoice for order #2003 from Quay Store to Xero after 6 attempts. Xero’s last answer: the contact is archived.',
        retrying: false,
      }),
    ]);
  });

  it('offers Retry on the newest failed or partial run of each job and partnership, not on one already followed by another or of an ended partnership', async () => {
    const runs = (await listActivity(t.db, pine.domain, ActivityFilter.parse({}), NOW)).filter((e) => e.type === 'run');
    expect(Object.fromEntries(runs.map((r) => [r.id, r.type === 'run' && r.retryable]))).toEqual({
      [ids.oldCatalog]: false,
      [ids.newCatalog]: false,
      [ids.stock]: true,
      [ids.endedStock]: false,
      [ids.nightly]: true,
    });
  });

  it('offers no Retry on a failed order of a partnership that has ended', async () => {
    await t.db.partnership.update({ where: { id: pq }, data: { status: 'ENDED' } });
    expect((await listActivity(t.db, pine.domain, orderFailures, NOW)).map((e) => e.type === 'order' && e.retryable)).toEqual([false, false]);
    await t.db.partnership.update({ where: { id: pq }, data: { status: 'ACTIVE' } });
  });

  it('marks the partnership’s failed orders as being retried while a recent order pull of it waits or runs', async () => {
    const pull = await t.db.syncRun.create({ data: { shopId: pine.id, partnershipId: pq, kind: 'orders.pull', trigger: 'manual', status: 'QUEUED', queuedAt: new Date(NOW.getTime() - 60_000) } });
    expect((await listActivity(t.db, pine.domain, orderFailures, NOW)).map((e) => e.type === 'order' && e.retrying)).toEqual([true, true]);
    // One left queued for longer than any pull takes is stale: Retry is offered again.
    await t.db.syncRun.update({ where: { id: pull.id }, data: { queuedAt: new Date(NOW.getTime() - 11 * 60_000) } });
    expect((await listActivity(t.db, pine.domain, orderFailures, NOW)).map((e) => e.type === 'order' && e.retrying)).toEqual([false, false]);
    await t.db.syncRun.delete({ where: { id: pull.id } });
  });
});
