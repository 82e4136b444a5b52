// Daily billing under faults at each step, against the Stripe simulator and real PostgreSQL. Whatever
// breaks, the supplier's Stripe account ends with exactly one successful payment for the partner
// and day, and the Charge row ends SUCCEEDED with that payment's id.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectorErrorCode } from '../connectors/sdk/errors.ts';
import { billingContext, forwardedOrder, seedPartnership, stripeRecord, type SeededPartnership } from '../app/sync/billing.fixtures.ts';
import { billPartnershipsForDay, type BillingContext } from '../app/sync/billing.server.ts';
import { startStripeSimulator, type StripeSimulator } from '../simulators/stripe/index.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';

let t: TestDatabase;
let sim: StripeSimulator;

beforeAll(async () => {
  t = await createTestDatabase('billing_faults');
  sim = await startStripeSimulator({ latencyMs: 0, ratePerSecond: 1000 });
});
afterEach(() => {
  sim.faults.clear();
  sim.lostResponses.clear();
  sim.clock.reset();
});
afterAll(async () => {
  await sim.close();
  await t.drop();
});

const DAY = '2026-11-22';
/** The request that moves the money, per billing method. */
const MONEY_ROUTE = { payment_intent: '^POST /v1/payment_intents$', invoice: '^POST /v1/invoices/[^/]+/pay$' } as const;
type Method = keyof typeof MONEY_ROUTE;
const CHARGE_ROUTE = MONEY_ROUTE.payment_intent;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How each run ended: 'ok', or the error's code (ConnectorError) or message. */
async function outcomes(runs: Promise<unknown>[]) {
  const settled = await Promise.allSettled(runs);
  return settled.map((s) => (s.status === 'fulfilled' ? 'ok' : (connectorErrorCode(s.reason) ?? (s.reason as Error).message)));
}

interface FaultCase {
  fault: string;
  /** Sets the fault up on the route that moves the money; returns the context of the faulted attempt. */
  arrange(route: string): BillingContext;
  /** The faulted attempt(s); resolves to how each ended. */
  attempt(ctx: BillingContext, seeded: SeededPartnership): Promise<string[]>;
  expectFirst: (ends: string[]) => void;
  /** Wait for a request Stripe is still holding before counting payments. */
  settleMs?: number;
  /** Between the faulted attempt and the retry. */
  beforeRetry?: () => void;
}

const once = (ctx: BillingContext, s: SeededPartnership) => outcomes([billPartnershipsForDay(ctx, { supplierShopId: s.supplierId, day: DAY })]);

const faults: FaultCase[] = [
  {
    fault: '(a) Stripe answers 500 to the charge',
    arrange: (route) => {
      sim.faults.add({ route, status: 500, times: 1 });
      return billingContext(t.db, sim);
    },
    attempt: once,
    expectFirst: (ends) => expect(ends).toEqual(['unavailable']),
  },
  {
    fault: '(b) Stripe charges but its answer is lost',
    arrange: (route) => {
      // Two: stripe-node re-sends a request once on a closed connection even with retries off
      // (RequestSender._shouldRetry, stripe-node issue 1040), with the same key; lose both answers.
      sim.lostResponses.add({ route, times: 2 });
      return billingContext(t.db, sim);
    },
    attempt: once,
    expectFirst: (ends) => expect(ends).toEqual(['unavailable']),
  },
  {
    fault: '(c) the worker is killed after Stripe answered, before the charge was recorded',
    arrange: () =>
      billingContext(t.db, sim, {
        beforeRecord: () => {
          throw new Error('worker killed');
        },
      }),
    attempt: once,
    expectFirst: (ends) => expect(ends).toEqual(['worker killed']),
  },
  {
    fault: '(c2) the killed run is resumed after Stripe forgot the idempotency key (24 h)',
    arrange: () =>
      billingContext(t.db, sim, {
        beforeRecord: () => {
          throw new Error('worker killed');
        },
      }),
    attempt: once,
    expectFirst: (ends) => expect(ends).toEqual(['worker killed']),
    // Only the lookup by the key in the payment's metadata can find the earlier payment now.
    beforeRetry: () => sim.clock.advance(25 * 60 * 60 * 1000),
  },
  {
    fault: '(d) Stripe holds the charge longer than the client timeout',
    arrange: (route) => {
      sim.faults.add({ route, delayMs: 1500, times: 1 });
      return billingContext(t.db, sim, {}, 400);
    },
    attempt: once,
    expectFirst: (ends) => expect(ends).toEqual(['unavailable']),
    // The held request reaches Stripe after the retry: it must be answered by a replay.
    settleMs: 1800,
  },
  {
    fault: '(e) two billing runs start at once for the same partnership and day',
    arrange: () => billingContext(t.db, sim),
    attempt: (ctx, s) =>
      outcomes([billPartnershipsForDay(ctx, { supplierShopId: s.supplierId, day: DAY }), billPartnershipsForDay(ctx, { supplierShopId: s.supplierId, day: DAY })]),
    // The loser either sees Stripe's replay or Stripe's "in progress" 409, which is retried later.
    expectFirst: (ends) => {
      expect(ends).toContain('ok');
      for (const end of ends) expect(['ok', 'unavailable']).toContain(end);
    },
  },
];

const table = faults.flatMap((fault) => (['payment_intent', 'invoice'] as Method[]).map((method) => ({ ...fault, method })));

describe('when a fault hits the daily charge', () => {
  it.each(table)('charges exactly once by $method when $fault, then retries', async ({ method, arrange, attempt, expectFirst, settleMs, beforeRetry }) => {
    const seeded = await seedPartnership(t.db, sim, { timezone: 'Europe/Berlin', billingTerms: { currency: 'USD', method } });
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-22T09:00:00Z', '42.00');
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-22T22:59:59Z', '8.00'); // 23:59:59 in Berlin

    expectFirst(await attempt(arrange(MONEY_ROUTE[method]), seeded));
    sim.faults.clear();
    sim.lostResponses.clear();
    beforeRetry?.();
    const retry = await billPartnershipsForDay(billingContext(t.db, sim), { supplierShopId: seeded.supplierId, day: DAY });
    if (settleMs) await sleep(settleMs);
    const later = await billPartnershipsForDay(billingContext(t.db, sim), { supplierShopId: seeded.supplierId, day: DAY });

    expect(retry.counts.succeeded + retry.counts.already_billed).toBe(1);
    expect(later.counts).toMatchObject({ succeeded: 0, already_billed: 1 });
    const stripe = stripeRecord(sim, seeded, DAY);
    expect(stripe.succeededCharges.map((c) => [c.amount, c.currency])).toEqual([[5000, 'usd']]);
    const paid = method === 'invoice' ? stripe.paidInvoices : stripe.succeededIntents;
    expect(paid).toHaveLength(1);
    if (method === 'invoice') expect(stripe.invoices).toHaveLength(1);
    const charge = await t.db.charge.findUniqueOrThrow({ where: { partnershipId_day: { partnershipId: seeded.partnershipId, day: DAY } } });
    expect(charge).toMatchObject({ status: 'SUCCEEDED', stripeId: paid[0].id, amountCents: 5000, orderCount: 2 });
  });
});

describe('when Stripe rate-limits the charge', () => {
  it('asks the job layer to come back after Stripe\'s Retry-After, then charges once', async () => {
    const seeded = await seedPartnership(t.db, sim);
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-22T09:00:00Z', '30.00');
    sim.faults.add({ route: CHARGE_ROUTE, status: 429, retryAfterS: 3, times: 1 });

    const error = await billPartnershipsForDay(billingContext(t.db, sim), { supplierShopId: seeded.supplierId, day: DAY }).catch((e: unknown) => e);
    await billPartnershipsForDay(billingContext(t.db, sim), { supplierShopId: seeded.supplierId, day: DAY });

    expect(connectorErrorCode(error)).toBe('rate_limited');
    expect(error).toMatchObject({ retryAfterMs: 3000 });
    expect(stripeRecord(sim, seeded, DAY).succeededIntents).toHaveLength(1);
  });
});

describe('when one supplier\'s Stripe is down', () => {
  it('still bills the other suppliers, then retries the one that failed', async () => {
    const down = await seedPartnership(t.db, sim);
    const up = await seedPartnership(t.db, sim);
    await forwardedOrder(t.db, down.partnershipId, '2026-11-22T09:00:00Z', '11.00');
    await forwardedOrder(t.db, up.partnershipId, '2026-11-22T09:00:00Z', '12.00');
    // Only the first charge request fails; partnerships are billed in creation order.
    sim.faults.add({ route: CHARGE_ROUTE, status: 503, times: 1 });

    const error = await billPartnershipsForDay(billingContext(t.db, sim), { day: DAY }).catch((e: unknown) => e);
    const charges = await t.db.charge.findMany({ where: { partnershipId: { in: [down.partnershipId, up.partnershipId] }, day: DAY } });

    expect(connectorErrorCode(error)).toBe('unavailable');
    expect(Object.fromEntries(charges.map((c) => [c.partnershipId, c.status]))).toEqual({ [down.partnershipId]: 'PENDING', [up.partnershipId]: 'SUCCEEDED' });

    await billPartnershipsForDay(billingContext(t.db, sim), { day: DAY });
    expect(await t.db.charge.findUniqueOrThrow({ where: { partnershipId_day: { partnershipId: down.partnershipId, day: DAY } } })).toMatchObject({ status: 'SUCCEEDED' });
  });
});
