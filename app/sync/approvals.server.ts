// The retailer's approval queue: new supplier products arrive at the retailer as drafts with
// PENDING listings. Approving publishes the product; rejecting leaves it unpublished and the
// supplier variant is never offered to this retailer again. The Approvals screen works per product
// (one row per supplier product, its variants inside), so a product is approved or rejected whole.
import { z } from 'zod';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { getConnector } from '../../connectors/index.ts';
import { requireCapability } from '../../connectors/sdk/connector.ts';
import { Prisma, type Db } from '../db.server.ts';
import type { Listing, Partnership, Shop, SourceVariant } from '../generated/prisma/client.ts';
import type { SyncContext } from './connections.server.ts';
import { targetConnectionOf } from './listings.server.ts';
import { fromCents, parsePricingRule, retailPrice, toCents } from './pricing.ts';

export interface PendingApproval {
  listingId: string;
  partnershipId: string;
  supplierShopId: string;
  supplierName: string;
  /** The supplier's product id: variants sharing it are one product at the retailer. */
  supplierProductId: string;
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
  /** Why the last write or publish of it failed, in the platform's words; null when none did. */
  lastError: string | null;
  offeredAt: Date;
}

/** A listing waits when it is PENDING in an active partnership and the supplier still sells it. */
const waiting = (retailerShopId: string) =>
  ({ approval: 'PENDING', partnership: { retailerShopId, status: 'ACTIVE' }, sourceVariant: { deletedAt: null } }) satisfies Prisma.ListingWhereInput;

type Loaded = Listing & { sourceVariant: SourceVariant; partnership: Partnership & { supplier: Shop } };

function toPendingApproval(l: Loaded): PendingApproval {
  const wholesaleCost = l.sourceVariant.price.toFixed(2);
  const price = l.lastPushedPrice?.toFixed(2) ?? retailPrice(wholesaleCost, parsePricingRule(l.partnership.pricingRule));
  const marginCents = toCents(price) - toCents(wholesaleCost);
  return {
    listingId: l.id,
    partnershipId: l.partnershipId,
    supplierShopId: l.partnership.supplierShopId,
    supplierName: l.partnership.supplier.name ?? l.partnership.supplier.domain,
    supplierProductId: l.sourceVariant.externalProductId,
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
    lastError: l.lastError,
    offeredAt: l.createdAt,
  };
}

/** PENDING listings offered to the retailer, oldest first (at most `limit`). */
export async function listPendingApprovals(db: Db, retailerShopId: string, options: { limit?: number } = {}): Promise<PendingApproval[]> {
  const listings = await db.listing.findMany({
    where: waiting(retailerShopId),
    include: { sourceVariant: true, partnership: { include: { supplier: true } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: options.limit ?? 250,
  });
  return listings.map(toPendingApproval);
}

// ---------------------------------------------------------------------------------------------
// The Approvals screen: one row per supplier product.

export interface PendingProduct {
  /** The id the screen selects the product by: its first waiting listing. */
  id: string;
  partnershipId: string;
  supplierName: string;
  title: string;
  image: { url: string; altText: string | null } | null;
  variants: Array<Pick<PendingApproval, 'listingId' | 'variantTitle' | 'sku' | 'wholesaleCost' | 'price' | 'margin' | 'marginPercent' | 'available'>>;
  /** "7.50", or "7.50–9.00" when the variants differ; likewise the price and the margin. */
  wholesaleCost: string;
  price: string;
  margin: string;
  /** "53.1%", "50.0–53.1%", or "—" when the price is 0. */
  marginPercent: string;
  /** False until the draft exists at the retailer (the next catalog sync creates it). */
  readyToApprove: boolean;
  /** Why publishing it failed last time, if it did. */
  lastError: string | null;
}

export interface ApprovalsScreen {
  products: PendingProduct[];
  /** Every product waiting, including those past the first page. */
  total: number;
}

/** Products shown at once; approving or rejecting them brings the next ones up. */
export const APPROVALS_PAGE = 50;

function range(values: string[], format = (v: string) => v): string {
  const sorted = [...new Set(values)].sort((a, b) => Number(a) - Number(b));
  if (sorted.length === 0) return '—';
  return sorted.length === 1 ? format(sorted[0]!) : `${format(sorted[0]!)}–${format(sorted[sorted.length - 1]!)}`;
}

function percentRange(values: Array<number | null>): string {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return '—';
  const [low, high] = [Math.min(...known), Math.max(...known)];
  return low === high ? `${low.toFixed(1)}%` : `${low.toFixed(1)}–${high.toFixed(1)}%`;
}

function toPendingProduct(variants: PendingApproval[]): PendingProduct {
  const first = variants[0]!;
  const problem = variants.find((v) => v.lastError)?.lastError ?? null;
  return {
    id: first.listingId,
    partnershipId: first.partnershipId,
    supplierName: first.supplierName,
    title: first.productTitle,
    image: first.images[0] ?? null,
    variants: variants.map((v) => ({
      listingId: v.listingId,
      variantTitle: v.variantTitle,
      sku: v.sku,
      wholesaleCost: v.wholesaleCost,
      price: v.price,
      margin: v.margin,
      marginPercent: v.marginPercent,
      available: v.available,
    })),
    wholesaleCost: range(variants.map((v) => v.wholesaleCost)),
    price: range(variants.map((v) => v.price)),
    margin: range(variants.map((v) => v.margin)),
    marginPercent: percentRange(variants.map((v) => v.marginPercent)),
    readyToApprove: variants.every((v) => v.readyToApprove),
    lastError: problem,
  };
}

interface ProductKey {
  partnershipId: string;
  externalProductId: string;
}

const waitingFrom = (retailerShopId: string) => Prisma.sql`
  FROM "Listing" l
  JOIN "Partnership" p ON p."id" = l."partnershipId"
  JOIN "SourceVariant" sv ON sv."id" = l."sourceVariantId"
  WHERE l."approval" = 'PENDING' AND p."retailerShopId" = ${retailerShopId} AND p."status" = 'ACTIVE' AND sv."deletedAt" IS NULL`;

/** The first `limit` waiting products (partnership, supplier product), oldest offer first. */
function waitingProducts(db: Db, retailerShopId: string, limit: number): Promise<ProductKey[]> {
  return db.$queryRaw<ProductKey[]>`
    SELECT l."partnershipId", sv."externalProductId" ${waitingFrom(retailerShopId)}
    GROUP BY l."partnershipId", sv."externalProductId"
    ORDER BY MIN(l."createdAt"), l."partnershipId", sv."externalProductId"
    LIMIT ${limit}`;
}

/** How many products wait for this retailer's approval (the home screen's line). */
export async function countProductsAwaitingApproval(db: Db, retailerShopId: string): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ total: bigint }>>`
    SELECT COUNT(DISTINCT (l."partnershipId", sv."externalProductId")) AS "total" ${waitingFrom(retailerShopId)}`;
  return Number(row?.total ?? 0);
}

/** The first page of products waiting for the shop's approval, each with its variants. */
export async function loadApprovalsScreen(db: Db, shopDomain: string, options: { limit?: number } = {}): Promise<ApprovalsScreen> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return { products: [], total: 0 };
  const keys = await waitingProducts(db, shop.id, options.limit ?? APPROVALS_PAGE);
  if (keys.length === 0) return { products: [], total: 0 };
  const total = await countProductsAwaitingApproval(db, shop.id);
  const listings = await db.listing.findMany({
    where: { ...waiting(shop.id), OR: keys.map((k) => ({ partnershipId: k.partnershipId, sourceVariant: { externalProductId: k.externalProductId } })) },
    include: { sourceVariant: true, partnership: { include: { supplier: true } } },
    // Source variants are recorded in the supplier's variant order, and their cuids ascend.
    orderBy: [{ createdAt: 'asc' }, { sourceVariantId: 'asc' }],
  });
  const byProduct = new Map(keys.map((k) => [`${k.partnershipId} ${k.externalProductId}`, [] as PendingApproval[]]));
  for (const l of listings) byProduct.get(`${l.partnershipId} ${l.sourceVariant.externalProductId}`)?.push(toPendingApproval(l));
  const products = [...byProduct.values()].filter((v) => v.length > 0).map(toPendingProduct);
  return { products, total };
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

/** A platform's refusal in the merchant's words: the connector's own, else what the platform answered. */
function refusalWords(err: ConnectorError, platform: string): string {
  if (err.options.merchantMessage) return err.options.merchantMessage;
  const answers = (Array.isArray(err.details) ? err.details : [])
    .map((d: unknown) => (d && typeof d === 'object' && 'message' in d ? String(d.message) : ''))
    .filter(Boolean);
  return answers.length ? `${platform} answered: ${answers.join('; ')}.` : err.message;
}

/**
 * Publishes each listed product at the retailer and marks its listings APPROVED. Listings of other
 * shops are ignored; ones already approved are left as they are; rejected ones and a product that
 * cannot be published are reported in `failed` (the latter stays PENDING).
 */
export async function approveListings(ctx: SyncContext, retailerShopId: string, listingIds: string[]): Promise<ApprovalResult> {
  const listings = await ownListings(ctx.db, retailerShopId, listingIds);
  const result: ApprovalResult = { approved: [], failed: [] };
  const pending = listings.filter((l) => l.approval === 'PENDING');
  result.approved.push(...listings.filter((l) => l.approval === 'APPROVED').map((l) => l.id));
  // A rejection is final (the variant is never offered again): a stale screen must not publish it.
  for (const l of listings.filter((l) => l.approval === 'REJECTED')) {
    result.failed.push({ listingId: l.id, message: `"${l.sourceVariant.productTitle}" was rejected, so it stays unpublished and is not offered again.` });
  }

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
        const reason = refusalWords(err, getConnector(target.platform).manifest.name);
        for (const l of listings) result.failed.push({ listingId: l.id, message: `"${l.sourceVariant.productTitle}" could not be published in your store. ${reason}` });
        await ctx.db.listing.updateMany({ where: { id: { in: listings.map((l) => l.id) } }, data: { lastError: reason } });
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

// ---------------------------------------------------------------------------------------------
// Approve or Reject on the Approvals screen.

/** Products one click may approve or reject (the screen shows fewer). */
export const APPROVAL_BATCH = 250;

/** What the Approvals screen posts: the action and the chosen products, by their row ids. */
export const ApprovalDecision = z.object({
  intent: z.enum(['approve', 'reject'], { message: 'Choose Approve or Reject' }),
  listingIds: z
    .string({ message: 'Choose at least one product' })
    .transform((text) => [...new Set(text.split(',').map((id) => id.trim()).filter(Boolean))])
    .pipe(
      z
        // Listing ids are cuids or, when planned in SQL, "l" and 32 hex digits.
        .array(z.string().regex(/^[a-z0-9]{20,40}$/, 'Not a product from the approvals list'))
        .min(1, 'Choose at least one product')
        .max(APPROVAL_BATCH, `Choose at most ${APPROVAL_BATCH} products at a time`),
    ),
});
export type ApprovalDecision = z.output<typeof ApprovalDecision>;

/** None of the chosen rows is the shop's (another shop's id answers exactly like an unknown one). */
export class ApprovalRefused extends Error {
  readonly name = 'ApprovalRefused';
  readonly code = 'not_found';
}

export interface ApprovalOutcome {
  intent: 'approve' | 'reject';
  /** Titles of the products approved (and published) or rejected. */
  done: string[];
  /** Products left as they were, each with the reason naming it. */
  failed: Array<{ title: string; message: string }>;
  /** The toast: "2 products approved and published", "1 product rejected, 1 could not be". */
  message: string;
}

const products = (n: number) => `${n} product${n === 1 ? '' : 's'}`;

function outcomeMessage(intent: ApprovalDecision['intent'], done: number, failed: number): string {
  const verb = intent === 'approve' ? 'approved and published' : 'rejected';
  if (done === 0) return `${failed === 1 ? 'The product' : `${products(failed)}`} could not be ${intent === 'approve' ? 'approved' : 'rejected'}`;
  return failed === 0 ? `${products(done)} ${verb}` : `${products(done)} ${verb}, ${failed} could not be`;
}

/**
 * Approves (publishes) or rejects the chosen products for the retailer `shopDomain`. Each chosen
 * row stands for its whole product, so every variant of it is decided together. Rows of other
 * shops are ignored; if none is the shop's, ApprovalRefused. A platform that stops answering part
 * way leaves the products published so far approved and names the rest with its reason.
 */
export async function decideApprovals(ctx: SyncContext, shopDomain: string, decision: ApprovalDecision): Promise<ApprovalOutcome> {
  const { db } = ctx;
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  const chosen = shop
    ? await db.listing.findMany({
        where: { id: { in: decision.listingIds }, partnership: { retailerShopId: shop.id } },
        select: { partnershipId: true, sourceVariant: { select: { externalProductId: true, productTitle: true } } },
      })
    : [];
  if (!shop || chosen.length === 0) throw new ApprovalRefused('None of the chosen products waits for your approval.');

  const keys = new Map(chosen.map((c) => [`${c.partnershipId} ${c.sourceVariant.externalProductId}`, { partnershipId: c.partnershipId, externalProductId: c.sourceVariant.externalProductId, title: c.sourceVariant.productTitle }]));
  const listings = await db.listing.findMany({
    where: { partnership: { retailerShopId: shop.id }, sourceVariant: { deletedAt: null }, OR: [...keys.values()].map((k) => ({ partnershipId: k.partnershipId, sourceVariant: { externalProductId: k.externalProductId } })) },
    select: { id: true, partnershipId: true, sourceVariant: { select: { externalProductId: true } } },
  });
  const ids = listings.map((l) => l.id);
  const reasons = new Map<string, string>();
  let stopped: ConnectorError | null = null;
  if (decision.intent === 'approve') {
    try {
      for (const f of (await approveListings(ctx, shop.id, ids)).failed) reasons.set(f.listingId, f.message);
    } catch (err) {
      // Unavailable, rate limited, expired access: the products not published yet carry its reason.
      if (!(err instanceof ConnectorError)) throw err;
      stopped = err;
    }
  } else {
    await rejectListings(db, shop.id, ids);
  }

  const state = new Map((await db.listing.findMany({ where: { id: { in: ids } }, select: { id: true, approval: true } })).map((l) => [l.id, l.approval]));
  const outcome: ApprovalOutcome = { intent: decision.intent, done: [], failed: [], message: '' };
  for (const [key, product] of keys) {
    const own = listings.filter((l) => `${l.partnershipId} ${l.sourceVariant.externalProductId}` === key).map((l) => l.id);
    const states = own.map((id) => state.get(id));
    if (decision.intent === 'approve') {
      if (states.length > 0 && states.every((s) => s === 'APPROVED')) {
        outcome.done.push(product.title);
        continue;
      }
      const reason = own.map((id) => reasons.get(id)).find(Boolean) ?? (stopped ? `"${product.title}": ${stopped.merchantMessage}` : `"${product.title}" no longer waits for approval.`);
      outcome.failed.push({ title: product.title, message: reason });
    } else if (states.includes('REJECTED') && !states.includes('PENDING')) {
      outcome.done.push(product.title);
    } else {
      const reason = states.includes('APPROVED')
        ? `"${product.title}" is already approved and published. To stop selling it, unpublish it in your store.`
        : `"${product.title}" no longer waits for approval.`;
      outcome.failed.push({ title: product.title, message: reason });
    }
  }
  outcome.message = outcomeMessage(decision.intent, outcome.done.length, outcome.failed.length);
  return outcome;
}
