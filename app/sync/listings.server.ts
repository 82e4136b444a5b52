// catalog.sync for one partnership: the supplier's catalog becomes listings at the retailer.
// New products are created once, unpublished, and wait for the retailer's approval; later supplier
// edits overwrite the retailer's copy only under force-overwrite; prices always follow, through the
// partnership's pricing rule. Every write is retry-safe: the Listing intent row is written before
// the product is created, and the create looks the supplier's product reference up first.
import { requireCapability, type Connector } from '../../connectors/sdk/connector.ts';
import type { CapabilityMethods, VariantPriceWrite } from '../../connectors/sdk/capabilities.ts';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import type { ProductInput, Sku, TandemOption, TandemProduct, TandemVariant } from '../../connectors/sdk/types.ts';
import type { Db } from '../db.server.ts';
import type { Connection, Listing, Partnership, Shop, SourceVariant } from '../generated/prisma/client.ts';
import type { PullResult, SyncMode } from './catalog.server.ts';
import { pullSourceCatalog } from './catalog-pull-lease.server.ts';
import type { SyncContext } from './connections.server.ts';
import { offerNewVariants, planListingUpdates, productsAwaitingCreation, relinkRecreatedVariants, variantsWithoutSku, type PlannedListing } from './partial-plan.server.ts';
import { parsePricingRule, retailPrice, type PricingRule } from './pricing.ts';
import { clearRetailerDuplicate, matchPartnerSkus, relinkBySku, reportDuplicateSku, reportSupplierDuplicates, type SkuMatch } from './sku-match.server.ts';
import { count, emptyTally, finishSyncRun, startSyncRun, type RunTally } from './sync-runs.server.ts';

export interface CatalogSyncOptions {
  mode: SyncMode;
  /** schedule, manual, webhook, nightly, sweep: copied onto the SyncRun. */
  trigger: string;
  /** The job layer's SyncRun row; without one the engine records its own. */
  syncRunId?: string;
  /** False when the caller already pulled the supplier's catalog (one pull, many partners). */
  pull?: boolean;
  /**
   * When the sync was asked for: another sync's pull of the same source that started since then
   * is reused instead of pulling again (see catalog-pull-lease.server.ts). Default: now.
   */
  freshSince?: Date;
  /** "Sync to partners now" on chosen products: only these SourceVariant ids are offered or pushed. */
  sourceVariantIds?: string[];
  /**
   * "Sync to partners now" on a product page: only these products (their ids at the catalog
   * source). Resolved to variants after the pull, so a product or variant created since the last
   * run is included. Combines with `sourceVariantIds` (either one's variants are synced).
   */
  sourceProductIds?: string[];
}

export interface CatalogSyncResult extends RunTally {
  /** The SyncRun the engine recorded (null when the caller passed its own). */
  syncRunId: string | null;
  pull: PullResult | null;
  /** The SourceVariant ids a run limited to chosen products synced; null for the whole catalog. */
  chosenVariantIds: string[] | null;
}

const PRODUCTS_PER_BATCH = 50;
const LISTINGS_PER_PAGE = 250;

type PartnershipWithShops = Partnership & { supplier: Shop; retailer: Shop };
type ListingWithSource = Listing & { sourceVariant: SourceVariant };
type Writer = Connector & CapabilityMethods['products.write'];
type Reader = Connector & CapabilityMethods['products.read'];

interface Sides {
  ctx: SyncContext;
  partnership: PartnershipWithShops;
  source: Connection;
  rule: PricingRule;
  writer: Writer;
  reader: Reader;
  tally: RunTally;
  only: string[] | null;
  /** False for the hourly price push: prices only, never a product's content. */
  content: boolean;
}

/** Both ends of a partnership's push: the supplier's catalog source and the retailer's store. */
function sidesOf(ctx: SyncContext, partnership: PartnershipWithShops, source: Connection, retailer: Connector, run: Pick<Sides, 'tally' | 'only' | 'content'>): Sides {
  return {
    ctx,
    partnership,
    source,
    rule: parsePricingRule(partnership.pricingRule),
    writer: requireCapability(retailer, 'products.write'),
    reader: requireCapability(retailer, 'products.read'),
    ...run,
  };
}

/** Errors about one item (a rejected product, a vanished variant): recorded, the run goes on. */
function isItemError(err: unknown): err is ConnectorError {
  return err instanceof ConnectorError && (err.code === 'invalid' || err.code === 'not_found' || err.code === 'conflict');
}

/** The supplier's catalog connection: the partnership's choice, else the supplier's Shopify. */
export async function sourceConnectionOf(db: Db, partnership: Partnership): Promise<Connection> {
  if (partnership.sourceConnectionId) return db.connection.findUniqueOrThrow({ where: { id: partnership.sourceConnectionId } });
  return db.connection.findFirstOrThrow({ where: { shopId: partnership.supplierShopId, platform: 'shopify', status: 'ACTIVE' }, orderBy: { createdAt: 'asc' } });
}

/** Where the retailer's listings live: the partnership's target when it is the retailer's, else its Shopify. */
export async function targetConnectionOf(db: Db, partnership: Partnership): Promise<Connection> {
  if (partnership.targetConnectionId) {
    const chosen = await db.connection.findUnique({ where: { id: partnership.targetConnectionId } });
    if (chosen?.shopId === partnership.retailerShopId) return chosen;
  }
  return db.connection.findFirstOrThrow({ where: { shopId: partnership.retailerShopId, platform: 'shopify', status: 'ACTIVE' }, orderBy: { createdAt: 'asc' } });
}

/** Map.groupBy arrives in Node 21; Tandem runs on 20. */
function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function price(value: { toFixed(digits: number): string } | null): string | null {
  return value === null ? null : value.toFixed(2);
}

/** The retailer's copy of some of a supplier product's variants, priced by the partnership's rule. */
export function productInputOf(source: Connection, variants: SourceVariant[], rule: PricingRule): ProductInput {
  const first = variants[0]!;
  const options = new Map<string, string[]>();
  for (const v of variants) {
    for (const o of v.options as Array<{ name: string; value: string }>) {
      const values = options.get(o.name) ?? [];
      if (!values.includes(o.value)) values.push(o.value);
      options.set(o.name, values);
    }
  }
  return {
    externalReference: `${source.externalAccount}/${first.externalProductId}`,
    title: first.productTitle,
    description: first.description ?? '',
    vendor: first.vendor,
    images: first.images as unknown as ProductInput['images'],
    options: [...options].map(([name, values]): TandemOption => ({ name, values })),
    variants: variants.map((v) => ({
      sku: v.sku as Sku,
      selectedOptions: v.options as Array<{ name: string; value: string }>,
      price: retailPrice(price(v.price)!, rule),
      compareAtPrice: v.compareAtPrice === null ? null : retailPrice(price(v.compareAtPrice)!, rule),
    })),
  };
}

function linkFields(variant: TandemVariant, at: Date) {
  return {
    partnerProductId: variant.productExternalId,
    partnerVariantId: variant.externalId,
    partnerInventoryItemId: variant.inventoryItemId,
    partnerSku: variant.sku,
    observedPrice: variant.price,
    lastSyncedAt: at,
    lastError: null,
  };
}

/**
 * Syncs the supplier's catalog to one retailer. Pulls the supplier's changes (unless `pull` is
 * false), offers new variants as PENDING listings created unpublished at the retailer, then pushes
 * content (force-overwrite only) and prices to existing listings: all of them on FULL, on PARTIAL
 * only those whose desired state differs from what was last pushed or the retailer drifted from.
 */
export async function syncCatalogToPartner(ctx: SyncContext, partnershipId: string, options: CatalogSyncOptions): Promise<CatalogSyncResult> {
  const partnership = await ctx.db.partnership.findUniqueOrThrow({ where: { id: partnershipId }, include: { supplier: true, retailer: true } });
  const tally = emptyTally();
  const startedAt = ctx.now();
  const usageBefore = { ...(ctx.usage ?? { calls: 0, costPoints: 0 }) };
  const syncRunId = options.syncRunId
    ? null
    : await startSyncRun(ctx.db, { shopId: partnership.supplierShopId, partnershipId, kind: 'catalog.sync', mode: options.mode, trigger: options.trigger, at: startedAt });
  const settle = () => {
    tally.apiCalls = (ctx.usage?.calls ?? 0) - usageBefore.calls;
    tally.costPoints = (ctx.usage?.costPoints ?? 0) - usageBefore.costPoints;
    tally.counts.durationMs = ctx.now().getTime() - startedAt.getTime();
  };

  let pull: PullResult | null = null;
  let chosenVariantIds: string[] | null = null;
  try {
    if (partnership.status !== 'ACTIVE') {
      tally.errors.push({ subject: `Partnership ${partnership.id}`, message: `is ${partnership.status.toLowerCase()}, not active: nothing was synced` });
    } else {
      const source = await sourceConnectionOf(ctx.db, partnership);
      const target = await targetConnectionOf(ctx.db, partnership);
      if (options.pull !== false) {
        const leased = await pullSourceCatalog(ctx, source.id, { mode: options.mode, freshSince: options.freshSince });
        pull = leased.result;
        if (leased.shared) {
          // Another partnership's sync of the same source pulled it after this one was asked for.
          count(tally, 'supplierPullShared', 1);
        } else {
          count(tally, 'supplierProductsRead', pull.products);
          count(tally, 'supplierVariantsDeleted', pull.ghosts);
        }
      }
      const retailer = await ctx.connectorFor(target);
      const chosen = await chosenVariants(ctx.db, source.id, options);
      chosenVariantIds = chosen?.ids ?? null;
      const sides = sidesOf(ctx, partnership, source, retailer, { tally, only: chosenVariantIds, content: true });
      for (const id of chosen?.unknownProducts ?? []) {
        tally.errors.push({ subject: `Product ${id}`, message: `is not in ${partnership.supplier.name ?? partnership.supplier.domain}'s catalog at ${source.platform} (deleted, or sold from another catalog): nothing was synced for it` });
      }
      count(tally, 'relinked', await relinkRecreatedVariants(ctx.db, partnership.id, source.id));
      const duplicates = await reportSupplierDuplicates(ctx.db, partnership, source.id, ctx.now());
      count(tally, 'duplicateSkus', duplicates.size);
      count(tally, 'withoutSku', await variantsWithoutSku(ctx.db, source.id));
      await offerNewVariants(ctx.db, partnership.id, source.id, sides.only);
      await createOfferedProducts(sides);
      await pushListingUpdates(sides, options.mode, startedAt);
    }
  } catch (err) {
    settle();
    if (syncRunId) {
      const code = err instanceof ConnectorError ? err.code : 'internal';
      const message = err instanceof ConnectorError ? err.merchantMessage : err instanceof Error ? err.message : String(err);
      await finishSyncRun(ctx.db, syncRunId, tally, ctx.now(), { code, message });
    }
    throw err;
  }
  settle();
  if (syncRunId) await finishSyncRun(ctx.db, syncRunId, tally, ctx.now());
  ctx.logger.info('Synced catalog to partner', { partnershipId, mode: options.mode, ...tally.counts });
  return { ...tally, syncRunId, pull, chosenVariantIds };
}

export interface PricePushOptions {
  /** PARTIAL: only listings whose retail price differs from the last push or drifted; FULL: all. */
  mode: SyncMode;
  /** Only these SourceVariant ids (a manual push of chosen products). */
  sourceVariantIds?: string[];
  /** When the push was asked for (see CatalogSyncOptions.freshSince). Default: now. */
  freshSince?: Date;
}

/**
 * The price half of the hourly inventory push (DESIGN: inventory.push carries price and quantity):
 * reads what the supplier changed since the last pass, then writes the partnership's retail price
 * to every linked listing whose price moved. Never creates a product or touches its content, even
 * under force-overwrite; that waits for catalog sync. The caller owns the SyncRun.
 */
export async function pushPricesToPartner(ctx: SyncContext, partnershipId: string, options: PricePushOptions): Promise<RunTally> {
  const partnership = await ctx.db.partnership.findUniqueOrThrow({ where: { id: partnershipId }, include: { supplier: true, retailer: true } });
  const tally = emptyTally();
  if (partnership.status !== 'ACTIVE') return tally;
  const source = await sourceConnectionOf(ctx.db, partnership);
  const retailer = await ctx.connectorFor(await targetConnectionOf(ctx.db, partnership));
  const pull = await pullSourceCatalog(ctx, source.id, { mode: 'PARTIAL', freshSince: options.freshSince });
  count(tally, pull.shared ? 'supplierPullShared' : 'supplierProductsRead', pull.shared ? 1 : pull.result.products);
  const sides = sidesOf(ctx, partnership, source, retailer, { tally, only: options.sourceVariantIds ?? null, content: false });
  count(tally, 'relinked', await relinkRecreatedVariants(ctx.db, partnership.id, source.id));
  await pushListingUpdates(sides, options.mode);
  return tally;
}

/**
 * The SourceVariant ids a run is limited to (null: the whole catalog), and the chosen products the
 * catalog does not hold (deleted, or sold from another catalog source).
 */
async function chosenVariants(db: Db, sourceConnectionId: string, options: CatalogSyncOptions): Promise<{ ids: string[]; unknownProducts: string[] } | null> {
  const { sourceVariantIds, sourceProductIds = [] } = options;
  if (!sourceVariantIds && !options.sourceProductIds) return null;
  const ofProducts = sourceProductIds.length
    ? await db.sourceVariant.findMany({ where: { connectionId: sourceConnectionId, externalProductId: { in: sourceProductIds }, deletedAt: null }, select: { id: true, externalProductId: true } })
    : [];
  const found = new Set(ofProducts.map((v) => v.externalProductId));
  return {
    ids: [...new Set([...(sourceVariantIds ?? []), ...ofProducts.map((v) => v.id)])],
    unknownProducts: sourceProductIds.filter((id) => !found.has(id)),
  };
}

/** Listings offered but not yet linked: link to the retailer's variant by SKU, or create the product. */
async function createOfferedProducts(s: Sides) {
  const { ctx, partnership } = s;
  let after: string | null = null;
  for (;;) {
    ctx.signal?.throwIfAborted();
    const productIds = await productsAwaitingCreation(ctx.db, partnership.id, after, PRODUCTS_PER_BATCH, s.only);
    if (productIds.length === 0) return;
    after = productIds.at(-1)!;
    const listings = await ctx.db.listing.findMany({
      where: {
        partnershipId: partnership.id,
        partnerVariantId: null,
        approval: { not: 'REJECTED' },
        sourceVariant: { connectionId: s.source.id, deletedAt: null, externalProductId: { in: productIds } },
        ...(s.only ? { sourceVariantId: { in: s.only } } : {}),
      },
      include: { sourceVariant: true },
      orderBy: { sourceVariantId: 'asc' },
    });
    // A crash after createProduct left the product at the retailer: its SKUs are found and linked.
    const matches = await matchPartnerSkus(s.reader, listings.map((l) => l.sourceVariant.sku).filter((x): x is string => x !== null));
    const byProduct = groupBy(listings, (l) => l.sourceVariant.externalProductId);
    for (const [productId, group] of byProduct) {
      try {
        await offerProduct(s, productId, group, matches);
      } catch (err) {
        if (!isItemError(err)) throw err;
        const title = group[0]!.sourceVariant.productTitle;
        s.tally.errors.push({ subject: `Product "${title}"`, message: err.merchantMessage });
        count(s.tally, 'failed', group.length);
        await ctx.db.listing.updateMany({ where: { id: { in: group.map((l) => l.id) } }, data: { lastError: err.merchantMessage } });
      }
    }
    await ctx.progress?.(0, 0, 'new products');
  }
}

async function offerProduct(s: Sides, supplierProductId: string, group: ListingWithSource[], matches: Map<string, SkuMatch>) {
  const { ctx, partnership } = s;
  const now = ctx.now();
  const missing: ListingWithSource[] = [];
  for (const listing of group) {
    const sku = listing.sourceVariant.sku!;
    const match = matches.get(sku) ?? { kind: 'none' as const };
    if (match.kind === 'duplicate') {
      await reportDuplicateSku(ctx.db, partnership, 'retailer', sku, match.variants.map((v) => ({ productTitle: v.productTitle, variantId: v.externalId })));
      // No guess and no listing: the next sync offers it again once the retailer fixes the SKU.
      await ctx.db.listing.delete({ where: { id: listing.id } });
      count(s.tally, 'skipped');
    } else if (match.kind === 'one') {
      await clearRetailerDuplicate(ctx.db, partnership, sku, now);
      // A hash recorded before the create means an earlier attempt made this product (it died before
      // linking): it is Tandem's copy. Without one, the retailer stocked the SKU already: its own
      // product, linked for prices but never overwritten (lastPushedContentHash stays null).
      const ours = listing.lastPushedContentHash !== null;
      await ctx.db.listing.update({
        where: { id: listing.id },
        data: { ...linkFields(match.variant, now), lastPushedContentHash: ours ? listing.lastPushedContentHash : null, lastPushedPrice: match.variant.price },
      });
      count(s.tally, ours ? 'created' : 'linked');
    } else {
      missing.push(listing);
    }
  }
  if (missing.length === 0) return;

  const listed = await ctx.db.listing.findFirst({
    where: { partnershipId: partnership.id, partnerProductId: { not: null }, sourceVariant: { connectionId: s.source.id, externalProductId: supplierProductId } },
    select: { partnerProductId: true, lastPushedContentHash: true },
  });
  if (listed?.partnerProductId) {
    // New variants of a product the retailer already has: adding them rewrites the retailer's copy,
    // which only force-overwrite allows, and never on a product of the retailer's own.
    if (!partnership.forceOverwrite || listed.lastPushedContentHash === null) {
      const fix = listed.lastPushedContentHash === null ? 'Add them to your product in the store by hand' : 'Turn on "Overwrite partner edits" for this partner to add them';
      const message = `has ${missing.length} new variant(s) (${missing.map((l) => l.sourceVariant.sku).join(', ')}) the retailer's copy lacks. ${fix}.`;
      s.tally.errors.push({ subject: `Product "${missing[0]!.sourceVariant.productTitle}"`, message });
      count(s.tally, 'skipped', missing.length);
      return;
    }
    await overwriteProduct(s, listed.partnerProductId, missing);
    return;
  }

  // No intent recorded before this one: no earlier attempt can have created the product.
  const firstAttempt = missing.every((l) => l.lastPushedContentHash === null);
  // The intent: what is about to be created. A retry that finds the SKUs knows the product is ours.
  // One statement for the product's variants (row by row cost a round trip per variant).
  const ids = missing.map((l) => l.id);
  const hashes = missing.map((l) => l.sourceVariant.contentHash);
  await ctx.db.$executeRaw`UPDATE "Listing" AS l SET "lastPushedContentHash" = v.hash, "updatedAt" = ${now} FROM unnest(${ids}::text[], ${hashes}::text[]) AS v(id, hash) WHERE l."id" = v.id`;
  const input = productInputOf(
    s.source,
    missing.map((l) => l.sourceVariant),
    s.rule,
  );
  const product = await s.writer.createProduct(input, { firstAttempt });
  await linkCreated(s, product, missing, now, 'created');
}

/** Links listings to the variants of a product the retailer returned, by SKU. */
async function linkCreated(s: Sides, product: TandemProduct, listings: ListingWithSource[], now: Date, counter: string) {
  const bySku = new Map(product.variants.filter((v) => v.sku).map((v) => [v.sku as string, v]));
  const linked: Array<{ listing: ListingWithSource; variant: TandemVariant }> = [];
  for (const listing of listings) {
    const variant = listing.sourceVariant.sku ? bySku.get(listing.sourceVariant.sku) : undefined;
    if (!variant) {
      const message = `SKU ${listing.sourceVariant.sku} was not on the product ${product.externalId} the retailer's platform returned`;
      s.tally.errors.push({ subject: `Product "${listing.sourceVariant.productTitle}"`, message });
      count(s.tally, 'failed');
      await s.ctx.db.listing.update({ where: { id: listing.id }, data: { lastError: message } });
      continue;
    }
    linked.push({ listing, variant });
  }
  if (linked.length === 0) return;
  // linkFields for every variant of the product in one statement (row by row cost a round trip per variant).
  const col = <T>(pick: (x: (typeof linked)[number]) => T) => linked.map(pick);
  await s.ctx.db.$executeRaw`
    UPDATE "Listing" AS l SET "partnerProductId" = v.product, "partnerVariantId" = v.variant, "partnerInventoryItemId" = v.item, "partnerSku" = v.sku,
      "observedPrice" = v.price::numeric(12,2), "lastPushedPrice" = v.price::numeric(12,2), "lastPushedContentHash" = v.hash, "priceDrift" = false,
      "lastSyncedAt" = ${now}, "lastError" = NULL, "updatedAt" = ${now}
    FROM unnest(${col((x) => x.listing.id)}::text[], ${col((x) => x.variant.productExternalId)}::text[], ${col((x) => x.variant.externalId)}::text[],
                ${col((x) => x.variant.inventoryItemId)}::text[], ${col((x) => x.variant.sku as string | null)}::text[], ${col((x) => x.variant.price as string)}::text[],
                ${col((x) => x.listing.sourceVariant.contentHash)}::text[]) AS v(id, product, variant, item, sku, price, hash)
    WHERE l."id" = v.id`;
  count(s.tally, counter, linked.length);
}

/**
 * Force-overwrite: the retailer's product (one Tandem created) takes the supplier's content and
 * prices again, plus `added` variants it lacks. Products the retailer had before are left alone.
 */
async function overwriteProduct(s: Sides, partnerProductId: string, added: ListingWithSource[] = []): Promise<Set<string>> {
  const linked = await s.ctx.db.listing.findMany({
    where: { partnershipId: s.partnership.id, partnerProductId, approval: { not: 'REJECTED' }, lastPushedContentHash: { not: null }, sourceVariant: { deletedAt: null, sku: { not: null } } },
    include: { sourceVariant: true },
    orderBy: { sourceVariantId: 'asc' },
  });
  if (linked.length === 0) return new Set();
  const listings = [...linked, ...added];
  const product = await s.writer.updateProduct(partnerProductId, productInputOf(s.source, listings.map((l) => l.sourceVariant), s.rule));
  // A SKU edited at the supplier gives the retailer's variant a new id: linkCreated re-links by SKU.
  await linkCreated(s, product, listings, s.ctx.now(), 'updated');
  return new Set(listings.map((l) => l.id));
}

/** Existing listings: content under force-overwrite, then prices, page by page from the SQL plan. */
async function pushListingUpdates(s: Sides, mode: SyncMode, freshSince: Date | null = null) {
  const { ctx, partnership } = s;
  let after: string | null = null;
  let done = 0;
  // A product's variants can straddle two pages; one overwrite per run already wrote them all.
  const overwritten = new Set<string>();
  for (;;) {
    ctx.signal?.throwIfAborted();
    const overwriting = partnership.forceOverwrite && s.content;
    const page = await planListingUpdates(ctx.db, { partnershipId: partnership.id, rule: s.rule, mode, forceOverwrite: overwriting, after, limit: LISTINGS_PER_PAGE, only: s.only, freshSince });
    if (page.length === 0) return;
    after = page.at(-1)!.sourceVariantId;

    const handled = new Set<string>();
    if (overwriting) {
      const ours = page.filter((l) => l.lastPushedContentHash !== null);
      const stale = new Set(ours.filter((l) => mode === 'FULL' || l.contentHash !== l.lastPushedContentHash || l.sku !== l.partnerSku).map((l) => l.partnerProductId));
      for (const l of page) if (overwritten.has(l.partnerProductId)) handled.add(l.listingId);
      for (const partnerProductId of stale) {
        if (overwritten.has(partnerProductId)) continue;
        overwritten.add(partnerProductId);
        try {
          for (const id of await overwriteProduct(s, partnerProductId)) handled.add(id);
        } catch (err) {
          if (!isItemError(err)) throw err;
          await recordFailure(s, page.filter((l) => l.partnerProductId === partnerProductId), err);
          page.filter((l) => l.partnerProductId === partnerProductId).forEach((l) => handled.add(l.listingId));
        }
      }
    }

    const prices = page.filter((l) => !handled.has(l.listingId));
    for (const group of groupBy(prices, (l) => l.partnerProductId).values()) await pushPrices(s, group);
    done += page.length;
    await ctx.progress?.(done, 0, 'listings');
  }
}

async function recordFailure(s: Sides, listings: PlannedListing[], err: ConnectorError) {
  s.tally.errors.push({ subject: `SKU ${listings.map((l) => l.sku).join(', ')}`, message: err.merchantMessage });
  count(s.tally, 'failed', listings.length);
  await s.ctx.db.listing.updateMany({ where: { id: { in: listings.map((l) => l.listingId) } }, data: { lastError: err.merchantMessage } });
}

function priceWrite(l: PlannedListing): VariantPriceWrite {
  return { productExternalId: l.partnerProductId, variantExternalId: l.partnerVariantId, price: l.desiredPrice, compareAtPrice: l.desiredCompareAtPrice };
}

/** One partner product's prices; a vanished variant is re-linked by SKU and written once more. */
async function pushPrices(s: Sides, group: PlannedListing[]) {
  const { ctx } = s;
  if (!s.writer.updateVariantPrices) {
    throw new ConnectorError('capability_missing', `Connector "${s.writer.id}" cannot update prices`, {
      connectorId: s.writer.id,
      merchantMessage: `The retailer's connection (${s.writer.id}) cannot update prices, so catalog sync cannot keep them in step. Choose a connector that can.`,
      details: { capability: 'products.write', missingMethods: ['updateVariantPrices'] },
    });
  }
  let writes = group;
  try {
    await s.writer.updateVariantPrices(writes.map(priceWrite));
  } catch (err) {
    if (!isItemError(err)) throw err;
    const relinked: PlannedListing[] = [];
    for (const l of group) {
      const variant = await relinkBySku(ctx.db, s.reader, s.partnership, l);
      if (variant) relinked.push({ ...l, partnerProductId: variant.productExternalId, partnerVariantId: variant.externalId, partnerSku: variant.sku });
      else await recordFailure(s, [l], err);
    }
    count(s.tally, 'relinked', relinked.length);
    writes = relinked;
    try {
      for (const g of groupBy(relinked, (l) => l.partnerProductId).values()) await s.writer.updateVariantPrices(g.map(priceWrite));
    } catch (again) {
      if (!isItemError(again)) throw again;
      await recordFailure(s, relinked, again);
      return;
    }
  }
  const now = ctx.now();
  await ctx.db.$transaction(
    writes.map((l) =>
      ctx.db.listing.update({
        where: { id: l.listingId },
        data: { lastPushedPrice: l.desiredPrice, observedPrice: l.desiredPrice, priceDrift: false, lastSyncedAt: now, lastError: null },
      }),
    ),
  );
  count(s.tally, 'pricesUpdated', writes.length);
}
