// Planning a catalog sync in SQL, so a partnership with a million listings is walked page by page
// on the (partnershipId, sourceVariantId) unique index instead of being loaded into memory. The
// pricing rule is applied inside the query (the same integer-cent arithmetic as pricing.ts), which
// lets PARTIAL pick only the listings whose desired price differs from what was last pushed.
import { Prisma, type Db } from '../db.server.ts';
import type { PricingRule } from './pricing.ts';

/** The rule as SQL over a numeric(12,2) wholesale price column; NULL stays NULL. */
export function retailPriceSql(rule: PricingRule, wholesale: Prisma.Sql): Prisma.Sql {
  const basisPoints = Math.round(rule.markupPercent * 100);
  const fixedCents = Math.round(rule.fixedAdd * 100);
  // pricing.ts: round(cents × (10000 + bp) / 10000) + fixed; all values are ≥ 0, where PostgreSQL's
  // half-away-from-zero ROUND equals JavaScript's Math.round.
  const cents = Prisma.sql`(ROUND(ROUND(${wholesale} * 100) * ${10_000 + basisPoints}::numeric / 10000) + ${fixedCents}::numeric)`;
  let rounded: Prisma.Sql;
  switch (rule.rounding) {
    case 'none':
      rounded = cents;
      break;
    case 'whole':
      rounded = Prisma.sql`(ROUND(${cents} / 100) * 100)`;
      break;
    case 'nearest-0.05':
      rounded = Prisma.sql`(ROUND(${cents} / 5) * 5)`;
      break;
    case 'x.99':
    case 'x.95': {
      const ending = rule.rounding === 'x.99' ? 99 : 95;
      const candidate = Prisma.sql`(FLOOR(${cents} / 100) * 100 + ${ending}::numeric)`;
      rounded = Prisma.sql`(CASE WHEN ${candidate} >= ${cents} THEN ${candidate} ELSE ${candidate} + 100 END)`;
      break;
    }
  }
  // GREATEST ignores NULLs (it would turn a missing compare-at price into 0.00): keep NULL explicitly.
  return Prisma.sql`(CASE WHEN ${wholesale} IS NULL THEN NULL ELSE GREATEST(0, ${rounded}) / 100 END)::numeric(12,2)`;
}

/** One listing the sync must look at, with what the retailer should now show. */
export interface PlannedListing {
  listingId: string;
  sourceVariantId: string;
  externalProductId: string;
  partnerProductId: string;
  partnerVariantId: string;
  partnerSku: string | null;
  sku: string | null;
  contentHash: string;
  lastPushedContentHash: string | null;
  lastPushedPrice: string | null;
  desiredPrice: string;
  desiredCompareAtPrice: string | null;
}

export interface ListingPlanQuery {
  partnershipId: string;
  rule: PricingRule;
  mode: 'FULL' | 'PARTIAL';
  forceOverwrite: boolean;
  /** Keyset: the last sourceVariantId of the previous page. */
  after: string | null;
  limit: number;
  /** "Sync to partners now" on chosen products: only these SourceVariant ids. */
  only?: string[] | null;
  /**
   * When this run started: a listing it linked since (a product it just created, with the supplier's
   * content and the rule's price) is left out unless its desired price moved meanwhile, so a Full
   * sync does not write every new product a second time.
   */
  freshSince?: Date | null;
}

/**
 * Live, linked, not rejected listings. FULL: all of them. PARTIAL: only those whose desired price
 * differs from the last push, whose partner copy drifted, or (under force-overwrite) whose
 * supplier content or SKU changed since the last push. Without force-overwrite a SKU edited on
 * either side changes nothing: the listing stays linked by the variants' stable ids. A listing
 * with no pushed content hash is linked to a product the retailer had before: prices only.
 */
export async function planListingUpdates(db: Db, q: ListingPlanQuery): Promise<PlannedListing[]> {
  const desired = retailPriceSql(q.rule, Prisma.sql`sv."price"`);
  const desiredCompareAt = retailPriceSql(q.rule, Prisma.sql`sv."compareAtPrice"`);
  const changed =
    q.mode === 'FULL'
      ? Prisma.sql`TRUE`
      : Prisma.sql`(
          ${desired} IS DISTINCT FROM l."lastPushedPrice"
          OR l."priceDrift"
          OR (l."observedPrice" IS NOT NULL AND l."observedPrice" IS DISTINCT FROM l."lastPushedPrice")
          OR (${q.forceOverwrite} AND l."lastPushedContentHash" IS NOT NULL AND (sv."contentHash" <> l."lastPushedContentHash" OR sv."sku" IS DISTINCT FROM l."partnerSku"))
        )`;
  const rows = await db.$queryRaw<
    Array<Omit<PlannedListing, 'lastPushedPrice' | 'desiredPrice' | 'desiredCompareAtPrice'> & { lastPushedPrice: Prisma.Decimal | null; desiredPrice: Prisma.Decimal; desiredCompareAtPrice: Prisma.Decimal | null }>
  >`
    SELECT l."id" AS "listingId", l."sourceVariantId", sv."externalProductId", l."partnerProductId", l."partnerVariantId",
           l."partnerSku", sv."sku", sv."contentHash", l."lastPushedContentHash", l."lastPushedPrice",
           ${desired} AS "desiredPrice", ${desiredCompareAt} AS "desiredCompareAtPrice"
    FROM "Listing" l
    JOIN "SourceVariant" sv ON sv."id" = l."sourceVariantId"
    WHERE l."partnershipId" = ${q.partnershipId}
      AND l."approval" <> 'REJECTED'
      AND l."partnerVariantId" IS NOT NULL
      AND sv."deletedAt" IS NULL
      AND (${q.after}::text IS NULL OR l."sourceVariantId" > ${q.after})
      AND (${q.only ?? null}::text[] IS NULL OR l."sourceVariantId" = ANY(${q.only ?? null}::text[]))
      AND ${changed}
      AND (${q.freshSince ?? null}::timestamp IS NULL OR l."lastSyncedAt" IS NULL OR l."lastSyncedAt" < ${q.freshSince ?? null}::timestamp OR ${desired} IS DISTINCT FROM l."lastPushedPrice")
    ORDER BY l."sourceVariantId"
    LIMIT ${q.limit}`;
  return rows.map((r) => ({
    ...r,
    lastPushedPrice: r.lastPushedPrice === null ? null : new Prisma.Decimal(String(r.lastPushedPrice)).toFixed(2),
    desiredPrice: new Prisma.Decimal(String(r.desiredPrice)).toFixed(2),
    desiredCompareAtPrice: r.desiredCompareAtPrice === null ? null : new Prisma.Decimal(String(r.desiredCompareAtPrice)).toFixed(2),
  }));
}

/** Supplier SKUs carried by more than one live variant: never matched, reported instead. */
export async function duplicateSupplierSkus(db: Db, sourceConnectionId: string): Promise<Array<{ sku: string; variants: Array<{ externalProductId: string; externalVariantId: string; productTitle: string }> }>> {
  return db.$queryRaw`
    SELECT sv."sku", json_agg(json_build_object('externalProductId', sv."externalProductId", 'externalVariantId', sv."externalVariantId", 'productTitle', sv."productTitle") ORDER BY sv."externalVariantId") AS "variants"
    FROM "SourceVariant" sv
    WHERE sv."connectionId" = ${sourceConnectionId} AND sv."deletedAt" IS NULL AND sv."sku" IS NOT NULL
    GROUP BY sv."sku"
    HAVING COUNT(*) > 1
    ORDER BY sv."sku"`;
}

/**
 * A product deleted and recreated at the supplier with the same SKU: the old variant is a ghost,
 * the new one has no listing. Point the existing listing at the new variant (one listing per
 * SKU, only when the SKU is unique among live variants), so the retailer keeps one product.
 */
export async function relinkRecreatedVariants(db: Db, partnershipId: string, sourceConnectionId: string): Promise<number> {
  return db.$executeRaw`
    WITH candidates AS (
      SELECT DISTINCT ON (nv."id") l."id" AS "listingId", nv."id" AS "newVariantId"
      FROM "Listing" l
      JOIN "SourceVariant" old ON old."id" = l."sourceVariantId"
      JOIN "SourceVariant" nv ON nv."connectionId" = old."connectionId" AND nv."sku" = old."sku" AND nv."id" <> old."id"
      WHERE l."partnershipId" = ${partnershipId}
        AND old."connectionId" = ${sourceConnectionId}
        AND old."deletedAt" IS NOT NULL
        AND nv."deletedAt" IS NULL
        AND NOT EXISTS (SELECT 1 FROM "Listing" l2 WHERE l2."partnershipId" = ${partnershipId} AND l2."sourceVariantId" = nv."id")
        AND (SELECT COUNT(*) FROM "SourceVariant" d WHERE d."connectionId" = old."connectionId" AND d."sku" = old."sku" AND d."deletedAt" IS NULL) = 1
      ORDER BY nv."id", l."updatedAt" DESC
    )
    UPDATE "Listing" l SET "sourceVariantId" = c."newVariantId", "updatedAt" = NOW()
    FROM candidates c WHERE l."id" = c."listingId"`;
}

/**
 * Writes the intent rows (PENDING listings without partner ids yet) for live supplier variants this
 * partnership has never been offered: they have a SKU, the SKU is unique at the supplier, and no
 * listing exists (a rejected one included, so a rejection is never re-offered).
 */
export async function offerNewVariants(db: Db, partnershipId: string, sourceConnectionId: string, only: string[] | null = null): Promise<number> {
  return db.$executeRaw`
    INSERT INTO "Listing" ("id", "partnershipId", "sourceVariantId", "approval", "createdAt", "updatedAt")
    SELECT 'l' || replace(gen_random_uuid()::text, '-', ''), ${partnershipId}, sv."id", 'PENDING', NOW(), NOW()
    FROM "SourceVariant" sv
    WHERE sv."connectionId" = ${sourceConnectionId}
      AND sv."deletedAt" IS NULL
      AND sv."sku" IS NOT NULL
      AND (${only}::text[] IS NULL OR sv."id" = ANY(${only}::text[]))
      AND NOT EXISTS (SELECT 1 FROM "Listing" l WHERE l."partnershipId" = ${partnershipId} AND l."sourceVariantId" = sv."id")
      AND NOT EXISTS (SELECT 1 FROM "SourceVariant" d WHERE d."connectionId" = sv."connectionId" AND d."sku" = sv."sku" AND d."deletedAt" IS NULL AND d."id" <> sv."id")
    ON CONFLICT ("partnershipId", "sourceVariantId") DO NOTHING`;
}

/** Supplier products with listings not yet linked to a partner product: the next ones to create. */
export async function productsAwaitingCreation(db: Db, partnershipId: string, afterProductId: string | null, limit: number, only: string[] | null = null): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ externalProductId: string }>>`
    SELECT DISTINCT sv."externalProductId"
    FROM "Listing" l JOIN "SourceVariant" sv ON sv."id" = l."sourceVariantId"
    WHERE l."partnershipId" = ${partnershipId}
      AND l."partnerVariantId" IS NULL
      AND l."approval" <> 'REJECTED'
      AND sv."deletedAt" IS NULL
      AND (${only}::text[] IS NULL OR l."sourceVariantId" = ANY(${only}::text[]))
      AND (${afterProductId}::text IS NULL OR sv."externalProductId" > ${afterProductId})
    ORDER BY sv."externalProductId"
    LIMIT ${limit}`;
  return rows.map((r) => r.externalProductId);
}

/** Live supplier variants without a SKU: they cannot be matched, so they are never offered. */
export async function variantsWithoutSku(db: Db, sourceConnectionId: string): Promise<number> {
  return db.sourceVariant.count({ where: { connectionId: sourceConnectionId, deletedAt: null, sku: null } });
}
