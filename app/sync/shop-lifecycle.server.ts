// A shop's life with Tandem: installed (first auth), uninstalled (app/uninstalled webhook),
// redacted (shop/redact, sent 48 h after uninstall: Shopify changelog 2018-05-25).
// Webhooks arrive late and repeated, so each step checks it still applies before changing anything.
import type { Db, Prisma } from '../db.server.ts';
import type { Connection, Shop, WebhookEvent } from '../generated/prisma/client.ts';
import { SessionBackedCredentials, sealCredentials } from './connections.server.ts';

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

export interface InstalledStore {
  shop: Shop;
  /** The app's offline session for the shop (`offline_<domain>`), which holds its tokens. */
  offlineSessionId: string;
  /** The app's client id: Shopify asks for it when an expiring token is refreshed. */
  clientId: string;
}

/**
 * Installing Tandem connects the shop's own Shopify store, so the engine can read its catalog and
 * orders and write listings, stock and fulfillments. The connection stores no token of its own:
 * it points at the offline session, whose tokens the app and the engine then rotate together.
 * A reinstall (or a store the merchant had connected by hand) reactivates the same connection and
 * keeps its other settings.
 */
export async function connectInstalledStore(db: Db, { shop, offlineSessionId, clientId }: InstalledStore): Promise<Connection> {
  const credentials = sealCredentials(SessionBackedCredentials.parse({ offlineSession: offlineSessionId }));
  const where = { shopId_platform_externalAccount: { shopId: shop.id, platform: 'shopify', externalAccount: shop.domain } };
  // Settings chosen since (the stock location) stay; only what the install decides is set.
  const existing = await db.connection.findUnique({ where, select: { config: true } });
  const config = { ...((existing?.config ?? {}) as Record<string, unknown>), shop: shop.domain, clientId } as Prisma.InputJsonObject;
  return db.connection.upsert({
    where,
    create: { shopId: shop.id, platform: 'shopify', externalAccount: shop.domain, displayName: shop.name ?? shop.domain, config, credentials },
    update: { config, credentials, status: 'ACTIVE' },
  });
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
