// The records ledger of a supplier's catalog: one SourceVariant row per variant, with a content
// hash for change detection and a generation stamp for ghost detection after a Full pass.
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

/** Upserts every variant of `products`; variants a product no longer has are marked deleted. */
export async function recordProducts(db: Db, connectionId: string, products: TandemProduct[], generation: number, now: Date): Promise<LedgerWrite> {
  let variants = 0;
  let changed = 0;
  let newestUpdate: Date | null = null;
  await db.$transaction(async (tx) => {
    for (const product of products) {
      if (!newestUpdate || product.updatedAt > newestUpdate) newestUpdate = product.updatedAt;
      const earlier = await tx.sourceVariant.findMany({ where: { connectionId, externalProductId: product.externalId }, select: { externalVariantId: true, contentHash: true } });
      const hashes = new Map(earlier.map((e) => [e.externalVariantId, e.contentHash]));
      for (const variant of product.variants) {
        if (variant.updatedAt > newestUpdate!) newestUpdate = variant.updatedAt;
        const hash = variantContentHash(product, variant);
        if (hashes.get(variant.externalId) !== hash) changed++;
        const fields = {
          externalProductId: product.externalId,
          inventoryItemId: variant.inventoryItemId,
          sku: variant.sku,
          productTitle: product.title,
          variantTitle: variant.title,
          description: product.description,
          vendor: product.vendor,
          images: product.images.map((i) => ({ url: i.url, altText: i.altText })),
          options: variant.selectedOptions.map((o) => ({ name: o.name, value: o.value })),
          price: variant.price,
          compareAtPrice: variant.compareAtPrice,
          available: variant.available ?? 0,
          contentHash: hash,
          sourceUpdatedAt: variant.updatedAt > product.updatedAt ? variant.updatedAt : product.updatedAt,
          generation,
          lastSeenAt: now,
          deletedAt: null,
        };
        await tx.sourceVariant.upsert({
          where: { connectionId_externalVariantId: { connectionId, externalVariantId: variant.externalId } },
          create: { connectionId, externalVariantId: variant.externalId, ...fields },
          update: fields,
        });
        variants++;
      }
      // A variant removed from a product that still exists is gone now, not only after a Full pass.
      await tx.sourceVariant.updateMany({
        where: { connectionId, externalProductId: product.externalId, externalVariantId: { notIn: product.variants.map((v) => v.externalId) }, deletedAt: null },
        data: { deletedAt: now },
      });
    }
  }, { timeout: 60_000 });
  return { variants, changed, newestUpdate };
}

/** After a Full pass: every variant not seen in `generation` was deleted at the supplier (a ghost). */
export async function markGhosts(db: Db, connectionId: string, generation: number, now: Date): Promise<number> {
  const { count } = await db.sourceVariant.updateMany({ where: { connectionId, generation: { not: generation }, deletedAt: null }, data: { deletedAt: now } });
  return count;
}
