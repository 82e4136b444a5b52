// "Sync to partners now" on a Shopify product page (extensions/sync-to-partners): the retailers this
// shop supplies, where the product stands with each, and a catalog sync limited to the product for
// every one of them. A shop only ever finds the active partnerships in which it is the supplier, and
// only those whose catalog is this very Shopify store: a partner fed from the shop's WooCommerce
// store does not sell this product.
import { z } from 'zod';
import { getConnector } from '../../connectors/index.ts';
import type { Db } from '../db.server.ts';
import type { Connection, Partnership, Shop } from '../generated/prisma/client.ts';
import { exactTime, shopByDomain } from './dashboard.server.ts';
import type { ProductAtPartner, ProductSyncOutcome, ProductSyncResult, ProductSyncStatus } from './product-sync-answer.ts';

/** The route's `:id`: the number at the end of the product's Admin API id. */
export const ProductRef = z.object({
  id: z.string().regex(/^[1-9]\d{0,19}$/, 'A Shopify product id is a number, like 8123456789'),
});

export function productGid(id: string): string {
  return `gid://shopify/Product/${id}`;
}

/** What `requestManualRun` (app/jobs) takes for one partnership; passed in, so the engine imports no queue. */
export interface ProductRunRequest {
  queue: 'catalog.sync';
  shopId: string;
  partnershipId: string;
  mode: 'PARTIAL';
  productIds: string[];
}
export type QueueRun = (request: ProductRunRequest) => Promise<{ syncRunId?: string | null }>;

interface SupplyingPartner {
  partnership: Partnership & { retailer: Shop };
  source: Connection | null;
  fromThisStore: boolean;
}

function platformName(platform: string): string {
  return getConnector(platform).manifest.name;
}

/**
 * The active partnerships in which the shop supplies, oldest first, each with its catalog source
 * as the engine resolves it (sourceConnectionOf: the partnership's choice, else the supplier's
 * first active Shopify connection).
 */
async function supplyingPartners(db: Db, shop: Shop): Promise<SupplyingPartner[]> {
  const partnerships = await db.partnership.findMany({
    where: { supplierShopId: shop.id, status: 'ACTIVE' },
    include: { retailer: true },
    orderBy: { createdAt: 'asc' },
  });
  if (partnerships.length === 0) return [];
  const fallback = await db.connection.findFirst({ where: { shopId: shop.id, platform: 'shopify', status: 'ACTIVE' }, orderBy: { createdAt: 'asc' } });
  const chosenIds = partnerships.map((p) => p.sourceConnectionId).filter((id): id is string => id !== null);
  const chosen = new Map((await db.connection.findMany({ where: { id: { in: chosenIds }, shopId: shop.id } })).map((c) => [c.id, c]));
  return partnerships.map((partnership) => {
    const source = partnership.sourceConnectionId ? (chosen.get(partnership.sourceConnectionId) ?? null) : fallback;
    const fromThisStore = source !== null && source.platform === 'shopify' && source.externalAccount === shop.domain;
    return { partnership, source, fromThisStore };
  });
}

/** Where the product stands with each retailer this shop supplies. */
export async function productSyncStatus(db: Db, shopDomain: string, productId: string): Promise<ProductSyncStatus> {
  const shop = await shopByDomain(db, shopDomain);
  const partners = await supplyingPartners(db, shop);
  const sourceIds = [...new Set(partners.filter((p) => p.fromThisStore).map((p) => p.source!.id))];
  const variants = sourceIds.length
    ? await db.sourceVariant.findMany({ where: { connectionId: { in: sourceIds }, externalProductId: productId, deletedAt: null }, select: { id: true, connectionId: true } })
    : [];
  const listings = variants.length
    ? await db.listing.findMany({
        where: { partnershipId: { in: partners.map((p) => p.partnership.id) }, sourceVariantId: { in: variants.map((v) => v.id) } },
        select: { partnershipId: true, partnerVariantId: true, approval: true, lastSyncedAt: true, lastError: true, updatedAt: true },
      })
    : [];

  return {
    productId,
    partners: partners.map(({ partnership, source, fromThisStore }): ProductAtPartner => {
      const mine = listings.filter((l) => l.partnershipId === partnership.id);
      const lastSynced = mine.reduce<Date | null>((latest, l) => (l.lastSyncedAt && (!latest || l.lastSyncedAt > latest) ? l.lastSyncedAt : latest), null);
      const failing = mine.filter((l) => l.lastError).sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())[0];
      return {
        partnershipId: partnership.id,
        partner: partnership.retailer.name ?? partnership.retailer.domain,
        fromThisStore,
        catalogPlatform: source ? platformName(source.platform) : null,
        variantsInCatalog: fromThisStore ? variants.filter((v) => v.connectionId === source!.id).length : 0,
        offered: mine.length,
        created: mine.filter((l) => l.partnerVariantId !== null).length,
        approved: mine.filter((l) => l.approval === 'APPROVED').length,
        pending: mine.filter((l) => l.approval === 'PENDING').length,
        rejected: mine.filter((l) => l.approval === 'REJECTED').length,
        lastSyncedAt: lastSynced?.toISOString() ?? null,
        lastSyncedExact: lastSynced ? exactTime(lastSynced, shop.timezone) : null,
        lastError: failing?.lastError ?? null,
      };
    }),
  };
}

/**
 * "Sync to partners now": queues a catalog sync limited to the product for every retailer this
 * shop supplies from this store. Each partner gets its own outcome; one the queue refused does not
 * stop the others.
 */
export async function requestProductSync(db: Db, shopDomain: string, productId: string, queueRun: QueueRun): Promise<ProductSyncResult> {
  const shop = await shopByDomain(db, shopDomain);
  const results: ProductSyncOutcome[] = [];
  for (const { partnership, source, fromThisStore } of await supplyingPartners(db, shop)) {
    const partner = partnership.retailer.name ?? partnership.retailer.domain;
    if (!fromThisStore) {
      const reason = source
        ? `${partner} gets its catalog from your ${platformName(source.platform)} connection${source.platform === 'shopify' ? ` ${source.externalAccount}` : ''}, not from this store.`
        : `${partner} has no catalog connection: connect your store in Connectors first.`;
      results.push({ partnershipId: partnership.id, partner, outcome: 'skipped', reason });
      continue;
    }
    try {
      const run = await queueRun({ queue: 'catalog.sync', shopId: shop.id, partnershipId: partnership.id, mode: 'PARTIAL', productIds: [productId] });
      results.push({ partnershipId: partnership.id, partner, outcome: 'queued', syncRunId: run.syncRunId ?? null });
    } catch (err) {
      // The queue (Redis) refused the job: nothing is coming for this partner, say so and go on.
      console.error(`Sync to partners now: queueing ${productId} for partnership ${partnership.id} failed`, err);
      results.push({ partnershipId: partnership.id, partner, outcome: 'failed', reason: 'Tandem could not queue the sync for this partner. Try again in a minute.' });
    }
  }
  return { productId, results };
}
