// Alerts: problems a merchant should see, one row per cause. The key is stable per cause
// (`billing-declined_<partnership>`), so raising it again updates the same row and a later success
// clears it (STYLE.md "Errors"). A re-opened alert is news again: it is emailed once more.
import type { Db } from '../db.server.ts';
import type { Alert } from '../generated/prisma/client.ts';

export type AlertSeverity = 'INFO' | 'WARNING' | 'CRITICAL';

export interface AlertInput {
  shopId: string;
  /** Stable per cause: `<what>_<object id>`. */
  key: string;
  severity: AlertSeverity;
  /** Short headline: "Card declined for Acme Outdoors". */
  title: string;
  /** What happened, naming the object. */
  message: string;
  /** What the merchant should do about it. */
  fix?: string;
  /** Ids of the objects concerned, for links in the admin: `{ partnershipId, day }`. */
  subject?: Record<string, string>;
}

export interface RaisedAlert {
  alert: Alert;
  /** True when the alert is new or was resolved before: the merchant has not been told yet. */
  opened: boolean;
}

/**
 * Raises the shop's alert under `key`: creates it, refreshes its text when it is still open, or
 * re-opens it (resolvedAt and emailedAt cleared) when it had been resolved. Never duplicates.
 */
export async function raiseAlert(db: Db, input: AlertInput): Promise<RaisedAlert> {
  const text = {
    severity: input.severity,
    title: input.title,
    message: input.message,
    fix: input.fix ?? null,
    subject: input.subject ?? undefined,
  };
  return db.$transaction(async (tx) => {
    const where = { shopId_key: { shopId: input.shopId, key: input.key } };
    // Lock the row (when there is one) so two raisers agree on who re-opened it.
    await tx.$queryRaw`SELECT id FROM "Alert" WHERE "shopId" = ${input.shopId} AND key = ${input.key} FOR UPDATE`;
    const before = await tx.alert.findUnique({ where });
    if (!before) {
      const created = await tx.alert.createManyAndReturn({ data: [{ shopId: input.shopId, key: input.key, ...text }], skipDuplicates: true });
      // Lost a race with another raiser that created it first: refresh its text instead.
      if (created.length === 0) return { alert: await tx.alert.update({ where, data: text }), opened: false };
      return { alert: created[0], opened: true };
    }
    const reopening = before.resolvedAt !== null;
    const alert = await tx.alert.update({
      where,
      data: reopening ? { ...text, resolvedAt: null, emailedAt: null } : text,
    });
    return { alert, opened: reopening };
  });
}

/** Marks the alert fixed; does nothing when it is already resolved or was never raised. */
export async function resolveAlert(db: Db, shopId: string, key: string, at = new Date()): Promise<void> {
  await db.alert.updateMany({ where: { shopId, key, resolvedAt: null }, data: { resolvedAt: at } });
}

/** Resolves every open alert whose key starts with `prefix` (e.g. all of one partnership's). */
export async function resolveAlertsByPrefix(db: Db, shopId: string, prefix: string, at = new Date()): Promise<number> {
  const { count } = await db.alert.updateMany({ where: { shopId, key: { startsWith: prefix }, resolvedAt: null }, data: { resolvedAt: at } });
  return count;
}

/** The shop's open alerts, most severe first, then newest. */
export async function openAlerts(db: Db, shopId: string): Promise<Alert[]> {
  const alerts = await db.alert.findMany({ where: { shopId, resolvedAt: null }, orderBy: { updatedAt: 'desc' } });
  const rank: Record<AlertSeverity, number> = { CRITICAL: 0, WARNING: 1, INFO: 2 };
  return alerts.sort((a, b) => rank[a.severity] - rank[b.severity]);
}
