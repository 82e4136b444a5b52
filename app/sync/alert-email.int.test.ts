// Alert emails go through nodemailer over a real local socket to a minimal SMTP server
// (test/support/smtp.ts), so what is tested is the message that actually leaves Tandem.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../env.server.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { startSmtpServer, textOf, type SmtpServer } from '../../test/support/smtp.ts';
import { alertMailer, alertMailerFromEnv, emailAlert, emailPendingAlerts, type AlertMailer } from './alert-email.server.ts';
import { raiseAlert, resolveAlert, type AlertInput } from './alerts.server.ts';

let t: TestDatabase;
let smtp: SmtpServer;
let mailer: AlertMailer;
let shopId: string;
let silentShopId: string;

beforeAll(async () => {
  t = await createTestDatabase('alert_email');
  smtp = await startSmtpServer();
  mailer = alertMailer(smtp.url, 'alerts@tandem.test');
  shopId = (await t.db.shop.create({ data: { domain: 'north-wholesale.myshopify.com', name: 'North Wholesale', email: 'owner@north.test' } })).id;
  silentShopId = (await t.db.shop.create({ data: { domain: 'no-email.myshopify.com' } })).id;
});
afterEach(() => {
  smtp.received.length = 0;
});
afterAll(async () => {
  mailer.transport.close();
  await smtp.close();
  await t.drop();
});

const alert = (key: string, severity: AlertInput['severity'] = 'CRITICAL', shop = () => shopId): AlertInput => ({
  shopId: shop(),
  key,
  severity,
  title: 'Card declined for Acme Outdoors',
  message: 'Stripe declined the card of Acme Outdoors for the orders of 2026-11-22 (USD 120.00).',
  fix: 'Ask Acme Outdoors to update the card on file in your Stripe account.',
});

describe('when SMTP is configured', () => {
  it('emails a new critical alert once to the shop, naming the problem and the fix', async () => {
    const { alert: raised } = await raiseAlert(t.db, alert('declined_1'));

    expect(await emailAlert(t.db, raised.id, mailer)).toBe(true);
    expect(await emailAlert(t.db, raised.id, mailer)).toBe(false);

    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail.from).toBe('alerts@tandem.test');
    expect(mail.to).toEqual(['owner@north.test']);
    expect(mail.data).toContain('Subject: [Tandem] Action needed: Card declined for Acme Outdoors');
    expect(textOf(mail)).toContain('Stripe declined the card of Acme Outdoors for the orders of 2026-11-22 (USD 120.00).');
    expect(textOf(mail)).toContain('How to fix it: Ask Acme Outdoors to update the card on file in your Stripe account.');
    const row = await t.db.alert.findUniqueOrThrow({ where: { id: raised.id } });
    expect(row.emailedAt).not.toBeNull();
  });

  it('does not email again when an open alert is raised again', async () => {
    const { alert: raised } = await raiseAlert(t.db, alert('declined_2'));
    await emailAlert(t.db, raised.id, mailer);
    await raiseAlert(t.db, { ...alert('declined_2'), message: 'Declined again.' });

    expect(await emailPendingAlerts(t.db, mailer)).toBe(0);
    expect(smtp.received).toHaveLength(1);
  });

  it('emails a re-opened alert again', async () => {
    const { alert: raised } = await raiseAlert(t.db, alert('declined_3', 'WARNING'));
    await emailAlert(t.db, raised.id, mailer);
    await resolveAlert(t.db, shopId, 'declined_3');
    await raiseAlert(t.db, alert('declined_3', 'WARNING'));

    await emailPendingAlerts(t.db, mailer);

    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1].data).toContain('Subject: [Tandem] Warning: Card declined for Acme Outdoors');
  });

  it('sends each waiting alert once when two sweeps run at the same time', async () => {
    await raiseAlert(t.db, alert('declined_4'));
    await raiseAlert(t.db, alert('declined_5'));

    const [a, b] = await Promise.all([emailPendingAlerts(t.db, mailer), emailPendingAlerts(t.db, mailer)]);

    expect(a + b).toBe(2);
    expect(smtp.received).toHaveLength(2);
  });

  it('does not email info alerts, resolved alerts or shops without an email', async () => {
    await raiseAlert(t.db, alert('info_1', 'INFO'));
    await raiseAlert(t.db, alert('fixed_1'));
    await resolveAlert(t.db, shopId, 'fixed_1');
    await raiseAlert(t.db, alert('declined_6', 'CRITICAL', () => silentShopId));

    expect(await emailPendingAlerts(t.db, mailer)).toBe(0);
    expect(smtp.received).toHaveLength(0);
  });

  it('leaves the alert waiting when the mail server refuses, so the next sweep sends it', async () => {
    const { alert: raised } = await raiseAlert(t.db, alert('declined_7'));
    const broken = alertMailer('smtp://127.0.0.1:1', 'alerts@tandem.test');

    await expect(emailAlert(t.db, raised.id, broken)).rejects.toThrow();
    expect((await t.db.alert.findUniqueOrThrow({ where: { id: raised.id } })).emailedAt).toBeNull();

    expect(await emailAlert(t.db, raised.id, mailer)).toBe(true);
    expect(smtp.received).toHaveLength(1);
  });
});

describe('when SMTP is not configured', () => {
  it('has no mailer and sends nothing, leaving the alert in the admin only', async () => {
    const saved = process.env.SMTP_URL;
    delete process.env.SMTP_URL;
    resetEnvCache();
    try {
      const none = alertMailerFromEnv();
      const { alert: raised } = await raiseAlert(t.db, alert('declined_8'));

      expect(none).toBeUndefined();
      expect(await emailAlert(t.db, raised.id, none)).toBe(false);
      expect(await emailPendingAlerts(t.db, none)).toBe(0);
      expect((await t.db.alert.findUniqueOrThrow({ where: { id: raised.id } })).emailedAt).toBeNull();
    } finally {
      if (saved !== undefined) process.env.SMTP_URL = saved;
      resetEnvCache();
    }
  });

  it('builds the mailer from SMTP_URL and ALERT_EMAIL_FROM when they are set', async () => {
    process.env.SMTP_URL = smtp.url;
    process.env.ALERT_EMAIL_FROM = 'billing@tandem.test';
    resetEnvCache();
    try {
      const configured = alertMailerFromEnv();
      const { alert: raised } = await raiseAlert(t.db, alert('declined_9'));

      expect(await emailAlert(t.db, raised.id, configured)).toBe(true);
      expect(smtp.received[0].from).toBe('billing@tandem.test');
      configured?.transport.close();
    } finally {
      delete process.env.SMTP_URL;
      delete process.env.ALERT_EMAIL_FROM;
      resetEnvCache();
    }
  });
});
