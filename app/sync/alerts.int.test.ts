import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { openAlerts, raiseAlert, resolveAlert, resolveAlertsByPrefix, type AlertInput } from './alerts.server.ts';

let t: TestDatabase;
let shopId: string;
beforeAll(async () => {
  t = await createTestDatabase('alerts');
  shopId = (await t.db.shop.create({ data: { domain: 'supplier.myshopify.com', email: 'owner@supplier.test' } })).id;
});
afterAll(async () => {
  await t.drop();
});

const declined = (key: string, message = 'Stripe declined the card of Acme Outdoors for 2026-11-22.'): AlertInput => ({
  shopId,
  key,
  severity: 'CRITICAL',
  title: 'Card declined for Acme Outdoors',
  message,
  fix: 'Ask Acme Outdoors to update their card in your Stripe account.',
  subject: { partnershipId: 'p1', day: '2026-11-22' },
});

describe('when an alert is raised', () => {
  it('creates one open alert the first time and tells the caller it is new', async () => {
    const { alert, opened } = await raiseAlert(t.db, declined('declined_a'));

    expect(opened).toBe(true);
    expect(alert).toMatchObject({ key: 'declined_a', severity: 'CRITICAL', resolvedAt: null, emailedAt: null, subject: { partnershipId: 'p1', day: '2026-11-22' } });
  });

  it('updates the same row with the new text when raised again while open', async () => {
    const first = await raiseAlert(t.db, declined('declined_b'));
    await t.db.alert.update({ where: { id: first.alert.id }, data: { emailedAt: new Date('2026-11-23T00:00:00Z') } });

    const again = await raiseAlert(t.db, declined('declined_b', 'Declined again on 2026-11-23.'));

    expect(again.opened).toBe(false);
    expect(again.alert.id).toBe(first.alert.id);
    expect(again.alert.message).toBe('Declined again on 2026-11-23.');
    expect(again.alert.emailedAt?.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(await t.db.alert.count({ where: { shopId, key: 'declined_b' } })).toBe(1);
  });

  it('re-opens a resolved alert without duplicating it, so it is emailed again', async () => {
    const first = await raiseAlert(t.db, declined('declined_c'));
    await t.db.alert.update({ where: { id: first.alert.id }, data: { emailedAt: new Date() } });
    await resolveAlert(t.db, shopId, 'declined_c');

    const again = await raiseAlert(t.db, declined('declined_c'));

    expect(again).toMatchObject({ opened: true, alert: { id: first.alert.id, resolvedAt: null, emailedAt: null } });
    expect(await t.db.alert.count({ where: { shopId, key: 'declined_c' } })).toBe(1);
  });

  it('keeps one row when the same alert is raised concurrently', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => raiseAlert(t.db, declined('declined_d'))));

    expect(results.filter((r) => r.opened)).toHaveLength(1);
    expect(await t.db.alert.count({ where: { shopId, key: 'declined_d' } })).toBe(1);
  });
});

describe('when alerts are resolved', () => {
  it('resolves only the alerts under the prefix and leaves them out of the open list', async () => {
    await raiseAlert(t.db, declined('stripe_p9_declined'));
    await raiseAlert(t.db, declined('stripe_p9_auth'));
    await raiseAlert(t.db, { ...declined('catalog_p9'), severity: 'INFO' });

    const count = await resolveAlertsByPrefix(t.db, shopId, 'stripe_p9_');
    const open = (await openAlerts(t.db, shopId)).map((a) => a.key);

    expect(count).toBe(2);
    expect(open).toContain('catalog_p9');
    expect(open).not.toContain('stripe_p9_declined');
    expect(open).not.toContain('stripe_p9_auth');
  });

  it('keeps the first resolution time when resolved twice', async () => {
    await raiseAlert(t.db, declined('declined_e'));
    await resolveAlert(t.db, shopId, 'declined_e', new Date('2026-11-23T10:00:00Z'));
    await resolveAlert(t.db, shopId, 'declined_e', new Date('2026-11-23T11:00:00Z'));

    const row = await t.db.alert.findUniqueOrThrow({ where: { shopId_key: { shopId, key: 'declined_e' } } });
    expect(row.resolvedAt?.toISOString()).toBe('2026-11-23T10:00:00.000Z');
  });

  it('lists open alerts most severe first', async () => {
    const open = await openAlerts(t.db, shopId);
    const ranks = open.map((a) => ({ CRITICAL: 0, WARNING: 1, INFO: 2 })[a.severity]);

    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(open.at(-1)?.severity).toBe('INFO');
  });
});
