// Retailer orders to their supplier, exactly once (DESIGN.md "Exactly-once order forwarding").
// The OrderLink row per (partnership, retailer order) is written before any supplier call; the
// forward runs under that row's lock and creates the supplier order with a reference derived from
// the row, which the connector looks up first. A crash between the create and the record, then a
// retry, finds the earlier supplier order instead of placing a second one. A forwarded order then
// goes on to the supplier's system of record (system-of-record.server.ts) and, as an invoice, to
// its accounting system (invoices.server.ts), each exactly once in the same way.
import { getConnector } from '../../connectors/index.ts';
import { requireCapability } from '../../connectors/sdk/connector.ts';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import type { OrderCreateInput, Sku, TandemOrder } from '../../connectors/sdk/types.ts';
import { Prisma, type Db } from '../db.server.ts';
import type { OrderLink, OrderState, Partnership, Shop } from '../generated/prisma/client.ts';
import { raiseAndEmailAlert } from './alert-email.server.ts';
import { resolveAlert } from './alerts.server.ts';
import type { SyncContext } from './connections.server.ts';
import { contentHash } from './content-hash.ts';
import { buyerOf, customerEvent, customerForSale } from './customers.server.ts';
import { accountingConnectionOf, invoiceContentOf, postDueInvoices, recordInvoiceIntent } from './invoices.server.ts';
import { sourceConnectionOf, targetConnectionOf } from './listings.server.ts';
import { diagnoseOrder, loadSupplierVariants, OrderContent, type OrderProblem, type ReadyLine } from './order-diagnosis.server.ts';
import { TANDEM_ORDER_REFERENCE_PREFIX } from './oversell.server.ts';
import { consumeReservation, orderKeyOf } from './reservations.server.ts';
import { processStockLock } from './stock-context.server.ts';
import { POSTABLE, postToSystemOfRecord, systemOfRecordOf } from './system-of-record.server.ts';
import { wholesaleLinesOf, wholesaleTotal } from './wholesale.ts';

/** Re-read orders stamped shortly before the last watermark: platforms stamp updates out of order. */
export const ORDER_LOOKBACK_MS = 2 * 60_000;

/** States in which an order may not have reached the supplier yet (and may be tried again). */
const NOT_FORWARDED: ReadonlySet<OrderState> = new Set(['RECEIVED', 'FAILED', 'NEEDS_MANUAL_POSTING']);

/**
 * Not at the supplier yet. NEEDS_MANUAL_POSTING is also the state of a forwarded order its system
 * of record cannot take, so the supplier order id decides.
 */
function awaitingSupplier(link: Pick<OrderLink, 'state' | 'supplierOrderId'>): boolean {
  return NOT_FORWARDED.has(link.state) && link.supplierOrderId === null;
}

/**
 * The reference the supplier order carries. It starts with the oversell guard's prefix, so the
 * supplier's orders/create webhook for it is not taken for a new sale.
 */
export function forwardReference(orderLinkId: string): string {
  return `${TANDEM_ORDER_REFERENCE_PREFIX}order-${orderLinkId}`;
}

/** Stable per order, raised at both shops of the partnership. */
export function orderFailedKey(orderLinkId: string): string {
  return `order-failed_${orderLinkId}`;
}

export function ordersStream(partnershipId: string): string {
  return `orders.pull_${partnershipId}`;
}

export interface OrderPullResult {
  /** Orders the retailer's platform returned. */
  pulled: number;
  /** Of those, orders with at least one line of this supplier. */
  kept: number;
  created: number;
  updated: number;
  forwarded: number;
  failed: number;
  /** Posted on to the supplier's system of record. */
  posted: number;
  /** Queued for manual posting because the system of record cannot receive orders. */
  needsManualPosting: number;
  /** Refused by the system of record (alerted, tried again next pull). */
  postingRefused: number;
  /** Customers Tandem created because the platform written to needs one. */
  customersCreated: number;
  invoicesPosted: number;
  invoicesRetrying: number;
  invoicesGaveUp: number;
}

export type ForwardResult =
  | { outcome: 'forwarded'; supplierOrderId: string; customerCreated: boolean }
  | { outcome: 'already'; state: OrderState }
  | { outcome: 'failed'; state: OrderState; reason: OrderProblem['reason'] };

type LoadedPartnership = Partnership & { supplier: Shop; retailer: Shop };

/**
 * orders.pull (hourly and on the retailer's orders webhooks): pages the retailer's orders changed
 * since the checkpoint, keeps Tandem's copy of those with a line of this supplier, then forwards
 * every order of the partnership that has not reached the supplier yet (new ones and earlier
 * failures, which go through once their cause is fixed).
 */
export async function pullRetailerOrders(ctx: SyncContext, partnershipId: string): Promise<OrderPullResult> {
  const result: OrderPullResult = {
    pulled: 0,
    kept: 0,
    created: 0,
    updated: 0,
    forwarded: 0,
    failed: 0,
    posted: 0,
    needsManualPosting: 0,
    postingRefused: 0,
    customersCreated: 0,
    invoicesPosted: 0,
    invoicesRetrying: 0,
    invoicesGaveUp: 0,
  };
  const partnership = await ctx.db.partnership.findUniqueOrThrow({ where: { id: partnershipId }, include: { supplier: true, retailer: true } });
  if (partnership.status !== 'ACTIVE') return result;

  const retailerConnection = await targetConnectionOf(ctx.db, partnership);
  const reader = requireCapability(await ctx.connectorFor(retailerConnection), 'orders.read');
  const stream = ordersStream(partnershipId);
  let { version, cursor } = await loadCursor(ctx.db, retailerConnection.id, stream);
  const supplierLine = await supplierLineTest(ctx.db, partnershipId);

  for (;;) {
    ctx.signal?.throwIfAborted();
    // The first pass starts when the partnership began: older sales were never the supplier's to ship.
    const from = cursor.watermark ? new Date(cursor.watermark) : (partnership.acceptedAt ?? partnership.createdAt);
    const since = new Date(from.getTime() - ORDER_LOOKBACK_MS);
    const page = await reader.listChangedOrders(cursor.page ? { cursor: cursor.page } : { since });
    result.pulled += page.items.length;
    let newest: string | null = null;
    for (const order of page.items) {
      newest = maxIso(newest, order.updatedAt.toISOString());
      // An order Tandem placed (this shop is also a supplier) is not a retailer sale to forward.
      if (order.externalReference?.startsWith(TANDEM_ORDER_REFERENCE_PREFIX)) continue;
      const lines = order.lineItems.filter(supplierLine);
      if (lines.length === 0) continue;
      result.kept++;
      const change = await recordRetailerOrder(ctx, partnership, order, lines);
      if (change !== 'unchanged') result[change]++;
    }
    // Saved after the page's orders are recorded: a crash re-reads the page, never skips it. The
    // watermark moves only when a pass ends, so an interrupted pass is resumed, not cut short.
    const seen = maxIso(cursor.pageWatermark, newest);
    cursor = page.nextCursor ? { watermark: cursor.watermark, page: page.nextCursor, pageWatermark: seen } : { watermark: maxIso(cursor.watermark, seen), page: null, pageWatermark: null };
    version = await saveCursor(ctx.db, retailerConnection.id, stream, version, cursor);
    if (!page.nextCursor) break;
  }

  const waiting = await ctx.db.orderLink.findMany({
    where: { partnershipId, state: { in: [...NOT_FORWARDED] }, supplierOrderId: null },
    select: { id: true },
    orderBy: { retailerCreatedAt: 'asc' },
  });
  for (const { id } of waiting) {
    const forwarded = await forwardOrder(ctx, id, partnership);
    if (forwarded.outcome === 'forwarded') result.forwarded++;
    if (forwarded.outcome === 'forwarded' && forwarded.customerCreated) result.customersCreated++;
    if (forwarded.outcome === 'failed') result.failed++;
  }

  const sor = await systemOfRecordOf(ctx, partnership);
  if (sor) {
    const unposted = await ctx.db.orderLink.findMany({
      where: { partnershipId, supplierOrderId: { not: null }, systemOfRecordId: null, state: { in: [...POSTABLE] } },
      select: { id: true },
      orderBy: { forwardedAt: 'asc' },
    });
    for (const { id } of unposted) {
      ctx.signal?.throwIfAborted();
      const posted = await postToSystemOfRecord(ctx, id, sor, partnership, forwardReference(id));
      if (posted.outcome === 'posted') result.posted++;
      if (posted.outcome === 'posted' && posted.customerCreated) result.customersCreated++;
      if (posted.outcome === 'manual') result.needsManualPosting++;
      if (posted.outcome === 'refused') result.postingRefused++;
    }
  }

  // The invoices of orders forwarded above go out now; earlier ones that wait for a retry, when due.
  const invoices = await postDueInvoices(ctx, { partnershipId });
  result.invoicesPosted += invoices.posted + invoices.found;
  result.invoicesRetrying += invoices.retrying;
  result.invoicesGaveUp += invoices.gaveUp;
  result.customersCreated += invoices.customersCreated;
  return result;
}

/**
 * The retailer's partnerships an order belongs to: those with a listing the order sold, by the
 * retailer's variant id or SKU (the orders/create webhook's lines). Used to pull and forward the
 * order at once instead of waiting for the hourly pull.
 */
export async function partnershipsSellingLines(db: Db, retailerShopId: string, lines: { sku: string | null; variantExternalId: string | null }[]): Promise<{ id: string }[]> {
  const variantIds = lines.map((l) => l.variantExternalId).filter((v): v is string => v !== null);
  const skus = lines.map((l) => l.sku).filter((s): s is string => s !== null && s !== '');
  if (variantIds.length === 0 && skus.length === 0) return [];
  return db.partnership.findMany({
    where: {
      retailerShopId,
      status: 'ACTIVE',
      listings: { some: { OR: [{ partnerVariantId: { in: variantIds } }, { partnerSku: { in: skus } }] } },
    },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
  });
}

/**
 * The retailer's live partnerships that hold a copy of the order: an edit or cancellation must
 * reach them even when it changed the lines that tied the order to their listings.
 */
export async function partnershipsHoldingOrder(db: Db, retailerShopId: string, retailerOrderId: string): Promise<{ id: string }[]> {
  return db.partnership.findMany({
    where: { retailerShopId, status: 'ACTIVE', orderLinks: { some: { retailerOrderId } } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
  });
}

/** Lines this supplier ships: the retailer variant Tandem listed, or its SKU. */
async function supplierLineTest(db: Db, partnershipId: string) {
  const listings = await db.listing.findMany({ where: { partnershipId }, select: { partnerVariantId: true, partnerSku: true } });
  const variantIds = new Set(listings.map((l) => l.partnerVariantId).filter((x): x is string => x !== null));
  const skus = new Set(listings.map((l) => l.partnerSku).filter((x): x is string => x !== null));
  return (line: TandemOrder['lineItems'][number]) => (line.variantExternalId !== null && variantIds.has(line.variantExternalId)) || (line.sku !== null && skus.has(line.sku));
}

/** Tandem's copy of the supplier's part of a retailer order. */
export function orderContentOf(order: TandemOrder, lines: TandemOrder['lineItems']): OrderContent {
  return {
    name: order.name,
    createdAt: order.createdAt.toISOString(),
    cancelledAt: order.cancelledAt?.toISOString() ?? null,
    currency: order.currency,
    lineItems: lines.map((l) => ({ externalId: l.externalId, sku: l.sku, title: l.title, quantity: l.quantity, price: l.price, variantExternalId: l.variantExternalId })),
    shippingAddress: order.shippingAddress,
    customer: { email: order.customer.email, accountId: order.customer.accountId },
    tags: order.tags,
  };
}

function retailTotal(content: OrderContent): string {
  const cents = content.lineItems.reduce((sum, l) => sum + Math.round(Number(l.price) * 100) * l.quantity, 0);
  return (cents / 100).toFixed(2);
}

/**
 * Upserts the OrderLink. The retailer is the source of truth: a changed order replaces Tandem's
 * copy and leaves an OrderEvent, whatever state the order is in.
 */
async function recordRetailerOrder(ctx: SyncContext, partnership: Partnership, order: TandemOrder, lines: TandemOrder['lineItems']): Promise<'created' | 'updated' | 'unchanged'> {
  const partnershipId = partnership.id;
  const content = orderContentOf(order, lines);
  const hash = contentHash(content);
  const data = { retailerOrderName: order.name, content, contentHash: hash, totalAmount: retailTotal(content), currency: order.currency };
  const [inserted] = await ctx.db.orderLink.createManyAndReturn({
    data: [{ partnershipId, retailerOrderId: order.externalId, retailerCreatedAt: order.createdAt, state: content.cancelledAt ? 'CANCELLED' : 'RECEIVED', ...data }],
    skipDuplicates: true,
  });
  if (inserted) {
    await ctx.db.orderEvent.create({ data: { orderLinkId: inserted.id, state: inserted.state, message: `Received order ${order.name} from the retailer (${lines.length} line${lines.length === 1 ? '' : 's'} for this supplier).`, at: ctx.now() } });
    return 'created';
  }
  const change = await ctx.db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<Pick<OrderLink, 'id' | 'state' | 'contentHash' | 'supplierOrderId'>[]>`
      SELECT id, state, "contentHash", "supplierOrderId" FROM "OrderLink" WHERE "partnershipId" = ${partnershipId} AND "retailerOrderId" = ${order.externalId} FOR UPDATE`;
    if (!row || row.contentHash === hash) return 'unchanged' as const;
    const cancelled = content.cancelledAt !== null && awaitingSupplier(row);
    const state: OrderState = cancelled ? 'CANCELLED' : row.state;
    await tx.orderLink.update({ where: { id: row.id }, data: { ...data, state } });
    const message = cancelled
      ? `The retailer cancelled order ${order.name} before it reached the supplier; it will not be sent.`
      : awaitingSupplier(row)
        ? `The retailer changed order ${order.name}; Tandem's copy now follows it.`
        : `The retailer changed order ${order.name} after it was sent to the supplier; Tandem's copy now follows it, the supplier's order is unchanged.`;
    await tx.orderEvent.create({ data: { orderLinkId: row.id, state, message, at: ctx.now() } });
    return { id: row.id, cancelled };
  });
  if (change === 'unchanged') return change;
  // A cancelled order's earlier failure no longer needs anyone's attention.
  if (change.cancelled) await clearFailureAlerts(ctx, partnership, change.id);
  return 'updated';
}

/**
 * Sends one order to its supplier, at most once. Under the OrderLink's row lock: an order already
 * forwarded (or cancelled) is left alone; otherwise it is diagnosed, and either recorded as failed
 * with an alert to both shops, or created at the supplier (looked up by reference first) and
 * recorded as FORWARDED, which also clears an earlier failure alert.
 */
export async function forwardOrder(ctx: SyncContext, orderLinkId: string, loaded?: LoadedPartnership): Promise<ForwardResult> {
  const link = await ctx.db.orderLink.findUniqueOrThrow({ where: { id: orderLinkId } });
  const partnership = loaded ?? (await ctx.db.partnership.findUniqueOrThrow({ where: { id: link.partnershipId }, include: { supplier: true, retailer: true } }));
  if (!awaitingSupplier(link)) {
    await clearFailureAlerts(ctx, partnership, orderLinkId);
    return { outcome: 'already', state: link.state };
  }
  const supplierConnection = await sourceConnectionOf(ctx.db, partnership);
  const connector = await ctx.connectorFor(supplierConnection);
  const supplierName = shopName(partnership.supplier);
  const retailerName = shopName(partnership.retailer);
  const supplierPlatform = getConnector(supplierConnection.platform).manifest.name;
  const accounting = await accountingConnectionOf(ctx, partnership.supplierShopId);
  const buyer = buyerOf(partnership.retailer);
  // The buyer's customer at the supplier is found or created before the row lock: its link commits
  // at once (customerForSale), which a second connection inside the forwarding transaction would do,
  // and embedded PGlite has only one. Only for an order that looks ready, so a failing order creates
  // no customer; a change between here and the lock is caught by the diagnosis under the lock.
  const diagnosisOf = async (db: Db | Prisma.TransactionClient, content: OrderContent) => {
    const skus = [...new Set(content.lineItems.map((l) => l.sku).filter((s): s is string => s !== null))];
    const { variantsBySku, supplierSkus } = await loadSupplierVariants(db, supplierConnection.id, skus);
    return diagnoseOrder({
      order: content,
      supplierName,
      retailerName,
      variantsBySku,
      supplierSkus,
      platform: supplierConnection.platform,
      canCreateOrders: connector.capabilities.has('orders.write'),
    });
  };
  const preview = await diagnosisOf(ctx.db, OrderContent.parse(link.content));
  const customer = preview.ok && connector.capabilities.has('orders.write') ? await customerForSale(ctx, supplierConnection, connector, buyer, 'orders.write') : null;

  // Under the stock lock of the supplier variants it sells, as the oversell guard nets a sale
  // under it: a guard running meanwhile either netted the units first (its hold is consumed below,
  // so the supplier order does not take them again) or finds the order forwarded once it gets the
  // lock and nets nothing. Without it both took the units (chaos suite: webhook-abuse).
  const lockKeys = preview.ok ? preview.lines.map((l) => l.variant.id) : [];
  const result = await (ctx.lock ?? processStockLock)(lockKeys, () => ctx.db.$transaction(
    async (tx) => {
      const [locked] = await tx.$queryRaw<Pick<OrderLink, 'state' | 'failureReason' | 'supplierOrderId'>[]>`
        SELECT state, "failureReason", "supplierOrderId" FROM "OrderLink" WHERE id = ${orderLinkId} FOR UPDATE`;
      if (!locked || !awaitingSupplier(locked)) return { outcome: 'already', state: locked?.state ?? link.state } as const;
      const current = await tx.orderLink.findUniqueOrThrow({ where: { id: orderLinkId } });
      const content = OrderContent.parse(current.content);
      const diagnosis = await diagnosisOf(tx, content);

      const fail = async (problem: OrderProblem) => {
        await tx.orderLink.update({ where: { id: orderLinkId }, data: { state: problem.state, failureReason: problem.reason, failureDetail: problem.detail as object } });
        // One event per new cause, not one per hourly retry.
        if (locked.state !== problem.state || locked.failureReason !== problem.reason) {
          await tx.orderEvent.create({ data: { orderLinkId, state: problem.state, message: `${problem.title}. ${problem.fix}`, at: ctx.now() } });
        }
        return { outcome: 'failed', state: problem.state, reason: problem.reason, problem } as const;
      };
      if (!diagnosis.ok) return fail(diagnosis.problem);

      const writer = requireCapability(connector, 'orders.write');
      const customerNote = customerEvent(customer, buyer, supplierPlatform, 'orders.write');
      if (customerNote) await tx.orderEvent.create({ data: { orderLinkId, state: locked.state, message: customerNote, at: ctx.now() } });
      const held = await consumeReservation(tx, orderKeyOf(partnership.retailer.domain, current.retailerOrderId));
      const input = orderCreateInput(orderLinkId, content, diagnosis.lines, held, partnership.retailer, customer?.externalCustomerId ?? null);
      let created: TandemOrder;
      try {
        created = await writer.createOrder(input);
      } catch (err) {
        // The platform refused this order (a variant gone, stock rules…): nothing was created, and
        // retrying the same input would be refused again. Anything else is retried by the job.
        if (!(err instanceof ConnectorError) || !['invalid', 'conflict', 'not_found'].includes(err.code)) throw err;
        return fail(platformProblem(content.name, supplierName, supplierConnection.platform, err));
      }
      await tx.orderLink.update({
        where: { id: orderLinkId },
        data: {
          state: 'FORWARDED',
          supplierOrderId: created.externalId,
          supplierOrderName: created.name,
          // What billing.daily charges: the supplier order's total, the same lines the invoice bills.
          wholesaleAmount: wholesaleTotal(wholesaleLinesOf(created)),
          forwardedAt: ctx.now(),
          failureReason: null,
          failureDetail: Prisma.DbNull,
        },
      });
      await tx.orderEvent.create({ data: { orderLinkId, state: 'FORWARDED', message: `Sent to ${supplierName} as order ${created.name} (${created.externalId}).`, at: ctx.now() } });
      // The invoice's intent rides with the forward: a forwarded order always has its invoice row.
      if (accounting) {
        const invoice = invoiceContentOf(created, content.name, partnership.retailer, partnership.supplier, ctx.now());
        await recordInvoiceIntent(tx, { orderLinkId, connectionId: accounting.id, content: invoice, at: ctx.now() });
      }
      return { outcome: 'forwarded', supplierOrderId: created.externalId, customerCreated: customer?.how === 'created' } as const;
    },
    // The supplier's create is one HTTP call (plus a lookup): give it time, not forever.
    { timeout: 60_000, maxWait: 30_000 },
  ));

  if (result.outcome === 'failed') {
    for (const shopId of [partnership.retailerShopId, partnership.supplierShopId]) {
      const { problem } = result;
      await raiseAndEmailAlert(ctx.db, ctx.mailer, { shopId, key: orderFailedKey(orderLinkId), severity: problem.severity, title: problem.title, message: problem.message, fix: problem.fix, subject: { partnershipId: partnership.id, orderLinkId } });
    }
    return { outcome: 'failed', state: result.state, reason: result.reason };
  }
  await clearFailureAlerts(ctx, partnership, orderLinkId);
  return result.outcome === 'forwarded' ? result : { outcome: 'already', state: result.state };
}

async function clearFailureAlerts(ctx: SyncContext, partnership: Partnership, orderLinkId: string) {
  for (const shopId of [partnership.retailerShopId, partnership.supplierShopId]) await resolveAlert(ctx.db, shopId, orderFailedKey(orderLinkId), ctx.now());
}

/**
 * The supplier order: wholesale prices from the supplier's ledger. Units the oversell guard already
 * took out of the supplier's stock for this order go as lines without a variant, which the platform
 * does not decrement again; the rest go by variant and take stock normally.
 */
export function orderCreateInput(orderLinkId: string, content: OrderContent, lines: ReadyLine[], held: { sourceVariantId: string; quantity: number }[], retailer: Shop, customerId: string | null = null): OrderCreateInput {
  const heldLeft = new Map(held.map((h) => [h.sourceVariantId, h.quantity]));
  const lineItems: OrderCreateInput['lineItems'] = [];
  for (const { line, variant } of lines) {
    const sku = variant.sku as Sku;
    const price = variant.price.toFixed(2);
    const fromHold = Math.min(line.quantity, heldLeft.get(variant.id) ?? 0);
    heldLeft.set(variant.id, (heldLeft.get(variant.id) ?? 0) - fromHold);
    if (fromHold > 0) lineItems.push({ sku, title: line.title, quantity: fromHold, price, variantExternalId: null });
    if (line.quantity > fromHold) lineItems.push({ sku, title: line.title, quantity: line.quantity - fromHold, price, variantExternalId: variant.externalVariantId });
  }
  return {
    externalReference: forwardReference(orderLinkId),
    currency: content.currency,
    lineItems,
    shippingAddress: content.shippingAddress,
    customer: { email: retailer.email ?? null, accountId: retailer.id, externalId: customerId },
    tags: ['tandem'],
    note: `Order ${content.name} from ${shopName(retailer)}, sent by Tandem.`,
    poNumber: content.name,
  };
}

function platformProblem(orderName: string, supplierName: string, platform: string, err: ConnectorError): OrderProblem {
  return {
    state: 'FAILED',
    reason: 'PLATFORM_ERROR',
    detail: { code: err.code, message: err.message },
    severity: 'WARNING',
    title: `${platform} refused order ${orderName}`,
    message: `${supplierName}'s ${platform} refused order ${orderName}: ${err.merchantMessage ?? err.message}`,
    fix: `Fix what ${platform} names above at ${supplierName}, then press Retry in Activity (Tandem also retries on the next order sync).`,
  };
}

function shopName(shop: Shop): string {
  return shop.name ?? shop.domain;
}

function maxIso(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a > b ? a : b;
}

interface OrdersCursor {
  /** Newest updatedAt of a finished pass: the next pass starts here minus the lookback. */
  watermark: string | null;
  /** The platform's cursor inside an unfinished pass. */
  page: string | null;
  /** Newest updatedAt seen so far in the unfinished pass. */
  pageWatermark: string | null;
}

async function loadCursor(db: Db, connectionId: string, stream: string): Promise<{ version: number; cursor: OrdersCursor }> {
  const row = await db.checkpoint.upsert({ where: { connectionId_stream: { connectionId, stream } }, create: { connectionId, stream }, update: {} });
  const empty: OrdersCursor = { watermark: null, page: null, pageWatermark: null };
  let cursor = empty;
  try {
    cursor = { ...empty, ...(row.cursor ? (JSON.parse(row.cursor) as Partial<OrdersCursor>) : {}) };
  } catch {
    // An unreadable cursor costs one pass over every order, never a skipped one.
  }
  return { version: row.version, cursor };
}

/** Compare-and-swap on `version`: two pulls of one partnership cannot both move the cursor. */
async function saveCursor(db: Db, connectionId: string, stream: string, version: number, cursor: OrdersCursor): Promise<number> {
  const { count } = await db.checkpoint.updateMany({ where: { connectionId, stream, version }, data: { cursor: JSON.stringify(cursor), version: version + 1 } });
  if (count !== 1) throw new Error(`The order checkpoint ${stream} moved under this run (another pull is running); this run stops.`);
  return version + 1;
}
