// Why a retailer order cannot go to its supplier, told so a merchant can act: checked before any
// supplier call, in the order a merchant would fix things (address, SKUs, then the platform).
import { z } from 'zod';
import type { Db, Prisma } from '../db.server.ts';
import type { OrderFailure, OrderState } from '../generated/prisma/client.ts';

const Address = z.object({
  name: z.string().nullable(),
  company: z.string().nullable(),
  address1: z.string().nullable(),
  address2: z.string().nullable(),
  city: z.string().nullable(),
  province: z.string().nullable(),
  provinceCode: z.string().nullable(),
  zip: z.string().nullable(),
  country: z.string().nullable(),
  countryCode: z.string().nullable(),
  phone: z.string().nullable(),
});

/** Tandem's copy of the part of a retailer order one supplier ships (OrderLink.content). */
export const OrderContent = z.object({
  name: z.string(),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
  currency: z.string(),
  lineItems: z.array(
    z.object({
      externalId: z.string().nullable(),
      sku: z.string().nullable(),
      title: z.string(),
      quantity: z.number().int(),
      price: z.string(),
      variantExternalId: z.string().nullable(),
    }),
  ),
  shippingAddress: Address.nullable(),
  customer: z.object({ email: z.string().nullable(), accountId: z.string().nullable() }),
  tags: z.array(z.string()),
});
export type OrderContent = z.infer<typeof OrderContent>;
export type OrderContentLine = OrderContent['lineItems'][number];

/** A supplier variant as the ledger holds it (SourceVariant). */
export interface SupplierVariant {
  id: string;
  sku: string | null;
  externalVariantId: string;
  productTitle: string;
  variantTitle: string | null;
  price: { toFixed(digits: number): string };
}

export interface ReadyLine {
  line: OrderContentLine;
  variant: SupplierVariant;
}

export interface OrderProblem {
  state: Extract<OrderState, 'FAILED' | 'NEEDS_MANUAL_POSTING'>;
  reason: OrderFailure;
  /** Shown on the order's page: the stale SKU and candidates, the conflicting variants… */
  detail: Record<string, unknown>;
  severity: 'INFO' | 'WARNING';
  title: string;
  message: string;
  fix: string;
}

export type Diagnosis = { ok: true; lines: ReadyLine[] } | { ok: false; problem: OrderProblem };

export interface DiagnosisInput {
  order: OrderContent;
  supplierName: string;
  retailerName: string;
  /** The supplier's live variants carrying each SKU on the order. */
  variantsBySku: Map<string, SupplierVariant[]>;
  /** Every SKU the supplier sells: candidates for a SKU that matches nothing. */
  supplierSkus: string[];
  /** The supplier's platform id and whether its connector can create orders. */
  platform: string;
  canCreateOrders: boolean;
}

export function diagnoseOrder(input: DiagnosisInput): Diagnosis {
  const { order, supplierName, retailerName } = input;
  if (!hasShippingAddress(order)) {
    return {
      ok: false,
      problem: {
        state: 'FAILED',
        reason: 'MISSING_SHIPPING_ADDRESS',
        detail: { order: order.name },
        severity: 'INFO',
        title: `Order ${order.name} has no shipping address`,
        message: `${retailerName} order ${order.name} has no shipping address, so Tandem did not send it to ${supplierName}. This is likely a test or in-store order; you may disregard it.`,
        fix: `If it should ship, add a shipping address to order ${order.name} in ${retailerName}'s admin, then press Retry in Activity (Tandem also sends it on the next order sync).`,
      },
    };
  }

  const ready: ReadyLine[] = [];
  const mismatches: { sku: string | null; title: string; candidates: string[] }[] = [];
  const duplicates: { sku: string; variants: { id: string; label: string }[] }[] = [];
  for (const line of order.lineItems) {
    const variants = line.sku ? (input.variantsBySku.get(line.sku) ?? []) : [];
    if (variants.length === 1) ready.push({ line, variant: variants[0]! });
    else if (variants.length === 0) mismatches.push({ sku: line.sku, title: line.title, candidates: line.sku ? similarSkus(line.sku, input.supplierSkus) : [] });
    else duplicates.push({ sku: line.sku!, variants: variants.map((v) => ({ id: v.externalVariantId, label: variantLabel(v) })) });
  }

  if (mismatches.length > 0) {
    const first = mismatches[0]!;
    const described = mismatches
      .map((m) => `${m.sku === null ? `line "${m.title}" has no SKU` : `SKU ${m.sku} ("${m.title}")`}: ${m.candidates.length ? `similar supplier SKUs ${m.candidates.join(', ')}` : 'no similar supplier SKU'}`)
      .join('; ');
    return {
      ok: false,
      problem: {
        state: 'FAILED',
        reason: 'SKU_MISMATCH',
        detail: { lines: mismatches },
        severity: 'WARNING',
        title: `Order ${order.name}: ${first.sku === null ? 'a line has no SKU' : `SKU ${first.sku} not found at ${supplierName}`}`,
        message: `Order ${order.name} from ${retailerName} was not sent to ${supplierName}: no ${supplierName} variant carries ${mismatches.length === 1 ? 'this SKU' : 'these SKUs'} (renamed or removed?). ${described}.`,
        fix: `Give the ${supplierName} variant the SKU the order carries again, then press Retry in Activity (Tandem also retries on the next order sync), or enter the order at ${supplierName} by hand. Then update ${retailerName}'s product to the supplier's current SKU so later orders match.`,
      },
    };
  }

  if (duplicates.length > 0) {
    const first = duplicates[0]!;
    const described = duplicates.map((d) => `SKU ${d.sku} is on ${d.variants.map((v) => v.label).join(' and ')}`).join('; ');
    return {
      ok: false,
      problem: {
        state: 'FAILED',
        reason: 'DUPLICATE_SKU',
        detail: { skus: duplicates },
        severity: 'WARNING',
        title: `Order ${order.name}: SKU ${first.sku} is on ${first.variants.length} ${supplierName} variants`,
        message: `Order ${order.name} from ${retailerName} was not sent to ${supplierName}: Tandem does not guess which variant to order. ${described}.`,
        fix: `Give each of these variants its own SKU in ${supplierName}'s catalog, then press Retry in Activity (Tandem also retries on the next order sync).`,
      },
    };
  }

  if (!input.canCreateOrders) {
    return {
      ok: false,
      problem: {
        state: 'NEEDS_MANUAL_POSTING',
        reason: 'UNSUPPORTED_PLATFORM',
        detail: { platform: input.platform, lines: ready.map((r) => ({ sku: r.line.sku, quantity: r.line.quantity, price: r.variant.price.toFixed(2) })) },
        severity: 'WARNING',
        title: `Order ${order.name} queued for manual posting`,
        message: `${supplierName}'s ${input.platform} connection cannot receive orders, so order ${order.name} from ${retailerName} is queued for manual posting: ${ready.map((r) => `${r.line.quantity} × ${r.line.sku}`).join(', ')}.`,
        fix: `Enter order ${order.name} in ${input.platform} by hand, or connect a platform that can receive orders; Tandem then sends the next ones itself.`,
      },
    };
  }

  return { ok: true, lines: ready };
}

/** A test order or an in-store sale has no address, or an empty one. */
function hasShippingAddress(order: OrderContent): boolean {
  const a = order.shippingAddress;
  return Boolean(a && (a.address1?.trim() || a.city?.trim()) && (a.countryCode?.trim() || a.country?.trim()));
}

function variantLabel(v: SupplierVariant): string {
  return `"${v.productTitle}${v.variantTitle ? ` / ${v.variantTitle}` : ''}" (${v.externalVariantId})`;
}

/**
 * Supplier SKUs a stale SKU was probably renamed to: the same stem (text before the last - or _),
 * one a prefix of the other, or at most two edits away. Closest first, at most `limit`.
 */
export function similarSkus(stale: string, known: string[], limit = 5): string[] {
  const target = stale.toUpperCase();
  const stem = stemOf(target);
  const scored = [...new Set(known)]
    .filter((sku) => sku !== stale)
    .map((sku) => {
      const candidate = sku.toUpperCase();
      const distance = editDistance(target, candidate);
      const related = distance <= 2 || (stem.length >= 2 && stemOf(candidate) === stem) || (Math.min(target.length, candidate.length) >= 3 && (candidate.startsWith(target) || target.startsWith(candidate)));
      return { sku, distance, related };
    })
    .filter((s) => s.related)
    .sort((a, b) => a.distance - b.distance || a.sku.localeCompare(b.sku));
  return scored.slice(0, limit).map((s) => s.sku);
}

function stemOf(sku: string): string {
  const cut = Math.max(sku.lastIndexOf('-'), sku.lastIndexOf('_'));
  return cut > 0 ? sku.slice(0, cut) : sku;
}

/** Levenshtein distance, two rows at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The supplier's live variants for the order's SKUs, and (only when one is missing) all its SKUs.
 * Read inside the forwarding transaction (`tx`): a second connection there would deadlock embedded
 * PGlite and, on PostgreSQL, take two pool connections per forward.
 */
export async function loadSupplierVariants(db: Db | Prisma.TransactionClient, connectionId: string, skus: string[]): Promise<{ variantsBySku: Map<string, SupplierVariant[]>; supplierSkus: string[] }> {
  const rows = await db.sourceVariant.findMany({
    where: { connectionId, sku: { in: skus }, deletedAt: null },
    select: { id: true, sku: true, externalVariantId: true, productTitle: true, variantTitle: true, price: true },
    orderBy: { externalVariantId: 'asc' },
  });
  const variantsBySku = new Map<string, SupplierVariant[]>();
  for (const row of rows) variantsBySku.set(row.sku!, [...(variantsBySku.get(row.sku!) ?? []), row]);
  if (skus.every((s) => variantsBySku.has(s))) return { variantsBySku, supplierSkus: [] };
  const all = await db.sourceVariant.findMany({ where: { connectionId, deletedAt: null, sku: { not: null } }, select: { sku: true }, distinct: ['sku'] });
  return { variantsBySku, supplierSkus: all.map((r) => r.sku!) };
}
