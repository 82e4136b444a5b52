// Invoices for forwarded orders, posted to the supplier's accounting system (its connection with
// the `accounting` purpose that can post invoices: Xero). The supplier invoices the retailer for
// what the supplier order holds, at wholesale.
//
// Exactly once:
//   1. the Invoice row is written in the same transaction that records the order FORWARDED, with
//      what it bills frozen in `content` and an idempotency key derived from the order and the
//      connection;
//   2. each attempt first claims the row (attempts + 1, a lease on nextAttemptAt), so two workers
//      never post it at once, and a worker that dies mid-attempt leaves a trace;
//   3. an attempt after an earlier one looks the invoice up by its reference before posting again
//      (Xero keeps idempotency keys for a limited time), and each attempt posts with its own
//      Idempotency-Key (`<row key>:<attempt>`): a replay covers a lost answer inside the attempt,
//      while a later attempt is not handed back an earlier attempt's refusal.
// On an error the merchant is alerted (emailed when SMTP is set up) and the row waits RETRYING,
// 2 h, 4 h, 8 h… after each failure; after INVOICE_MAX_ATTEMPTS it is GAVE_UP with a CRITICAL
// alert. A rate limit is a delay, not an attempt. A later success clears the alert.
import { z } from 'zod';
import { getConnector } from '../../connectors/index.ts';
import { requireCapability } from '../../connectors/sdk/connector.ts';
import { ConnectorError, connectorErrorCode } from '../../connectors/sdk/errors.ts';
import { Money, type InvoiceInput, type PostedInvoice, type Sku, type TandemOrder } from '../../connectors/sdk/types.ts';
import type { Db, Prisma } from '../db.server.ts';
import type { Connection, Invoice, OrderLink, Partnership, Shop } from '../generated/prisma/client.ts';
import { raiseAndEmailAlert } from './alert-email.server.ts';
import { resolveAlert } from './alerts.server.ts';
import { localDayOf, addDays } from './billing.server.ts';
import { connectionFor, type SyncContext } from './connections.server.ts';
import { buyerOf, customerEvent, customerForSale } from './customers.server.ts';
import { wholesaleLinesOf } from './wholesale.ts';

const HOUR = 3_600_000;
/** Attempts before Tandem gives up and asks the merchant to enter the invoice by hand. */
export const INVOICE_MAX_ATTEMPTS = 6;
/** The wait after the first failure; it doubles after each further one (2 h, 4 h, 8 h, 16 h, 32 h). */
export const INVOICE_FIRST_RETRY_MS = 2 * HOUR;
/** How long a claimed attempt keeps others off the row; a worker that died is retried after it. */
const ATTEMPT_LEASE_MS = 15 * 60_000;
/** Net 30: an approved invoice needs a due date when the contact has no payment terms in Xero. */
const PAYMENT_DAYS = 30;

/** What an Invoice row bills (Invoice.content), frozen when the intent is written. */
export const InvoiceContent = z.object({
  /** Printed on the invoice, and how a retry finds it at the platform. */
  reference: z.string().min(1),
  orderName: z.string(),
  currency: z.string().length(3),
  /** YYYY-MM-DD, the supplier's local day the order was forwarded. */
  issuedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  dueOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  lines: z
    .array(z.object({ description: z.string(), sku: z.string().nullable(), quantity: z.number().int().positive(), unitPrice: Money }))
    .min(1),
});
export type InvoiceContent = z.infer<typeof InvoiceContent>;

/** Wait before attempt `failed + 1`, after `failed` failed attempts. */
export function retryDelayMs(failed: number): number {
  return INVOICE_FIRST_RETRY_MS * 2 ** (failed - 1);
}

/** Stable per invoice: raised at the supplier while Tandem retries, cleared when the invoice is posted or given up. */
export function invoiceFailedKey(invoiceId: string): string {
  return `invoice-failed_${invoiceId}`;
}

/** The CRITICAL alert once Tandem stops trying: a new alert, so it is emailed even after the warnings were. */
export function invoiceGaveUpKey(invoiceId: string): string {
  return `invoice-gave-up_${invoiceId}`;
}

export function invoiceIdempotencyKey(orderLinkId: string, connectionId: string): string {
  return `tandem-invoice_${orderLinkId}_${connectionId}`;
}

/** Unique per order at one accounting connection: a retailer's order name and the retailer. */
export function invoiceReference(orderName: string, retailerDomain: string): string {
  return `${orderName} from ${retailerDomain}`;
}

/** The supplier's accounting connection, when it has one that can post invoices. */
export async function accountingConnectionOf(ctx: SyncContext, supplierShopId: string): Promise<Connection | null> {
  const connection = await connectionFor(ctx.db, supplierShopId, 'accounting');
  if (!connection || !getConnector(connection.platform).manifest.capabilities.includes('invoices.write')) return null;
  return connection;
}

/** What the invoice bills: the supplier order's lines as the supplier's platform holds them. */
export function invoiceContentOf(supplierOrder: TandemOrder, orderName: string, retailer: Shop, supplier: Shop, at: Date): InvoiceContent {
  const issuedOn = localDayOf(at, supplier.timezone);
  return {
    reference: invoiceReference(orderName, retailer.domain),
    orderName,
    currency: supplierOrder.currency,
    issuedOn,
    dueOn: addDays(issuedOn, PAYMENT_DAYS),
    lines: wholesaleLinesOf(supplierOrder),
  };
}

/** The intent, written with the order's FORWARDED record (pass that transaction); a repeat is a no-op. */
export async function recordInvoiceIntent(tx: Prisma.TransactionClient, input: { orderLinkId: string; connectionId: string; content: InvoiceContent; at: Date }): Promise<void> {
  await tx.invoice.createMany({
    data: [
      {
        orderLinkId: input.orderLinkId,
        connectionId: input.connectionId,
        idempotencyKey: invoiceIdempotencyKey(input.orderLinkId, input.connectionId),
        content: input.content,
        status: 'PENDING',
        nextAttemptAt: input.at,
      },
    ],
    skipDuplicates: true,
  });
}

export type InvoicePostResult =
  | { outcome: 'posted' | 'found'; invoice: PostedInvoice; customerCreated: boolean; createdItemCodes: string[] }
  | { outcome: 'retrying' | 'gave_up'; error: string }
  /** Rate-limited: waits `retryAfterMs`, the attempt not counted. */
  | { outcome: 'delayed'; retryAfterMs: number }
  /** Not due, already posted or given up, or another worker holds it. */
  | { outcome: 'skipped' };

type Loaded = Invoice & { orderLink: OrderLink & { partnership: Partnership & { supplier: Shop; retailer: Shop } } };

/** One attempt at one invoice, if it is due and no other worker holds it. */
export async function postInvoice(ctx: SyncContext, invoiceId: string): Promise<InvoicePostResult> {
  const now = ctx.now();
  const row = await ctx.db.invoice.findUnique({ where: { id: invoiceId }, include: { orderLink: { include: { partnership: { include: { supplier: true, retailer: true } } } } } });
  if (!row || (row.status !== 'PENDING' && row.status !== 'RETRYING')) return { outcome: 'skipped' };
  const attempt = row.attempts + 1;
  const claimed = await ctx.db.invoice.updateMany({
    where: { id: row.id, attempts: row.attempts, status: row.status, OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] },
    data: { attempts: attempt, nextAttemptAt: new Date(now.getTime() + ATTEMPT_LEASE_MS) },
  });
  if (claimed.count === 0) return { outcome: 'skipped' };

  const connection = await ctx.db.connection.findUniqueOrThrow({ where: { id: row.connectionId } });
  const platform = getConnector(connection.platform).manifest.name;
  try {
    const content = InvoiceContent.parse(row.content);
    const connector = await ctx.connectorFor(connection);
    const poster = requireCapability(connector, 'invoices.write');
    if (row.attempts > 0) {
      const earlier = await poster.findInvoiceByReference(content.reference);
      if (earlier) return await recordPosted(ctx, row, platform, content, { invoice: earlier, found: true, customerCreated: false });
    }
    const buyer = buyerOf(row.orderLink.partnership.retailer);
    const customer = await customerForSale(ctx, connection, connector, buyer, 'invoices.write');
    const note = customerEvent(customer, buyer, platform, 'invoices.write');
    if (note) await ctx.db.orderEvent.create({ data: { orderLinkId: row.orderLinkId, state: row.orderLink.state, message: note, at: ctx.now() } });
    const input: InvoiceInput = {
      reference: content.reference,
      contact: { name: buyer.name, email: buyer.email, accountId: buyer.accountId, externalId: customer?.externalCustomerId ?? null },
      currency: content.currency,
      issuedOn: new Date(`${content.issuedOn}T00:00:00Z`),
      dueOn: new Date(`${content.dueOn}T00:00:00Z`),
      lines: content.lines.map((l) => ({ description: l.description, sku: l.sku as Sku | null, quantity: l.quantity, unitPrice: l.unitPrice })),
    };
    const posted = await poster.postInvoice(input, `${row.idempotencyKey}:${attempt}`);
    return await recordPosted(ctx, row, platform, content, { invoice: posted, found: false, customerCreated: customer?.how === 'created' });
  } catch (err) {
    const code = connectorErrorCode(err);
    if (code === 'rate_limited' || code === 'budget_exhausted') {
      const retryAfterMs = (err as ConnectorError).retryAfterMs ?? (code === 'budget_exhausted' ? 86_400_000 - (now.getTime() % 86_400_000) : 60_000);
      await ctx.db.invoice.updateMany({ where: { id: row.id, attempts: attempt }, data: { attempts: row.attempts, nextAttemptAt: new Date(now.getTime() + retryAfterMs) } });
      return { outcome: 'delayed', retryAfterMs };
    }
    // Anything not from the platform (a bug, the database) is the job layer's to retry.
    if (!(err instanceof ConnectorError) && !(err instanceof z.ZodError)) throw err;
    return recordFailure(ctx, row, platform, attempt, err);
  }
}

async function recordPosted(ctx: SyncContext, row: Loaded, platform: string, content: InvoiceContent, result: { invoice: PostedInvoice; found: boolean; customerCreated: boolean }): Promise<InvoicePostResult> {
  const { invoice } = result;
  await ctx.db.invoice.update({ where: { id: row.id }, data: { status: 'POSTED', externalInvoiceId: invoice.externalId, lastError: null, nextAttemptAt: null, givenUpAt: null } });
  const name = invoice.number ?? invoice.externalId;
  const createdItemCodes = invoice.createdItemCodes ?? [];
  const messages = [
    result.found
      ? `Invoice ${name} for order ${content.orderName} found in ${platform} by its reference "${content.reference}": an earlier attempt had posted it.`
      : `Invoice ${name} for order ${content.orderName} posted to ${platform} (reference "${content.reference}").`,
  ];
  if (createdItemCodes.length) messages.push(`Created item${createdItemCodes.length === 1 ? '' : 's'} ${createdItemCodes.join(', ')} in ${platform} for it: ${platform} needs an item for each SKU invoiced.`);
  for (const message of messages) await ctx.db.orderEvent.create({ data: { orderLinkId: row.orderLinkId, state: row.orderLink.state, message, at: ctx.now() } });
  for (const key of [invoiceFailedKey(row.id), invoiceGaveUpKey(row.id)]) await resolveAlert(ctx.db, row.orderLink.partnership.supplierShopId, key, ctx.now());
  return { outcome: result.found ? 'found' : 'posted', invoice, customerCreated: result.customerCreated, createdItemCodes };
}

async function recordFailure(ctx: SyncContext, row: Loaded, platform: string, attempt: number, err: ConnectorError | z.ZodError): Promise<InvoicePostResult> {
  const now = ctx.now();
  const { partnership } = row.orderLink;
  const orderName = row.orderLink.retailerOrderName ?? row.orderLink.retailerOrderId;
  const retailer = partnership.retailer.name ?? partnership.retailer.domain;
  const said = err instanceof ConnectorError ? err.merchantMessage : `the invoice Tandem recorded is unreadable (${err.issues.map((i) => i.path.join('.')).join(', ')})`;
  const code = err instanceof ConnectorError ? err.code : 'invalid';
  const reference = InvoiceContent.safeParse(row.content).data?.reference ?? orderName;
  const fix = fixFor(code, platform);
  const gaveUp = attempt >= INVOICE_MAX_ATTEMPTS;
  const nextAt = new Date(now.getTime() + retryDelayMs(attempt));

  await ctx.db.invoice.update({
    where: { id: row.id },
    data: gaveUp ? { status: 'GAVE_UP', givenUpAt: now, nextAttemptAt: null, lastError: `${code}: ${said}` } : { status: 'RETRYING', nextAttemptAt: nextAt, lastError: `${code}: ${said}` },
  });
  const message = gaveUp
    ? `Tandem gave up posting the invoice for order ${orderName} from ${retailer} to ${platform} after ${attempt} attempts. ${platform}'s last answer: ${said}`
    : `${platform} did not take the invoice for order ${orderName} from ${retailer} (attempt ${attempt} of ${INVOICE_MAX_ATTEMPTS}): ${said}`;
  const alertFix = gaveUp
    ? `${fix} Then press Retry in Activity, or enter the invoice in ${platform} by hand with the reference "${reference}": Tandem has stopped trying on its own.`
    : `${fix} Tandem tries again at ${nextAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, or press Retry in Activity to try now.`;
  await ctx.db.orderEvent.create({ data: { orderLinkId: row.orderLinkId, state: row.orderLink.state, message: `${message} ${alertFix}`, at: now } });
  if (gaveUp) await resolveAlert(ctx.db, partnership.supplierShopId, invoiceFailedKey(row.id), now);
  await raiseAndEmailAlert(ctx.db, ctx.mailer, {
    shopId: partnership.supplierShopId,
    key: gaveUp ? invoiceGaveUpKey(row.id) : invoiceFailedKey(row.id),
    severity: gaveUp ? 'CRITICAL' : 'WARNING',
    title: gaveUp ? `Invoice for order ${orderName} was not posted to ${platform}` : `Invoice for order ${orderName} not posted to ${platform} yet`,
    message,
    fix: alertFix,
    subject: { partnershipId: partnership.id, orderLinkId: row.orderLinkId, invoiceId: row.id },
  });
  return { outcome: gaveUp ? 'gave_up' : 'retrying', error: `${code}: ${said}` };
}

function fixFor(code: string, platform: string): string {
  if (code === 'auth_expired') return `Reconnect ${platform} in Connectors.`;
  if (code === 'capability_missing') return `Mark a connection that can post invoices as the accounting system in Connectors.`;
  if (code === 'unavailable') return `Nothing to do unless this repeats: ${platform} did not answer.`;
  return `Fix what ${platform} names above.`;
}

export type InvoiceRetry =
  /** Due now: the next invoices.post attempt posts it. */
  | { outcome: 'due'; attempts: number }
  /** An attempt holds it or it falls due within one lease: left alone, it is posted within minutes. */
  | { outcome: 'posting' }
  /** Posted, or never failed: nothing to retry. */
  | { outcome: 'nothing' };

/**
 * Retry in Activity: an invoice waiting for its next attempt (RETRYING) or given up (GAVE_UP)
 * becomes due now, its attempts kept, so a given-up invoice gets one more attempt and gives up
 * again at once if it fails. An invoice an attempt may hold (due within one lease) is left alone:
 * two attempts at once could post it twice. A compare-and-swap on what was read keeps a concurrent
 * attempt's claim.
 */
export async function makeInvoiceDueNow(db: Db, invoiceId: string, now: Date): Promise<InvoiceRetry> {
  const row = await db.invoice.findUnique({ where: { id: invoiceId }, include: { orderLink: true } });
  if (!row || (row.status !== 'RETRYING' && row.status !== 'GAVE_UP')) return { outcome: 'nothing' };
  const wait = row.nextAttemptAt ? row.nextAttemptAt.getTime() - now.getTime() : 0;
  if (row.status === 'RETRYING' && wait <= 0) return { outcome: 'due', attempts: row.attempts };
  if (row.status === 'RETRYING' && wait <= ATTEMPT_LEASE_MS) return { outcome: 'posting' };
  const moved = await db.invoice.updateMany({
    where: { id: row.id, status: row.status, attempts: row.attempts, nextAttemptAt: row.nextAttemptAt },
    data: { status: 'RETRYING', nextAttemptAt: now, givenUpAt: null },
  });
  if (moved.count === 0) return { outcome: 'posting' };
  const orderName = row.orderLink.retailerOrderName ?? row.orderLink.retailerOrderId;
  await db.orderEvent.create({
    data: { orderLinkId: row.orderLinkId, state: row.orderLink.state, message: `Retry pressed in Activity: the invoice for order ${orderName} is posted again now (attempt ${row.attempts + 1}).`, at: now },
  });
  return { outcome: 'due', attempts: row.attempts };
}

export interface InvoiceRunResult {
  posted: number;
  found: number;
  retrying: number;
  gaveUp: number;
  /** Rate-limited: waiting without spending an attempt. */
  delayed: number;
  customersCreated: number;
  itemsCreated: number;
}

/**
 * invoices.post (scheduled, and after each order pull for its partnership): one attempt at every
 * invoice that is due. An invoice rate-limited at its platform leaves that connection's other
 * invoices for the next run.
 */
export async function postDueInvoices(ctx: SyncContext, options: { partnershipId?: string; limit?: number } = {}): Promise<InvoiceRunResult> {
  const result: InvoiceRunResult = { posted: 0, found: 0, retrying: 0, gaveUp: 0, delayed: 0, customersCreated: 0, itemsCreated: 0 };
  const due = await ctx.db.invoice.findMany({
    where: {
      status: { in: ['PENDING', 'RETRYING'] },
      OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: ctx.now() } }],
      ...(options.partnershipId ? { orderLink: { partnershipId: options.partnershipId } } : {}),
    },
    orderBy: [{ nextAttemptAt: 'asc' }, { createdAt: 'asc' }],
    take: options.limit ?? 200,
    select: { id: true, connectionId: true },
  });
  const throttled = new Set<string>();
  for (const { id, connectionId } of due) {
    ctx.signal?.throwIfAborted();
    if (throttled.has(connectionId)) continue;
    const r = await postInvoice(ctx, id);
    if (r.outcome === 'posted' || r.outcome === 'found') {
      result[r.outcome]++;
      if (r.customerCreated) result.customersCreated++;
      result.itemsCreated += r.createdItemCodes.length;
    } else if (r.outcome === 'retrying') result.retrying++;
    else if (r.outcome === 'gave_up') result.gaveUp++;
    else if (r.outcome === 'delayed') {
      result.delayed++;
      throttled.add(connectionId);
    }
  }
  return result;
}
