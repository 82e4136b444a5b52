// Daily partner billing: each ACTIVE partnership's retailer pays the supplier, once per day, for the
// orders Tandem forwarded on the supplier's previous local day. The money moves in the SUPPLIER's
// own Stripe account (its Connection with platform 'stripe'); the retailer is a Stripe customer there.
//
// Exactly once, even when a worker dies mid-way or Stripe's answer is lost:
//   1. the Charge row (unique per partnership and day) is inserted first, freezing the amount and
//      the idempotency key `tandem-charge-<partnership>-<day>`;
//   2. every Stripe write carries an Idempotency-Key derived from that row, so a repeat of the same
//      call is answered with the original result instead of charging again
//      (docs.stripe.com/api/idempotent_requests; keys are kept at least 24 hours);
//   3. a PENDING row found by a later run is resumed: it first looks the payment up by the key in
//      its metadata (safe after the 24 hours), then repeats the same call with the same key;
//   4. the Stripe id is recorded last.
//
// There is deliberately no manual trigger: these functions are the handler of the scheduled
// billing.daily job only (DESIGN.md: "never manual"). Routes must not import this module; a
// "bill now" button would let a double click or a replayed form charge a partner twice a day.
import Stripe from 'stripe';
import { z } from 'zod';
import { ConnectorError, RateLimited, Unavailable } from '../../connectors/sdk/errors.ts';
import type { Db } from '../db.server.ts';
import type { Charge, Partnership, Shop } from '../generated/prisma/client.ts';
import { emailAlert, type AlertMailer } from './alert-email.server.ts';
import { raiseAlert, resolveAlert, type AlertInput } from './alerts.server.ts';
import { secrets } from './crypto.server.ts';

// ---------------------------------------------------------------------------------------------
// Context and results

export interface BillingContext {
  db: Db;
  /**
   * Opens a Stripe client for a supplier's secret key. Default: api.stripe.com through
   * `stripeClient`, which turns the client's own retries off so the job layer decides.
   */
  stripeFor?: (secretKey: string) => Stripe;
  /** Emails new alerts when SMTP is configured (see alertMailerFromEnv); none: admin only. */
  mailer?: AlertMailer;
  /**
   * Called after Stripe answered and before the answer is recorded. Tests throw here to play a
   * worker killed at the worst moment; production leaves it unset.
   */
  beforeRecord?: (charge: Charge) => Promise<void> | void;
}

export type BillingOutcome =
  | { status: 'succeeded'; charge: Charge }
  | { status: 'already_billed'; charge: Charge }
  | { status: 'skipped'; charge: Charge }
  | { status: 'failed'; charge: Charge; reason: string }
  /** Nothing can be charged until the merchant acts (no Stripe connection, key refused). */
  | { status: 'waiting'; charge: Charge; reason: string }
  | { status: 'inactive' };

export interface BillingRunResult {
  counts: Record<'succeeded' | 'already_billed' | 'skipped' | 'failed' | 'waiting' | 'inactive' | 'retry_later', number>;
  errors: { subject: string; message: string }[];
}

// ---------------------------------------------------------------------------------------------
// The supplier's local day

const dayFormat = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD` of `at` in the IANA time zone `timeZone`. */
export function localDayOf(at: Date, timeZone: string): string {
  let format = dayFormat.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormat.set(timeZone, format);
  }
  return format.format(at);
}

export function addDays(day: string, days: number): string {
  const [y, m, d] = parseDay(day);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The day that ended most recently in the supplier's zone: the one billed at `now`. */
export function previousLocalDay(now: Date, timeZone: string): string {
  return addDays(localDayOf(now, timeZone), -1);
}

/** [start, end) of a local day as instants; 23 or 25 hours long on DST change days. */
export function localDayBounds(day: string, timeZone: string): { start: Date; end: Date } {
  return { start: localMidnight(day, timeZone), end: localMidnight(addDays(day, 1), timeZone) };
}

function parseDay(day: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new Error(`Billing day must be YYYY-MM-DD, got "${day}".`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Milliseconds the zone is ahead of UTC at `at`. */
function zoneOffsetMs(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

function localMidnight(day: string, timeZone: string): Date {
  const [y, m, d] = parseDay(day);
  const wall = Date.UTC(y, m - 1, d);
  // Two passes: the offset at the first guess can differ from the offset at midnight (DST).
  const first = wall - zoneOffsetMs(timeZone, wall);
  return new Date(wall - zoneOffsetMs(timeZone, first));
}

// ---------------------------------------------------------------------------------------------
// What a partnership pays

/** Partnership.billingTerms, e.g. `{ "feePercent": 2, "currency": "USD", "method": "payment_intent" }`. */
export const BillingTerms = z.object({
  /** Added on top of the order totals, in percent. */
  feePercent: z.number().min(0).max(100).default(0),
  /** ISO currency; default: the currency of the day's first order. */
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .transform((c) => c.toUpperCase())
    .optional(),
  /** 'payment_intent': a card payment; 'invoice': a Stripe invoice for the day, paid with the card. */
  method: z.enum(['payment_intent', 'invoice']).default('payment_intent'),
});
export type BillingTerms = z.infer<typeof BillingTerms>;

// Stripe amounts are in the currency's smallest unit; these have none (docs.stripe.com/currencies).
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);

/** An order total (a decimal string like "19.99") in the currency's smallest unit. */
export function toMinorUnits(total: string, currency: string): number {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(total.trim());
  if (!match) throw new Error(`Order total "${total}" is not a decimal amount.`);
  const digits = ZERO_DECIMAL.has(currency.toUpperCase()) ? 0 : 2;
  const fraction = (match[3] ?? '').padEnd(digits + 1, '0');
  const units = Number(match[2]) * 10 ** digits + Number(fraction.slice(0, digits) || '0');
  const rounded = units + (Number(fraction[digits]) >= 5 ? 1 : 0);
  return match[1] ? -rounded : rounded;
}

export interface DayAmount {
  amountMinor: number;
  currency: string;
  orderCount: number;
  /** Orders of the day in another currency than the charge's: not billed, the supplier is told. */
  otherCurrencyOrders: number;
}

/**
 * The day's charge: the orders' wholesale totals (what the supplier sells them for, see
 * wholesale.ts) in the charge currency plus the fee, rounded half up.
 */
export function amountForDay(orders: { wholesaleAmount: string; currency: string }[], terms: BillingTerms): DayAmount {
  const currency = (terms.currency ?? orders[0]?.currency ?? 'USD').toUpperCase();
  const billed = orders.filter((o) => o.currency.toUpperCase() === currency);
  const sum = billed.reduce((total, o) => total + toMinorUnits(o.wholesaleAmount, currency), 0);
  const fee = Math.round((sum * terms.feePercent) / 100);
  return { amountMinor: sum + fee, currency, orderCount: billed.length, otherCurrencyOrders: orders.length - billed.length };
}

export function chargeIdempotencyKey(partnershipId: string, day: string) {
  return `tandem-charge-${partnershipId}-${day}`;
}

// ---------------------------------------------------------------------------------------------
// Stripe

/** Stripe connection credentials, as stored (encrypted) in Connection.credentials. */
const StripeCredentials = z.object({ secretKey: z.string().min(1) });

/**
 * The official client with its own retries off (the job layer retries, with backoff, and the
 * idempotency key makes that safe) and a timeout short enough for a worker's lock.
 */
export function stripeClient(secretKey: string, config: Stripe.StripeConfig = {}): Stripe {
  return new Stripe(secretKey, { maxNetworkRetries: 0, timeout: 20_000, ...config });
}

type Loaded = Partnership & { supplier: Shop; retailer: Shop };

const retailerName = (p: Loaded) => p.retailer.name ?? p.retailer.domain;

/** Formats minor units for people: "USD 120.50". */
function money(amountMinor: number, currency: string) {
  const digits = ZERO_DECIMAL.has(currency) ? 0 : 2;
  return `${currency} ${(amountMinor / 10 ** digits).toFixed(digits)}`;
}

const alertKeys = {
  declined: (partnershipId: string) => `billing-declined_${partnershipId}`,
  terms: (partnershipId: string) => `billing-terms_${partnershipId}`,
  currency: (partnershipId: string) => `billing-currency_${partnershipId}`,
  noStripe: (supplierShopId: string) => `billing-no-stripe_${supplierShopId}`,
  stripeKey: (connectionId: string) => `auth-expired_${connectionId}`,
};

const RECONNECT_FIX =
  'Reconnect your Stripe account in Connectors with a key that can create customers and payments; the next daily billing charges every day still waiting.';

/** The decrypted credentials JSON, or undefined when it cannot be decrypted (key rotated, tampered). */
function readCredentials(sealed: string): unknown {
  try {
    return secrets().decryptJson(sealed);
  } catch {
    return undefined;
  }
}

/** A charge Stripe refused for good: FAILED, with the reason for the supplier. */
class ChargeRefused extends Error {
  constructor(
    message: string,
    readonly stripeId: string | null,
    readonly alert: Pick<AlertInput, 'title' | 'message' | 'fix'> & { key: string },
  ) {
    super(message);
  }
}

/** Stripe's answer as Tandem's typed errors: the job layer retries `unavailable` and `rate_limited`. */
function fromStripeError(err: unknown, what: string): unknown {
  if (!(err instanceof Stripe.errors.StripeError)) return err;
  if (err instanceof Stripe.errors.StripeRateLimitError || err.statusCode === 429) {
    const header = Number(err.headers?.['retry-after']);
    return RateLimited(Number.isFinite(header) && header > 0 ? header * 1000 : 1000, `Stripe rate-limited ${what}`, { connectorId: 'stripe', cause: err });
  }
  // 409: another request with the same key is still running; its result will be replayed later.
  if (err instanceof Stripe.errors.StripeConnectionError || err instanceof Stripe.errors.StripeAPIError || err.statusCode === 409 || (err.statusCode ?? 0) >= 500) {
    return Unavailable(`Stripe did not answer ${what}: ${err.message}`, { connectorId: 'stripe', cause: err });
  }
  return err;
}

async function callStripe<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw fromStripeError(err, what);
  }
}

// ---------------------------------------------------------------------------------------------
// Billing

/**
 * billing.daily's handler: bills every ACTIVE partnership (of one supplier when given) for `day`,
 * or, without `day`, for each supplier's previous local day at `now`. Earlier days left PENDING
 * (Stripe unreachable, a worker killed) are resumed first. One partnership's failure does not stop
 * the others; a retryable one (Stripe down, rate limited) is rethrown at the end so the job
 * retries, and the partnerships already billed are then no-ops.
 */
export async function billPartnershipsForDay(
  ctx: BillingContext,
  options: { supplierShopId?: string; day?: string; now?: Date } = {},
): Promise<BillingRunResult> {
  const { db } = ctx;
  const now = options.now ?? new Date();
  const result: BillingRunResult = {
    counts: { succeeded: 0, already_billed: 0, skipped: 0, failed: 0, waiting: 0, inactive: 0, retry_later: 0 },
    errors: [],
  };
  let retryable: unknown;
  let broken: unknown;
  const attempted = new Set<string>();
  const run = async (partnershipId: string, day: string) => {
    if (attempted.has(`${partnershipId}/${day}`)) return;
    attempted.add(`${partnershipId}/${day}`);
    try {
      const outcome = await billPartnership(ctx, partnershipId, day);
      result.counts[outcome.status] += 1;
      if (outcome.status === 'failed' || outcome.status === 'waiting') result.errors.push({ subject: `${partnershipId}/${day}`, message: outcome.reason });
    } catch (err) {
      result.errors.push({ subject: `${partnershipId}/${day}`, message: err instanceof Error ? err.message : String(err) });
      const code = err instanceof ConnectorError ? err.code : undefined;
      if (code === 'unavailable' || code === 'rate_limited') {
        result.counts.retry_later += 1;
        retryable ??= err;
      } else {
        // Unexpected: still bill the other partnerships, then let the job layer record it.
        broken ??= err;
      }
    }
  };

  const supplierFilter = options.supplierShopId ? { supplierShopId: options.supplierShopId } : {};
  const unfinished = await db.charge.findMany({
    where: { status: 'PENDING', partnership: supplierFilter },
    select: { partnershipId: true, day: true },
    orderBy: { day: 'asc' },
  });
  for (const c of unfinished) await run(c.partnershipId, c.day);

  const partnerships = await db.partnership.findMany({
    where: { status: 'ACTIVE', ...supplierFilter },
    select: { id: true, supplier: { select: { timezone: true } } },
    orderBy: { createdAt: 'asc' },
  });
  for (const p of partnerships) await run(p.id, options.day ?? previousLocalDay(now, p.supplier.timezone));

  if (broken) throw broken;
  if (retryable) throw retryable;
  return result;
}

/**
 * Bills one partnership for one supplier-local day, exactly once (see the top of this file).
 * Part of billing.daily's handler only: never call it from a route.
 */
export async function billPartnership(ctx: BillingContext, partnershipId: string, day: string): Promise<BillingOutcome> {
  const { db } = ctx;
  parseDay(day);
  const partnership = await db.partnership.findUnique({ where: { id: partnershipId }, include: { supplier: true, retailer: true } });
  if (!partnership) return { status: 'inactive' };

  let charge = await db.charge.findUnique({ where: { partnershipId_day: { partnershipId, day } } });
  if (charge?.status === 'SKIPPED') return { status: 'skipped', charge };
  if (charge && charge.status !== 'PENDING') return { status: 'already_billed', charge };
  // A day already started is finished even if the partnership ended since: the money may have moved.
  if (!charge && partnership.status !== 'ACTIVE') return { status: 'inactive' };

  const terms = BillingTerms.safeParse(partnership.billingTerms);
  if (!terms.success) {
    const problem = terms.error.issues.map((i) => `${i.path.join('.') || 'terms'}: ${i.message}`).join('; ');
    await alert(ctx, partnership, {
      key: alertKeys.terms(partnership.id),
      title: `Billing terms for ${retailerName(partnership)} are invalid`,
      message: `Tandem could not bill ${retailerName(partnership)} for ${day} because the partnership's billing terms are invalid (${problem}).`,
      fix: `Correct the billing terms of ${retailerName(partnership)} in Partners. Billing resumes with the next day once they are valid; collect ${day} in Stripe yourself.`,
    });
    return { status: 'inactive' };
  }
  await resolveAlert(db, partnership.supplierShopId, alertKeys.terms(partnership.id));

  const resuming = charge !== null;
  charge ??= await recordIntent(ctx, partnership, day, terms.data);
  if (charge.status === 'SKIPPED') return { status: 'skipped', charge };
  if (charge.status !== 'PENDING') return { status: 'already_billed', charge };
  return collect(ctx, partnership, charge, terms.data, resuming);
}

/** Step 1: the Charge row, written before any Stripe call. Losing the insert race reads the winner's. */
async function recordIntent(ctx: BillingContext, partnership: Loaded, day: string, terms: BillingTerms): Promise<Charge> {
  const { db } = ctx;
  const { start, end } = localDayBounds(day, partnership.supplier.timezone);
  const orders = await db.orderLink.findMany({
    where: { partnershipId: partnership.id, forwardedAt: { gte: start, lt: end }, state: { notIn: ['FAILED', 'CANCELLED'] } },
    select: { wholesaleAmount: true, totalAmount: true, currency: true },
    orderBy: { forwardedAt: 'asc' },
  });
  const due = amountForDay(
    // wholesaleAmount is set when an order is forwarded. The migration that added it filled it in
    // from each order's invoice; an order forwarded before it without an invoice has only its
    // retailer total, the amount billed before.
    orders.map((o) => ({ wholesaleAmount: (o.wholesaleAmount ?? o.totalAmount).toFixed(2), currency: o.currency })),
    terms,
  );
  if (due.otherCurrencyOrders > 0) {
    await alert(ctx, partnership, {
      key: alertKeys.currency(partnership.id),
      severity: 'WARNING',
      title: `Orders from ${retailerName(partnership)} in another currency were not billed`,
      message: `${due.otherCurrencyOrders} order(s) forwarded from ${retailerName(partnership)} on ${day} are not in ${due.currency}, the billing currency, so the daily charge left them out.`,
      fix: `Collect them from ${retailerName(partnership)} in Stripe yourself, or set the partnership's billing currency to match their store.`,
    });
  }
  const status = due.orderCount === 0 || due.amountMinor <= 0 ? 'SKIPPED' : 'PENDING';
  await db.charge.createMany({
    data: [
      {
        partnershipId: partnership.id,
        day,
        amountCents: Math.max(0, due.amountMinor),
        currency: due.currency,
        orderCount: due.orderCount,
        idempotencyKey: chargeIdempotencyKey(partnership.id, day),
        status,
      },
    ],
    skipDuplicates: true,
  });
  return db.charge.findUniqueOrThrow({ where: { partnershipId_day: { partnershipId: partnership.id, day } } });
}

/** Steps 2–4: charge the retailer in the supplier's Stripe account and record the answer. */
async function collect(ctx: BillingContext, partnership: Loaded, charge: Charge, terms: BillingTerms, resuming: boolean): Promise<BillingOutcome> {
  const { db } = ctx;
  const retailer = retailerName(partnership);
  const connection = await db.connection.findFirst({
    where: { shopId: partnership.supplierShopId, platform: 'stripe', status: 'ACTIVE' },
    orderBy: [{ createdAt: 'asc' }],
  });
  if (!connection) {
    const reason = `${partnership.supplier.name ?? partnership.supplier.domain} has no Stripe account connected, so ${retailer} could not be charged ${money(charge.amountCents, charge.currency)} for ${charge.day}.`;
    await alert(ctx, partnership, {
      key: alertKeys.noStripe(partnership.supplierShopId),
      title: 'Connect Stripe to bill your partners',
      message: reason,
      fix: 'Connect your Stripe account in Connectors; the next daily billing charges every day still waiting.',
    });
    return { status: 'waiting', charge, reason };
  }
  await resolveAlert(db, partnership.supplierShopId, alertKeys.noStripe(partnership.supplierShopId));

  const credentials = StripeCredentials.safeParse(readCredentials(connection.credentials));
  if (!credentials.success) {
    const reason = `Tandem cannot read the Stripe key of ${connection.displayName ?? connection.externalAccount}, so ${retailer} could not be charged for ${charge.day}.`;
    await alert(ctx, partnership, { key: alertKeys.stripeKey(connection.id), title: 'Reconnect Stripe', message: reason, fix: RECONNECT_FIX });
    return { status: 'waiting', charge, reason };
  }
  const { secretKey } = credentials.data;
  const stripe = (ctx.stripeFor ?? ((key: string) => stripeClient(key)))(secretKey);

  try {
    const customerId = await findOrCreateCustomer(ctx, stripe, connection.id, partnership);
    const pay = terms.method === 'invoice' ? payByInvoice : payByPaymentIntent;
    const payment = await pay(stripe, customerId, partnership, charge, resuming);
    await ctx.beforeRecord?.(charge);
    const updated = await db.charge.update({ where: { id: charge.id }, data: { status: 'SUCCEEDED', stripeId: payment.id, lastError: null } });
    await resolveAlert(db, partnership.supplierShopId, alertKeys.declined(partnership.id));
    await resolveAlert(db, partnership.supplierShopId, alertKeys.stripeKey(connection.id));
    return { status: 'succeeded', charge: updated };
  } catch (err) {
    if (err instanceof ChargeRefused) {
      await ctx.beforeRecord?.(charge);
      const updated = await db.charge.update({ where: { id: charge.id }, data: { status: 'FAILED', stripeId: err.stripeId, lastError: err.message } });
      await alert(ctx, partnership, { ...err.alert, severity: 'CRITICAL', subject: { partnershipId: partnership.id, day: charge.day } });
      return { status: 'failed', charge: updated, reason: err.message };
    }
    if (err instanceof Stripe.errors.StripeAuthenticationError || err instanceof Stripe.errors.StripePermissionError) {
      const reason = `Stripe refused Tandem's key for ${connection.displayName ?? connection.externalAccount}, so ${retailer} could not be charged for ${charge.day}.`;
      await db.charge.update({ where: { id: charge.id }, data: { lastError: err.message } });
      await alert(ctx, partnership, {
        key: alertKeys.stripeKey(connection.id),
        title: 'Reconnect Stripe',
        message: reason,
        fix: RECONNECT_FIX,
      });
      return { status: 'waiting', charge, reason };
    }
    if (err instanceof ConnectorError) await db.charge.update({ where: { id: charge.id }, data: { lastError: err.message } });
    throw err;
  }
}

/**
 * The retailer as a customer of the supplier's Stripe account: the one linked before, else the
 * supplier's existing customer with Tandem's metadata or the retailer's email, else a new one.
 */
async function findOrCreateCustomer(ctx: BillingContext, stripe: Stripe, connectionId: string, partnership: Loaded): Promise<string> {
  const { db } = ctx;
  const retailer = partnership.retailer;
  const linked = await db.customerLink.findFirst({ where: { connectionId, externalAccountId: retailer.id }, orderBy: { linkedAt: 'asc' } });
  if (linked) return linked.externalCustomerId;

  let customerId: string | undefined;
  let created = false;
  if (retailer.email) {
    // `email` is an exact filter (docs.stripe.com/api/customers/list); search would lag behind.
    const found = await callStripe('the customer lookup', () => stripe.customers.list({ email: retailer.email as string, limit: 100 }));
    const mine = found.data.find((c) => c.metadata?.tandem_retailer_shop_id === retailer.id) ?? found.data.find((c) => !c.deleted);
    customerId = mine?.id;
  }
  if (!customerId) {
    const customer = await callStripe('the customer create', () =>
      stripe.customers.create(
        {
          email: retailer.email ?? undefined,
          name: retailer.name ?? retailer.domain,
          description: `Tandem retailer ${retailer.domain}`,
          metadata: { tandem_retailer_shop_id: retailer.id, tandem_shop_domain: retailer.domain },
        },
        { idempotencyKey: `tandem-customer-${connectionId}-${retailer.id}` },
      ),
    );
    customerId = customer.id;
    created = true;
  }
  await db.customerLink.createMany({
    data: [{ connectionId, email: retailer.email, externalAccountId: retailer.id, externalCustomerId: customerId, createdByTandem: created }],
    skipDuplicates: true,
  });
  return customerId;
}

/** What was collected: a succeeded PaymentIntent or a paid Invoice. */
interface Collected {
  id: string;
}

type Pay = (stripe: Stripe, customerId: string, partnership: Loaded, charge: Charge, resuming: boolean) => Promise<Collected>;

/** The customer's default card; without one nothing can be charged off session. */
async function defaultCard(stripe: Stripe, customerId: string, partnership: Loaded, charge: Charge): Promise<string> {
  const retailer = retailerName(partnership);
  const customer = await callStripe('the customer read', () => stripe.customers.retrieve(customerId));
  const card = customer.deleted ? null : customer.invoice_settings?.default_payment_method;
  const cardId = typeof card === 'string' ? card : (card?.id ?? null);
  if (cardId) return cardId;
  throw new ChargeRefused(`${retailer} has no default card in the supplier's Stripe account.`, null, {
    key: alertKeys.declined(partnership.id),
    title: `No card on file for ${retailer}`,
    message: `${retailer} could not be charged ${money(charge.amountCents, charge.currency)} for the orders of ${charge.day}: their Stripe customer (${customerId}) has no default card.`,
    fix: `Ask ${retailer} to add a card to their customer in your Stripe account, then collect ${charge.day} in Stripe; the following days are billed automatically.`,
  });
}

/** A Stripe error on the money-moving call: a decline or a refusal is final, the rest is retried. */
function refusal(err: unknown, partnership: Loaded, charge: Charge, stripeId: string | null): unknown {
  const retailer = retailerName(partnership);
  if (err instanceof Stripe.errors.StripeCardError) {
    return new ChargeRefused(`Stripe declined the card of ${retailer}: ${err.message}`, stripeId, {
      key: alertKeys.declined(partnership.id),
      title: `Card declined for ${retailer}`,
      message: `Stripe declined the card of ${retailer} for ${money(charge.amountCents, charge.currency)}, the orders of ${charge.day} (${err.decline_code ?? err.code ?? 'declined'}: ${err.message}).`,
      fix: `Ask ${retailer} to update the card on their customer in your Stripe account, then collect ${charge.day} in Stripe; the following days are billed automatically.`,
    });
  }
  if (err instanceof Stripe.errors.StripeInvalidRequestError && err.statusCode !== 409) {
    return new ChargeRefused(`Stripe refused the charge to ${retailer}: ${err.message}`, stripeId, {
      key: alertKeys.declined(partnership.id),
      title: `Stripe refused the charge to ${retailer}`,
      message: `Stripe refused to charge ${retailer} ${money(charge.amountCents, charge.currency)} for the orders of ${charge.day}: ${err.message}`,
      fix: `Check ${retailer}'s customer in your Stripe account, then collect ${charge.day} in Stripe; the following days are billed automatically.`,
    });
  }
  return fromStripeError(err, `the charge to ${retailer} for ${charge.day}`);
}

const metadataOf = (partnership: Loaded, charge: Charge) => ({ tandem_charge_key: charge.idempotencyKey, tandem_partnership_id: partnership.id, tandem_day: charge.day });

/** method 'payment_intent': one off-session PaymentIntent, confirmed at once on the default card. */
const payByPaymentIntent: Pay = async (stripe, customerId, partnership, charge, resuming) => {
  if (resuming) {
    // A resumed charge first looks for the payment an earlier run made, by the key in its metadata.
    const page = await callStripe('the payment lookup', () => stripe.paymentIntents.list({ customer: customerId, limit: 100 }));
    const earlier = page.data.find((pi) => pi.metadata?.tandem_charge_key === charge.idempotencyKey);
    if (earlier?.status === 'succeeded') return earlier;
    if (earlier?.status === 'processing') throw Unavailable(`Stripe is still processing payment ${earlier.id}`, { connectorId: 'stripe' });
    // Declined or never made: repeating the same keyed call replays that answer (a decline is final).
  }
  const card = await defaultCard(stripe, customerId, partnership, charge);
  try {
    return await stripe.paymentIntents.create(
      {
        amount: charge.amountCents,
        currency: charge.currency.toLowerCase(),
        customer: customerId,
        payment_method: card,
        confirm: true,
        off_session: true,
        description: `Tandem orders of ${charge.day} (${charge.orderCount})`,
        metadata: metadataOf(partnership, charge),
      },
      { idempotencyKey: charge.idempotencyKey },
    );
  } catch (err) {
    throw refusal(err, partnership, charge, err instanceof Stripe.errors.StripeError ? (err.payment_intent?.id ?? null) : null);
  }
};

/**
 * method 'invoice': a draft invoice with one line for the day, finalized and paid with the default
 * card, so the retailer gets Stripe's invoice document. Each step has its own key derived from the
 * charge's, and a resumed charge continues from the invoice's status instead of starting again.
 */
const payByInvoice: Pay = async (stripe, customerId, partnership, charge, resuming) => {
  const key = charge.idempotencyKey;
  let invoice: Stripe.Invoice | undefined;
  if (resuming) {
    const page = await callStripe('the invoice lookup', () => stripe.invoices.list({ customer: customerId, limit: 100 }));
    invoice = page.data.find((i) => i.metadata?.tandem_charge_key === key);
    if (invoice?.status === 'paid') return { id: invoice.id as string };
  }
  if (invoice && (invoice.status === 'void' || invoice.status === 'uncollectible')) {
    const retailer = retailerName(partnership);
    const reason = `Invoice ${invoice.number ?? invoice.id} for ${retailer} was marked ${invoice.status} in Stripe.`;
    throw new ChargeRefused(reason, invoice.id ?? null, {
      key: alertKeys.declined(partnership.id),
      title: `Invoice for ${retailer} was ${invoice.status === 'void' ? 'voided' : 'marked uncollectible'}`,
      message: `${reason} Tandem did not charge ${retailer} ${money(charge.amountCents, charge.currency)} for the orders of ${charge.day}.`,
      fix: `Collect ${charge.day} from ${retailer} in Stripe if it is still owed; the following days are billed automatically.`,
    });
  }
  await defaultCard(stripe, customerId, partnership, charge);
  invoice ??= await callStripe('the invoice create', () =>
    stripe.invoices.create(
      {
        customer: customerId,
        currency: charge.currency.toLowerCase(),
        collection_method: 'charge_automatically',
        auto_advance: false,
        description: `Tandem orders of ${charge.day} (${charge.orderCount})`,
        metadata: metadataOf(partnership, charge),
      },
      { idempotencyKey: `${key}-invoice` },
    ),
  );
  const invoiceId = invoice.id as string;
  if (invoice.status === 'draft') {
    if (invoice.amount_due === 0) {
      await callStripe('the invoice line', () =>
        stripe.invoiceItems.create(
          {
            customer: customerId,
            invoice: invoiceId,
            amount: charge.amountCents,
            currency: charge.currency.toLowerCase(),
            description: `${charge.orderCount} order(s) forwarded on ${charge.day}`,
            metadata: metadataOf(partnership, charge),
          },
          { idempotencyKey: `${key}-item` },
        ),
      );
    }
    invoice = await callStripe('the invoice finalize', () => stripe.invoices.finalizeInvoice(invoiceId, { auto_advance: false }, { idempotencyKey: `${key}-finalize` }));
  }
  if (invoice.status === 'open') {
    try {
      invoice = await stripe.invoices.pay(invoiceId, {}, { idempotencyKey: `${key}-pay` });
    } catch (err) {
      throw refusal(err, partnership, charge, invoiceId);
    }
  }
  return { id: invoiceId };
};

async function alert(ctx: BillingContext, partnership: Loaded, input: Omit<AlertInput, 'shopId' | 'severity'> & { severity?: AlertInput['severity'] }) {
  const { alert: raised } = await raiseAlert(ctx.db, {
    severity: 'CRITICAL',
    subject: { partnershipId: partnership.id },
    ...input,
    shopId: partnership.supplierShopId,
  });
  await emailAlert(ctx.db, raised.id, ctx.mailer);
}
