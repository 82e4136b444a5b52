// The retailer's approval queue: new supplier products arrive at the retailer as drafts with
// PENDING listings. Approving publishes the product; rejecting leaves it unpublished and the
// supplier variant is never offered to this retailer again.
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { requireCapability } from '../../connectors/sdk/connector.ts';
import type { Db } from '../db.server.ts';
import type { SyncContext } from './connections.server.ts';
import { targetConnectionOf } from './listings.server.ts';
import { fromCents, parsePricingRule, retailPrice, toCents } from './pricing.ts';

export interface PendingApproval {
  listingId: string;
  partnershipId: string;
  supplierShopId: string;
  supplierName: string;
  productTitle: string;
  variantTitle: string | null;
  sku: string | null;
  images: Array<{ url: string; altText: string | null }>;
  /** What the retailer will sell it at: the price pushed, or the rule's price when none was yet. */
  price: string;
  /** What the retailer pays the supplier. */
  wholesaleCost: string;
  margin: string;
  /** Margin as a percentage of the price, one decimal; null when the price is 0. */
  marginPercent: number | null;
  available: number;
  /** False until the draft exists at the retailer (it cannot be approved before). */
  readyToApprove: boolean;
  offeredAt: Date;
}

/** PENDING listings offered to the retailer, oldest first (at most `limit`). */
export async function listPendingApprovals(db: Db, retailerShopId: string, options: { limit?: number } = {}): Promise<PendingApproval[]> {
  const listings = await db.listing.findMany({
    where: { approval: 'PENDING', partnership: { retailerShopId, status: 'ACTIVE' }, sourceVariant: { deletedAt: null } },
    include: { sourceVariant: true, partnership: { include: { supplier: true } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: options.limit ?? 250,
  });
  return listings.map((l) => {
    const wholesaleCost = l.sourceVariant.price.toFixed(2);
    const price = l.lastPushedPrice?.toFixed(2) ?? retailPrice(wholesaleCost, parsePricingRule(l.partnership.pricingRule));
    const marginCents = toCents(price) - toCents(wholesaleCost);
    return {
      listingId: l.id,
      partnershipId: l.partnershipId,
      supplierShopId: l.partnership.supplierShopId,
      supplierName: l.partnership.supplier.name ?? l.partnership.supplier.domain,
      productTitle: l.sourceVariant.productTitle,
      variantTitle: l.sourceVariant.variantTitle,
      sku: l.sourceVariant.sku,
      images: l.sourceVariant.images as PendingApproval['images'],
      price,
      wholesaleCost,
      margin: fromCents(marginCents),
      marginPercent: toCents(price) === 0 ? null : Math.round((marginCents / toCents(price)) * 1000) / 10,
      available: l.sourceVariant.available,
      readyToApprove: l.partnerProductId !== null,
      offeredAt: l.createdAt,
    };
  });
}

export interface ApprovalResult {
  approved: string[];
  /** Listings not approved, with the reason in the merchant's words. */
  failed: Array<{ listingId: string; message: string }>;
}

async function ownListings(db: Db, retailerShopId: string, listingIds: string[]) {
  return db.listing.findMany({
    where: { id: { in: listingIds }, partnership: { retailerShopId } },
    include: { partnership: true, sourceVariant: { select: { productTitle: true } } },
  });
}

/**
 * Publishes each listed product at the retailer and marks its listings APPROVED. Listings of other
 * shops are ignored; ones already approved are left as they are; a product that cannot be published
 * is reported in `failed` and stays PENDING.
 */
export async function approveListings(ctx: SyncContext, retailerShopId: string, listingIds: string[]): Promise<ApprovalResult> {
  const listings = await ownListings(ctx.db, retailerShopId, listingIds);
  const result: ApprovalResult = { approved: [], failed: [] };
  const pending = listings.filter((l) => l.approval !== 'APPROVED');
  result.approved.push(...listings.filter((l) => l.approval === 'APPROVED').map((l) => l.id));

  for (const l of pending.filter((l) => !l.partnerProductId)) {
    result.failed.push({ listingId: l.id, message: `"${l.sourceVariant.productTitle}" is not at your store yet; it is created by the next catalog sync. Approve it after that.` });
  }
  const ready = pending.filter((l) => l.partnerProductId);
  const byPartnership = new Map<string, typeof ready>();
  for (const l of ready) byPartnership.set(l.partnershipId, [...(byPartnership.get(l.partnershipId) ?? []), l]);

  for (const group of byPartnership.values()) {
    const target = await targetConnectionOf(ctx.db, group[0]!.partnership);
    const writer = requireCapability(await ctx.connectorFor(target), 'products.write');
    if (!writer.publishProduct) {
      throw new ConnectorError('capability_missing', `Connector "${writer.id}" cannot publish products`, {
        connectorId: writer.id,
        merchantMessage: `Your store's connection (${writer.id}) cannot publish products, so approvals cannot go live. Publish them in your store instead.`,
        details: { capability: 'products.write', missingMethods: ['publishProduct'] },
      });
    }
    const byProduct = new Map<string, typeof ready>();
    for (const l of group) byProduct.set(l.partnerProductId!, [...(byProduct.get(l.partnerProductId!) ?? []), l]);
    for (const [productId, listings] of byProduct) {
      try {
        await writer.publishProduct(productId);
      } catch (err) {
        if (!(err instanceof ConnectorError) || !['invalid', 'not_found', 'conflict'].includes(err.code)) throw err;
        for (const l of listings) result.failed.push({ listingId: l.id, message: `"${l.sourceVariant.productTitle}": ${err.merchantMessage}` });
        await ctx.db.listing.updateMany({ where: { id: { in: listings.map((l) => l.id) } }, data: { lastError: err.merchantMessage } });
        continue;
      }
      const ids = listings.map((l) => l.id);
      // Only PENDING rows: a rejection that raced this approval wins.
      await ctx.db.listing.updateMany({ where: { id: { in: ids }, approval: 'PENDING' }, data: { approval: 'APPROVED', lastError: null } });
      result.approved.push(...ids);
    }
  }
  return result;
}

/**
 * Marks the listings REJECTED: the draft stays unpublished at the retailer and the supplier
 * variant is never offered to this retailer again. Approved listings cannot be rejected here
 * (unpublish the product in the store instead). Returns the ids rejected.
 */
export async function rejectListings(db: Db, retailerShopId: string, listingIds: string[]): Promise<string[]> {
  const listings = await ownListings(db, retailerShopId, listingIds);
  const ids = listings.filter((l) => l.approval === 'PENDING').map((l) => l.id);
  await db.listing.updateMany({ where: { id: { in: ids }, approval: 'PENDING' }, data: { approval: 'REJECTED' } });
  return ids;
}
