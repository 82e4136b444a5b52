// The records ledger of a supplier's catalog: one SourceVariant row per variant, with a content
// hash for change detection and a generation stamp for ghost detection after a Full pass.
import { randomBytes } from 'node:crypto';
import type { TandemProduct, TandemVariant } from '../../connectors/sdk/types.ts';
import type { Db } from '../db.server.ts';
import { contentHash } from './content-hash.ts';

/**
 * What a retailer's copy is made of. Price and stock are left out on purpose: they follow on every
 * sync, while a content change only overwrites the retailer's copy under force-overwrite.
 */
export function variantContentHash(product: TandemProduct, variant: TandemVariant): string {
  return contentHash({
    title: product.title,
    description: product.description,
    images: product.images,
    options: product.options,
    vendor: product.vendor,
    variantTitle: variant.title,
    selectedOptions: variant.selectedOptions,
  });
}

export interface LedgerWrite {
  /** Variants written (inserted or updated). */
  variants: number;
  /** Variants whose content hash changed (or that are new). */
  changed: number;
  /** The newest `updatedAt` in the batch: the checkpoint's next watermark. */
  newestUpdate: Date | null;
}

/**
 * Upserts every variant of `products`; variants a product no longer has are marked deleted. One
 * read of the earlier hashes and one upsert statement for the whole batch: row by row, a 100,000
 * variant catalog spent minutes on database round trips.
 */
export async function recordProducts(db: Db, connectionId: string, products: TandemProduct[], generation: number, now: Date): Promise<LedgerWrite> {
  let newestUpdate: Date | null = null;
  // A variant listed twice in one batch is written once, as its last mention says.
  const rows = new Map<string, ReturnType<typeof ledgerRow>>();
  for (const product of products) {
    if (!newestUpdate || product.updatedAt > newestUpdate) newestUpdate = product.updatedAt;
    for (const variant of product.variants) {
      if (variant.updatedAt > newestUpdate!) newestUpdate = variant.updatedAt;
      rows.set(variant.externalId, ledgerRow(product, variant));
    }
  }
  if (products.length === 0) return { variants: 0, changed: 0, newestUpdate };
  const list = [...rows.values()];
  const col = <K extends keyof (typeof list)[number]>(key: K) => list.map((r) => r[key]);
  let changed = 0;
  await db.$transaction(
    async (tx) => {
      const earlier = await tx.sourceVariant.findMany({ where: { connectionId, externalVariantId: { in: [...rows.keys()] } }, select: { externalVariantId: true, contentHash: true } });
      const hashes = new Map(earlier.map((e) => [e.externalVariantId, e.contentHash]));
      changed = list.filter((r) => hashes.get(r.externalVariantId) !== r.contentHash).length;
      await tx.$executeRaw`
        INSERT INTO "SourceVariant" ("id", "connectionId", "externalVariantId", "externalProductId", "inventoryItemId", "sku", "productTitle", "variantTitle", "description",
                                     "vendor", "images", "options", "price", "compareAtPrice", "available", "contentHash", "sourceUpdatedAt", "generation", "lastSeenAt", "deletedAt")
        SELECT v.id, ${connectionId}, v.variant, v.product, v.item, v.sku, v.title, v.vtitle, v.description,
               v.vendor, v.images::jsonb, v.options::jsonb, v.price::numeric(12,2), v.compare::numeric(12,2), v.available, v.hash, v.updated::timestamp(3), ${generation}, ${now}, NULL
        FROM unnest(${col('id')}::text[], ${col('externalVariantId')}::text[], ${col('externalProductId')}::text[], ${col('inventoryItemId')}::text[], ${col('sku')}::text[], ${col('productTitle')}::text[],
                    ${col('variantTitle')}::text[], ${col('description')}::text[], ${col('vendor')}::text[], ${col('images')}::text[], ${col('options')}::text[], ${col('price')}::text[],
                    ${col('compareAtPrice')}::text[], ${col('available')}::int[], ${col('contentHash')}::text[], ${col('sourceUpdatedAt')}::text[])
             AS v(id, variant, product, item, sku, title, vtitle, description, vendor, images, options, price, compare, available, hash, updated)
        ON CONFLICT ("connectionId", "externalVariantId") DO UPDATE SET
          "externalProductId" = EXCLUDED."externalProductId", "inventoryItemId" = EXCLUDED."inventoryItemId", "sku" = EXCLUDED."sku",
          "productTitle" = EXCLUDED."productTitle", "variantTitle" = EXCLUDED."variantTitle", "description" = EXCLUDED."description", "vendor" = EXCLUDED."vendor",
          "images" = EXCLUDED."images", "options" = EXCLUDED."options", "price" = EXCLUDED."price", "compareAtPrice" = EXCLUDED."compareAtPrice",
          "available" = EXCLUDED."available", "contentHash" = EXCLUDED."contentHash", "sourceUpdatedAt" = EXCLUDED."sourceUpdatedAt",
          "generation" = EXCLUDED."generation", "lastSeenAt" = EXCLUDED."lastSeenAt", "deletedAt" = NULL`;
      // A variant removed from a product that still exists is gone now, not only after a Full pass.
      await tx.sourceVariant.updateMany({
        where: { connectionId, externalProductId: { in: products.map((p) => p.externalId) }, externalVariantId: { notIn: [...rows.keys()] }, deletedAt: null },
        data: { deletedAt: now },
      });
    },
    { timeout: 60_000 },
  );
  return { variants: list.length, changed, newestUpdate };
}

let idCounter = 0;

/**
 * A new row's id, ordered as Prisma's cuids are (time, then a counter), so variants sort in the
 * order the platform listed them, as row-by-row creates left them: a retailer's copy lists its
 * variants and option values in that order. Ignored when the variant is already recorded.
 */
function ledgerId(): string {
  idCounter = (idCounter + 1) % 36 ** 4;
  return `c${Date.now().toString(36).padStart(8, '0')}${idCounter.toString(36).padStart(4, '0')}${randomBytes(6).toString('hex')}`;
}

function ledgerRow(product: TandemProduct, variant: TandemVariant) {
  return {
    id: ledgerId(),
    externalVariantId: variant.externalId,
    externalProductId: product.externalId,
    inventoryItemId: variant.inventoryItemId,
    sku: variant.sku as string | null,
    productTitle: product.title,
    variantTitle: variant.title as string | null,
    description: product.description as string | null,
    vendor: product.vendor,
    images: JSON.stringify(product.images.map((i) => ({ url: i.url, altText: i.altText }))),
    options: JSON.stringify(variant.selectedOptions.map((o) => ({ name: o.name, value: o.value }))),
    price: variant.price as string,
    compareAtPrice: variant.compareAtPrice as string | null,
    available: variant.available ?? 0,
    contentHash: variantContentHash(product, variant),
    sourceUpdatedAt: (variant.updatedAt > product.updatedAt ? variant.updatedAt : product.updatedAt).toISOString(),
  };
}

/** After a Full pass: every variant not seen in `generation` was deleted at the supplier (a ghost). */
export async function markGhosts(db: Db, connectionId: string, generation: number, now: Date): Promise<number> {
  const { count } = await db.sourceVariant.updateMany({ where: { connectionId, generation: { not: generation }, deletedAt: null }, data: { deletedAt: now } });
  return count;
}
