// Forwarded orders posted on to the supplier's system of record: the supplier's connection whose
// purposes include system_of_record (a WooCommerce, BigCommerce or Lightspeed store it keeps its
// books in, say). Exactly once, as forwarding is: under the OrderLink's row lock, the order is
// created with a reference derived from the row, which the connector looks up before it creates,
// so a retry after a crash or a lost answer finds the earlier order. The lines are the supplier
// order's own (what was actually ordered, at wholesale), read back from the supplier's platform.
import { requireCapability } from '../../connectors/sdk/connector.ts';
import { ConnectorError, NotFound } from '../../connectors/sdk/errors.ts';
import type { OrderCreateInput, Sku, TandemOrder } from '../../connectors/sdk/types.ts';
import { getConnector } from '../../connectors/index.ts';
import { Prisma } from '../db.server.ts';
import type { Connection, OrderLink, OrderState, Partnership, Shop } from '../generated/prisma/client.ts';
import { raiseAndEmailAlert } from './alert-email.server.ts';
import { resolveAlert } from './alerts.server.ts';
import { connectionFor, type SyncContext } from './connections.server.ts';
import { buyerOf, customerEvent, customerForSale } from './customers.server.ts';
import { sourceConnectionOf } from './listings.server.ts';
import { OrderContent } from './order-diagnosis.server.ts';
import { TANDEM_ORDER_REFERENCE_PREFIX } from './oversell.server.ts';

/** Forwarded orders not yet in the system of record; shipping states keep their state when posted. */
export const POSTABLE: readonly OrderState[] = ['FORWARDED', 'NEEDS_MANUAL_POSTING', 'PARTIALLY_FULFILLED', 'FULFILLED'];
/** States a successful post moves to POSTED (a shipped order stays shipped). */
const BEFORE_POSTED: ReadonlySet<OrderState> = new Set(['FORWARDED', 'NEEDS_MANUAL_POSTING']);

/** The reference the system-of-record order carries; the oversell guard's prefix keeps its webhook from counting as a sale. */
export function systemOfRecordReference(orderLinkId: string): string {
  return `${TANDEM_ORDER_REFERENCE_PREFIX}sor-${orderLinkId}`;
}

/** Stable per order, raised at the supplier (the system of record is the supplier's). */
export function postingFailedKey(orderLinkId: string): string {
  return `order-posting_${orderLinkId}`;
}

export type PostResult =
  | { outcome: 'posted'; systemOfRecordId: string; customerCreated: boolean }
  | { outcome: 'already' }
  | { outcome: 'manual' }
  | { outcome: 'refused' };

type LoadedPartnership = Partnership & { supplier: Shop; retailer: Shop };

interface Problem {
  state: OrderState;
  reason: 'UNSUPPORTED_PLATFORM' | 'PLATFORM_ERROR';
  severity: 'WARNING';
  title: string;
  message: string;
  fix: string;
  detail: Record<string, unknown>;
}

/** The supplier's system of record, when it has one connected. */
export function systemOfRecordOf(ctx: SyncContext, partnership: Partnership): Promise<Connection | null> {
  return connectionFor(ctx.db, partnership.supplierShopId, 'system_of_record');
}

/**
 * Posts one forwarded order to the supplier's system of record `sor`, at most once. A platform that
 * cannot receive orders leaves it NEEDS_MANUAL_POSTING; a refusal keeps the order FORWARDED with
 * the platform's words on it; both alert the supplier, and the alert clears once the post goes
 * through. Other errors (platform down, rate limits) reach the job layer, which retries.
 */
export async function postToSystemOfRecord(ctx: SyncContext, orderLinkId: string, sor: Connection, partnership: LoadedPartnership, forwardReference: string): Promise<PostResult> {
  const link = await ctx.db.orderLink.findUniqueOrThrow({ where: { id: orderLinkId } });
  if (!link.supplierOrderId || link.systemOfRecordId || !POSTABLE.includes(link.state)) return { outcome: 'already' };
  const supplierName = partnership.supplier.name ?? partnership.supplier.domain;
  const platform = getConnector(sor.platform).manifest.name;
  const content = OrderContent.parse(link.content);
  const source = await sourceConnectionOf(ctx.db, partnership);

  // The supplier's own store is its system of record: the forwarded order is already there.
  if (source.id === sor.id) {
    return record(ctx, link, partnership, { systemOfRecordId: link.supplierOrderId, message: `Already in ${supplierName}'s system of record (${platform}) as the forwarded order ${link.supplierOrderId}.` });
  }

  const connector = await ctx.connectorFor(sor);
  if (!connector.capabilities.has('orders.write')) {
    return fail(ctx, link, partnership, {
      state: link.state === 'FORWARDED' ? 'NEEDS_MANUAL_POSTING' : link.state,
      reason: 'UNSUPPORTED_PLATFORM',
      severity: 'WARNING',
      title: `Order ${content.name} queued for manual posting`,
      message: `${supplierName}'s system of record (${platform}) cannot receive orders, so order ${content.name} from ${shopName(partnership.retailer)}, forwarded to ${supplierName} as ${link.supplierOrderId}, is queued for manual posting: ${content.lineItems.map((l) => `${l.quantity} × ${l.sku ?? l.title}`).join(', ')}.`,
      fix: `Enter order ${content.name} in ${platform} by hand, or mark a connection that can receive orders as the system of record in Connectors; Tandem then posts the next ones itself.`,
      detail: { stage: 'system_of_record', platform: sor.platform },
    });
  }

  const supplierOrder = await requireCapability(await ctx.connectorFor(source), 'orders.read').findOrderByReference(forwardReference);
  if (!supplierOrder) {
    throw NotFound(`The supplier order ${link.supplierOrderId} of order ${content.name} was not found by its reference ${forwardReference}`, {
      merchantMessage: `Tandem could not read back order ${link.supplierOrderId} at ${supplierName} to post it to ${platform}. Check the order still exists there.`,
    });
  }
  const writer = requireCapability(connector, 'orders.write');
  const buyer = buyerOf(partnership.retailer);

  const result = await ctx.db.$transaction(
    async (tx) => {
      const [locked] = await tx.$queryRaw<Pick<OrderLink, 'state' | 'systemOfRecordId' | 'failureReason'>[]>`
        SELECT state, "systemOfRecordId", "failureReason" FROM "OrderLink" WHERE id = ${orderLinkId} FOR UPDATE`;
      if (!locked || locked.systemOfRecordId || !POSTABLE.includes(locked.state)) return { outcome: 'already' } as const;
      const customer = await customerForSale(ctx, sor, connector, buyer, 'orders.write');
      const customerNote = customerEvent(customer, buyer, platform, 'orders.write');
      if (customerNote) await tx.orderEvent.create({ data: { orderLinkId, state: locked.state, message: customerNote, at: ctx.now() } });
      let created: TandemOrder;
      try {
        created = await writer.createOrder(systemOfRecordInput(orderLinkId, content, supplierOrder, partnership, customer?.externalCustomerId ?? null));
      } catch (err) {
        // Refused: retrying the same order would be refused again until someone fixes its cause.
        if (!(err instanceof ConnectorError) || !['invalid', 'conflict', 'not_found'].includes(err.code)) throw err;
        const problem: Problem = {
          state: locked.state,
          reason: 'PLATFORM_ERROR',
          severity: 'WARNING',
          title: `${platform} refused order ${content.name}`,
          message: `${supplierName}'s system of record (${platform}) refused order ${content.name} (forwarded to ${supplierName} as ${link.supplierOrderId}): ${err.merchantMessage ?? err.message}`,
          fix: `Fix what ${platform} names above, then press Retry in Activity (Tandem also posts the order on the next order sync).`,
          detail: { stage: 'system_of_record', platform: sor.platform, code: err.code, message: err.merchantMessage ?? err.message },
        };
        await tx.orderLink.update({ where: { id: orderLinkId }, data: { failureReason: problem.reason, failureDetail: problem.detail as object } });
        if (locked.failureReason !== problem.reason) await tx.orderEvent.create({ data: { orderLinkId, state: locked.state, message: `${problem.message} ${problem.fix}`, at: ctx.now() } });
        return { outcome: 'refused', problem } as const;
      }
      const state: OrderState = BEFORE_POSTED.has(locked.state) ? 'POSTED' : locked.state;
      await tx.orderLink.update({ where: { id: orderLinkId }, data: { state, systemOfRecordId: created.externalId, failureReason: null, failureDetail: Prisma.DbNull } });
      await tx.orderEvent.create({ data: { orderLinkId, state, message: `Posted to ${supplierName}'s system of record (${platform}) as order ${created.name} (${created.externalId}).`, at: ctx.now() } });
      return { outcome: 'posted', systemOfRecordId: created.externalId, customerCreated: customer?.how === 'created' } as const;
    },
    // One look-up and one create at the platform (plus a customer's): give it time, not forever.
    { timeout: 60_000, maxWait: 30_000 },
  );

  if (result.outcome === 'refused') {
    await alert(ctx, partnership, orderLinkId, result.problem);
    return { outcome: 'refused' };
  }
  if (result.outcome === 'posted') await resolveAlert(ctx.db, partnership.supplierShopId, postingFailedKey(orderLinkId), ctx.now());
  return result;
}

/** The system-of-record order: the supplier order's lines by SKU (ids differ between platforms), the retailer as buyer. */
function systemOfRecordInput(orderLinkId: string, content: OrderContent, supplierOrder: TandemOrder, partnership: LoadedPartnership, customerId: string | null): OrderCreateInput {
  const buyer = buyerOf(partnership.retailer);
  return {
    externalReference: systemOfRecordReference(orderLinkId),
    currency: supplierOrder.currency,
    lineItems: supplierOrder.lineItems
      .filter((l): l is typeof l & { sku: Sku } => l.sku !== null)
      .map((l) => ({ sku: l.sku, title: l.title, quantity: l.quantity, price: l.price, variantExternalId: null })),
    shippingAddress: content.shippingAddress,
    customer: { email: buyer.email, accountId: buyer.accountId, externalId: customerId },
    tags: ['tandem'],
    note: `Order ${content.name} from ${shopName(partnership.retailer)}, forwarded to ${shopName(partnership.supplier)} as ${supplierOrder.name}, posted by Tandem.`,
    poNumber: content.name,
  };
}

async function record(ctx: SyncContext, link: OrderLink, partnership: LoadedPartnership, posted: { systemOfRecordId: string; message: string }): Promise<PostResult> {
  const state: OrderState = BEFORE_POSTED.has(link.state) ? 'POSTED' : link.state;
  const moved = await ctx.db.orderLink.updateMany({ where: { id: link.id, systemOfRecordId: null }, data: { state, systemOfRecordId: posted.systemOfRecordId, failureReason: null, failureDetail: Prisma.DbNull } });
  if (moved.count === 0) return { outcome: 'already' };
  await ctx.db.orderEvent.create({ data: { orderLinkId: link.id, state, message: posted.message, at: ctx.now() } });
  await resolveAlert(ctx.db, partnership.supplierShopId, postingFailedKey(link.id), ctx.now());
  return { outcome: 'posted', systemOfRecordId: posted.systemOfRecordId, customerCreated: false };
}

async function fail(ctx: SyncContext, link: OrderLink, partnership: LoadedPartnership, problem: Problem): Promise<PostResult> {
  const moved = await ctx.db.orderLink.updateMany({
    where: { id: link.id, systemOfRecordId: null },
    data: { state: problem.state, failureReason: problem.reason, failureDetail: { ...problem.detail, message: problem.message, fix: problem.fix } },
  });
  if (moved.count === 0) return { outcome: 'already' };
  // One event per new cause, not one per hourly retry.
  if (link.state !== problem.state || link.failureReason !== problem.reason) {
    await ctx.db.orderEvent.create({ data: { orderLinkId: link.id, state: problem.state, message: `${problem.title}. ${problem.fix}`, at: ctx.now() } });
  }
  await alert(ctx, partnership, link.id, problem);
  return { outcome: 'manual' };
}

async function alert(ctx: SyncContext, partnership: LoadedPartnership, orderLinkId: string, problem: Problem) {
  await raiseAndEmailAlert(ctx.db, ctx.mailer, {
    shopId: partnership.supplierShopId,
    key: postingFailedKey(orderLinkId),
    severity: problem.severity,
    title: problem.title,
    message: problem.message,
    fix: problem.fix,
    subject: { partnershipId: partnership.id, orderLinkId },
  });
}

function shopName(shop: Shop): string {
  return shop.name ?? shop.domain;
}
