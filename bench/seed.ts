// Seeding at scale for the scenarios whose subject is not the seeding itself: rows generated in
// PostgreSQL (generate_series, or unnest over arrays: one statement per batch), and simulator
// shops filled through the simulator's own seeding. Values match what a catalog sync would leave.
import type { Db } from '../app/db.server.ts';

/**
 * `count` supplier variants and their linked, approved listings of one partnership, as a completed
 * sync leaves them (price 10.00 under a 100% markup: 20.00 pushed). Every `driftEvery`-th listing
 * was last pushed at 18.00: the supplier's price moved since, so a Partial plan must pick it.
 */
export async function seedPlannedListings(db: Db, options: { partnershipId: string; connectionId: string; count: number; driftEvery: number }) {
  const { partnershipId, connectionId, count, driftEvery } = options;
  await db.$executeRawUnsafe(
    `INSERT INTO "SourceVariant" ("id", "connectionId", "externalProductId", "externalVariantId", "inventoryItemId", "sku", "productTitle", "price", "contentHash", "available", "lastSeenAt")
     SELECT 'sv' || lpad(g::text, 9, '0'), $1, 'gid://shopify/Product/' || (g / 10), 'gid://shopify/ProductVariant/' || g, 'gid://shopify/InventoryItem/' || g,
            'SKU-' || g, 'Product ' || (g / 10), 10.00, 'h', 25, NOW()
     FROM generate_series(1, $2::int) AS g`,
    connectionId,
    count,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "Listing" ("id", "partnershipId", "sourceVariantId", "partnerProductId", "partnerVariantId", "partnerInventoryItemId", "partnerSku", "approval",
                            "lastPushedContentHash", "lastPushedPrice", "observedPrice", "lastPushedQuantity", "observedQuantity", "lastSyncedAt", "updatedAt")
     SELECT 'l' || lpad(g::text, 9, '0'), $1, 'sv' || lpad(g::text, 9, '0'), 'gid://shopify/Product/' || (900000000 + g / 10), 'gid://shopify/ProductVariant/' || (900000000 + g),
            'gid://shopify/InventoryItem/' || (900000000 + g), 'SKU-' || g, 'APPROVED', 'h', p.price, p.price, 25, 25, NOW(), NOW()
     FROM generate_series(1, $2::int) AS g, LATERAL (SELECT CASE WHEN g % $3::int = 0 THEN 18.00 ELSE 20.00 END::numeric(12,2) AS price) AS p`,
    partnershipId,
    count,
    driftEvery,
  );
  await db.$executeRawUnsafe(`ANALYZE "SourceVariant"`);
  await db.$executeRawUnsafe(`ANALYZE "Listing"`);
}

export interface LinkedVariant {
  sku: string;
  supplierVariantId: string;
  supplierInventoryItemId: string;
  partnerProductId: string;
  partnerVariantId: string;
  partnerInventoryItemId: string;
  available: number;
}

/** SourceVariant and approved Listing rows for variants that exist at both shops, in batches of 10,000. */
export async function linkVariants(db: Db, options: { partnershipId: string; connectionId: string; variants: LinkedVariant[] }) {
  const { partnershipId, connectionId, variants } = options;
  for (let i = 0; i < variants.length; i += 10_000) {
    const batch = variants.slice(i, i + 10_000);
    const col = <K extends keyof LinkedVariant>(k: K) => batch.map((v) => v[k]);
    await db.$executeRaw`
      INSERT INTO "SourceVariant" ("id", "connectionId", "externalProductId", "externalVariantId", "inventoryItemId", "sku", "productTitle", "price", "contentHash", "available", "lastSeenAt")
      SELECT 'sv' || v.sku, ${connectionId}, 'gid://shopify/Product/0', v.variant, v.item, v.sku, v.sku, 10.00, 'h', v.available, NOW()
      FROM unnest(${col('sku')}::text[], ${col('supplierVariantId')}::text[], ${col('supplierInventoryItemId')}::text[], ${col('available')}::int[]) AS v(sku, variant, item, available)`;
    await db.$executeRaw`
      INSERT INTO "Listing" ("id", "partnershipId", "sourceVariantId", "partnerProductId", "partnerVariantId", "partnerInventoryItemId", "partnerSku", "approval",
                             "lastPushedContentHash", "lastPushedPrice", "observedPrice", "lastPushedQuantity", "observedQuantity", "lastSyncedAt", "updatedAt")
      SELECT 'l' || v.sku, ${partnershipId}, 'sv' || v.sku, v.product, v.variant, v.item, v.sku, 'APPROVED', 'h', 20.00, 20.00, v.available, v.available, NOW(), NOW()
      FROM unnest(${col('sku')}::text[], ${col('partnerProductId')}::text[], ${col('partnerVariantId')}::text[], ${col('partnerInventoryItemId')}::text[], ${col('available')}::int[]) AS v(sku, product, variant, item, available)`;
  }
  await db.$executeRawUnsafe(`ANALYZE "SourceVariant"`);
  await db.$executeRawUnsafe(`ANALYZE "Listing"`);
}
