// Alert emails: a new or re-opened WARNING or CRITICAL alert is emailed once to the shop's email.
// Without SMTP_URL nothing is sent and alerts stay in the admin only. The alert's emailedAt is
// claimed before sending, so two workers never send the same alert twice; a failed send releases
// the claim so the next sweep tries again.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from '../db.server.ts';
import { env } from '../env.server.ts';
import type { Alert } from '../generated/prisma/client.ts';
import { raiseAlert, type AlertInput, type RaisedAlert } from './alerts.server.ts';

export interface AlertMailer {
  transport: Transporter;
  from: string;
}

const EMAILED: ReadonlySet<string> = new Set(['WARNING', 'CRITICAL']);

/** The mailer configured by SMTP_URL and ALERT_EMAIL_FROM, or undefined when SMTP is not set up. */
export function alertMailerFromEnv(): AlertMailer | undefined {
  const { SMTP_URL, ALERT_EMAIL_FROM } = env();
  return SMTP_URL ? alertMailer(SMTP_URL, ALERT_EMAIL_FROM) : undefined;
}

export function alertMailer(smtpUrl: string, from: string): AlertMailer {
  return { transport: nodemailer.createTransport(smtpUrl), from };
}

/** Subject and body of an alert email, in the merchant's words. */
export function alertEmail(alert: Pick<Alert, 'severity' | 'title' | 'message' | 'fix'>, shopName: string) {
  const prefix = alert.severity === 'CRITICAL' ? '[Tandem] Action needed' : '[Tandem] Warning';
  const lines = [`${alert.title}`, '', alert.message];
  if (alert.fix) lines.push('', `How to fix it: ${alert.fix}`);
  lines.push('', `This alert is also shown in Tandem's admin for ${shopName} and clears itself once fixed.`);
  return { subject: `${prefix}: ${alert.title}`, text: lines.join('\n') };
}

/**
 * Emails one alert if it is open, WARNING or CRITICAL, not emailed yet and its shop has an email.
 * Returns true when this call sent it. A no-op without a mailer (SMTP not configured).
 */
export async function emailAlert(db: Db, alertId: string, mailer: AlertMailer | undefined, at = new Date()): Promise<boolean> {
  if (!mailer) return false;
  const alert = await db.alert.findUnique({ where: { id: alertId }, include: { shop: true } });
  if (!alert || alert.resolvedAt || alert.emailedAt || !EMAILED.has(alert.severity) || !alert.shop.email) return false;
  const claimed = await db.alert.updateMany({ where: { id: alert.id, emailedAt: null, resolvedAt: null }, data: { emailedAt: at } });
  if (claimed.count === 0) return false;
  const { subject, text } = alertEmail(alert, alert.shop.name ?? alert.shop.domain);
  try {
    await mailer.transport.sendMail({ from: mailer.from, to: alert.shop.email, subject, text });
  } catch (err) {
    await db.alert.updateMany({ where: { id: alert.id, emailedAt: at }, data: { emailedAt: null } });
    throw err;
  }
  return true;
}

/** Sends every open alert still waiting for its email (a sweep after jobs, or on a timer). */
export async function emailPendingAlerts(db: Db, mailer: AlertMailer | undefined): Promise<number> {
  if (!mailer) return 0;
  const waiting = await db.alert.findMany({
    where: { resolvedAt: null, emailedAt: null, severity: { in: ['WARNING', 'CRITICAL'] }, shop: { email: { not: null } } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
  });
  let sent = 0;
  for (const { id } of waiting) if (await emailAlert(db, id, mailer)) sent += 1;
  return sent;
}

/**
 * Raises the alert and emails it if SMTP is configured and it was not emailed yet. A send that
 * fails does not fail the caller's work: the alert is in the admin either way and stays marked
 * unsent for `emailPendingAlerts`.
 */
export async function raiseAndEmailAlert(db: Db, mailer: AlertMailer | undefined, input: AlertInput): Promise<RaisedAlert & { emailed: boolean }> {
  const raised = await raiseAlert(db, input);
  const emailed = await emailAlert(db, raised.alert.id, mailer).catch(() => false);
  return { ...raised, emailed };
}
