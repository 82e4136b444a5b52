// A shop's life with Tandem: installed (first auth), uninstalled (app/uninstalled webhook),
// redacted (shop/redact, sent 48 h after uninstall: Shopify changelog 2018-05-25).
// Webhooks arrive late and repeated, so each step checks it still applies before changing anything.
import type { Db } from '../db.server.ts';
import type { Shop, WebhookEvent } from '../generated/prisma/client.ts';

export interface ShopDetails {
  domain: string;
  name?: string | null;
  email?: string | null;
  /** Shopify's `shop.ianaTimezone`; the nightly full sync runs at 02:00 in it. */
  timezone?: string | null;
}

/** Creates the shop on first install; a reinstall starts a new install and refreshes details. */
export async function recordInstall(db: Db, details: ShopDetails, at = new Date()): Promise<Shop> {
  const known = {
    ...(details.name ? { name: details.name } : {}),
    ...(details.email ? { email: details.email } : {}),
    ...(details.timezone ? { timezone: details.timezone } : {}),
  };
  const existing = await db.shop.findUnique({ where: { domain: details.domain } });
  if (!existing) {
    return db.shop.upsert({
      where: { domain: details.domain },
      create: { domain: details.domain, installedAt: at, ...known },
      update: known,
    });
  }
  const reinstall = existing.uninstalledAt ? { installedAt: at, uninstalledAt: null } : {};
  return db.shop.update({ where: { id: existing.id }, data: { ...known, ...reinstall } });
}

/**
 * Marks the shop uninstalled and forgets its Shopify sessions (their tokens stopped working).
 * Does nothing for a delivery already handled, or one triggered before the current install
 * (a late uninstall from an earlier install must not log out a reinstalled shop).
 */
export async function recordUninstall(db: Db, event: WebhookEvent, triggeredAt: Date): Promise<void> {
  if (event.processedAt) return;
  const domain = event.shopDomain;
  await db.$transaction(async (tx) => {
    const shop = await tx.shop.findUnique({ where: { domain } });
    const stale = shop !== null && shop.installedAt > triggeredAt;
    if (!stale) {
      await tx.shop.updateMany({ where: { domain, uninstalledAt: null }, data: { uninstalledAt: triggeredAt } });
      await tx.session.deleteMany({ where: { shop: domain } });
    }
    await tx.webhookEvent.update({ where: { id: event.id }, data: { processedAt: new Date() } });
  });
}

/**
 * Deletes everything Tandem holds about the shop (GDPR shop/redact). The shop row's cascade
 * removes its connections, partnerships, listings, orders, alerts and runs. The redact delivery
 * itself stays recorded, so a replay is still recognised and changes nothing.
 */
export async function redactShop(db: Db, event: WebhookEvent): Promise<void> {
  if (event.processedAt) return;
  const domain = event.shopDomain;
  await db.$transaction([
    db.shop.deleteMany({ where: { domain } }),
    db.session.deleteMany({ where: { shop: domain } }),
    db.webhookEvent.deleteMany({ where: { shopDomain: domain, id: { not: event.id } } }),
    db.webhookEvent.update({ where: { id: event.id }, data: { processedAt: new Date() } }),
  ]);
}

export function findShop(db: Db, domain: string): Promise<Shop | null> {
  return db.shop.findUnique({ where: { domain } });
}
