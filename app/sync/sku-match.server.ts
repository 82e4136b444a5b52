// SKU matching: listings link a supplier variant to a partner variant by stable ids first; the SKU
// is the fallback (the retailer already stocks the product, an id went stale, a SKU was edited).
// A SKU carried by several variants is reported to the merchant who can fix it, never guessed.
import type { CapabilityMethods } from '../../connectors/sdk/capabilities.ts';
import type { Sku, TandemVariant } from '../../connectors/sdk/types.ts';
import type { Db } from '../db.server.ts';
import { raiseAlert, resolveAlert } from './alerts.server.ts';
import { duplicateSupplierSkus } from './partial-plan.server.ts';

export function duplicateSkuKey(partnershipId: string, sku: string): string {
  return `duplicate-sku_${partnershipId}_${sku}`;
}

interface PartnershipSides {
  id: string;
  supplierShopId: string;
  retailerShopId: string;
  supplier: { domain: string };
  retailer: { domain: string };
}

export type VariantLabel = { productTitle: string; variantId: string };

/** Raises (or refreshes) the duplicate-SKU alert on the shop that must fix it. */
export async function reportDuplicateSku(db: Db, partnership: PartnershipSides, side: 'supplier' | 'retailer', sku: string, variants: VariantLabel[]) {
  const shop = side === 'supplier' ? partnership.supplier.domain : partnership.retailer.domain;
  const other = side === 'supplier' ? partnership.retailer.domain : partnership.supplier.domain;
  const list = variants.map((v) => `"${v.productTitle}" (${v.variantId})`).join(', ');
  await raiseAlert(db, {
    shopId: side === 'supplier' ? partnership.supplierShopId : partnership.retailerShopId,
    key: duplicateSkuKey(partnership.id, sku),
    severity: 'WARNING',
    title: `SKU ${sku} is used by ${variants.length} variants`,
    message: `In ${shop}, SKU ${sku} is on ${variants.length} variants: ${list}. Tandem cannot tell which one to sync with ${other}, so it skips this SKU.`,
    fix: `Give each of these variants its own SKU in ${shop}; the next catalog sync links it and clears this alert.`,
    subject: { partnershipId: partnership.id, sku, side },
  });
}

/**
 * Alerts for every supplier SKU shared by several live variants, and clears the alerts of SKUs
 * that are unique again. Returns the duplicated SKUs.
 */
export async function reportSupplierDuplicates(db: Db, partnership: PartnershipSides, sourceConnectionId: string, now: Date): Promise<Set<string>> {
  const duplicates = await duplicateSupplierSkus(db, sourceConnectionId);
  for (const d of duplicates) {
    await reportDuplicateSku(db, partnership, 'supplier', d.sku, d.variants.map((v) => ({ productTitle: v.productTitle, variantId: v.externalVariantId })));
  }
  const open = await db.alert.findMany({
    where: { shopId: partnership.supplierShopId, key: { startsWith: duplicateSkuKey(partnership.id, '') }, resolvedAt: null },
    select: { key: true },
  });
  const still = new Set(duplicates.map((d) => duplicateSkuKey(partnership.id, d.sku)));
  for (const { key } of open) if (!still.has(key)) await resolveAlert(db, partnership.supplierShopId, key, now);
  return new Set(duplicates.map((d) => d.sku));
}

export type SkuMatch = { kind: 'none' } | { kind: 'one'; variant: TandemVariant } | { kind: 'duplicate'; variants: TandemVariant[] };

/** Looks SKUs up at the partner: none, exactly one (a link), or several (a duplicate to report). */
export async function matchPartnerSkus(reader: CapabilityMethods['products.read'], skus: string[]): Promise<Map<string, SkuMatch>> {
  const result = new Map<string, SkuMatch>();
  if (skus.length === 0) return result;
  const found = await reader.findVariantsBySku(skus as Sku[]);
  for (const sku of skus) {
    const variants = found.get(sku as Sku) ?? [];
    result.set(sku, variants.length === 0 ? { kind: 'none' } : variants.length === 1 ? { kind: 'one', variant: variants[0]! } : { kind: 'duplicate', variants });
  }
  return result;
}

/** Clears the retailer-side duplicate alert once the SKU matches a single variant again. */
export async function clearRetailerDuplicate(db: Db, partnership: PartnershipSides, sku: string, now: Date) {
  await resolveAlert(db, partnership.retailerShopId, duplicateSkuKey(partnership.id, sku), now);
}

/**
 * A listing whose partner variant is gone (the retailer recreated it, or its id changed when a SKU
 * was edited) is re-linked by SKU. Returns the new link, or null when the SKU is absent or ambiguous
 * (the latter raises the duplicate alert).
 */
export async function relinkBySku(
  db: Db,
  reader: CapabilityMethods['products.read'],
  partnership: PartnershipSides,
  listing: { listingId: string; sku: string | null; partnerSku: string | null },
): Promise<TandemVariant | null> {
  const candidates = [...new Set([listing.sku, listing.partnerSku].filter((s): s is string => Boolean(s)))];
  const matches = await matchPartnerSkus(reader, candidates);
  for (const sku of candidates) {
    const match = matches.get(sku)!;
    if (match.kind === 'duplicate') {
      await reportDuplicateSku(db, partnership, 'retailer', sku, match.variants.map((v) => ({ productTitle: v.productTitle, variantId: v.externalId })));
      return null;
    }
    if (match.kind === 'one') {
      await db.listing.update({
        where: { id: listing.listingId },
        data: {
          partnerProductId: match.variant.productExternalId,
          partnerVariantId: match.variant.externalId,
          partnerInventoryItemId: match.variant.inventoryItemId,
          partnerSku: match.variant.sku,
          observedPrice: match.variant.price,
          lastError: null,
        },
      });
      return match.variant;
    }
  }
  return null;
}
