import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStripeSimulator, type StripeSimulator } from '../../simulators/stripe/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { billingContext, connectStripe, forwardedOrder, seedPartnership, stripeRecord } from './billing.fixtures.ts';
import { billPartnership, billPartnershipsForDay } from './billing.server.ts';
import { secrets } from './crypto.server.ts';

let t: TestDatabase;
let sim: StripeSimulator;

beforeAll(async () => {
  t = await createTestDatabase('billing');
  // A high rate limit: these tests are about billing, not about Stripe's 25 requests a second.
  sim = await startStripeSimulator({ latencyMs: 0, ratePerSecond: 1000 });
});
afterEach(() => {
  sim.faults.clear();
  sim.lostResponses.clear();
});
afterAll(async () => {
  await sim.close();
  await t.drop();
});

const charge = (partnershipId: string, day: string) => t.db.charge.findUnique({ where: { partnershipId_day: { partnershipId, day } } });
const postsTo = (requests: { method: string; path: string }[], path: string) => requests.filter((r) => r.method === 'POST' && r.path === path).length;

describe('when a supplier in Los Angeles is billed just after local midnight', () => {
  // 2026-11-21 in America/Los_Angeles (UTC-8) runs from 08:00Z on the 21st to 08:00Z on the 22nd.
  const day = '2026-11-21';
  const now = new Date('2026-11-22T08:15:00Z');

  it('charges each retailer once for the orders forwarded in that local day, plus the fee', async () => {
    const first = await seedPartnership(t.db, sim, { timezone: 'America/Los_Angeles', billingTerms: { currency: 'USD', feePercent: 2, method: 'payment_intent' } });
    await forwardedOrder(t.db, first.partnershipId, '2026-11-21T07:59:59Z', '500.00'); // 23:59:59 on the 20th, local
    await forwardedOrder(t.db, first.partnershipId, '2026-11-21T08:00:00Z', '10.00'); // 00:00:00 on the 21st
    await forwardedOrder(t.db, first.partnershipId, '2026-11-22T07:59:59Z', '25.50'); // 23:59:59 on the 21st
    await forwardedOrder(t.db, first.partnershipId, '2026-11-22T08:00:00Z', '700.00'); // 00:00:00 on the 22nd
    await forwardedOrder(t.db, first.partnershipId, '2026-11-21T12:00:00Z', '99.00', { state: 'CANCELLED' });
    await forwardedOrder(t.db, first.partnershipId, '2026-11-21T13:00:00Z', '88.00', { state: 'FAILED' });

    const result = await billPartnershipsForDay(billingContext(t.db, sim), { supplierShopId: first.supplierId, now });

    expect(result.counts.succeeded).toBe(1);
    const stripe = stripeRecord(sim, first, day);
    // 10.00 + 25.50 = 35.50, plus 2% = 0.71
    expect(stripe.succeededIntents).toHaveLength(1);
    expect(stripe.succeededIntents[0]).toMatchObject({ amount: 3621, currency: 'usd', customer: first.customerId, metadata: { tandem_charge_key: `tandem-charge-${first.partnershipId}-${day}` } });
    expect(stripe.succeededCharges).toHaveLength(1);
    expect(await charge(first.partnershipId, day)).toMatchObject({
      status: 'SUCCEEDED',
      amountCents: 3621,
      currency: 'USD',
      orderCount: 2,
      stripeId: stripe.succeededIntents[0].id,
      idempotencyKey: `tandem-charge-${first.partnershipId}-${day}`,
    });
  });

  it('charges two retailers of the same supplier separately, each once', async () => {
    const a = await seedPartnership(t.db, sim, { timezone: 'America/Los_Angeles' });
    const b = await seedPartnership(t.db, sim, { sameSupplierAs: a });
    await forwardedOrder(t.db, a.partnershipId, '2026-11-21T20:00:00Z', '40.00');
    await forwardedOrder(t.db, b.partnershipId, '2026-11-21T21:00:00Z', '60.00');

    const result = await billPartnershipsForDay(billingContext(t.db, sim), { supplierShopId: a.supplierId, now });

    expect(result.counts.succeeded).toBe(2);
    expect(await charge(a.partnershipId, day)).toMatchObject({ status: 'SUCCEEDED', amountCents: 4000 });
    expect(await charge(b.partnershipId, day)).toMatchObject({ status: 'SUCCEEDED', amountCents: 6000 });
    expect(stripeRecord(sim, a, day).succeededIntents.map((pi) => [pi.customer, pi.amount])).toEqual([[a.customerId, 4000]]);
    expect(stripeRecord(sim, b, day).succeededIntents.map((pi) => [pi.customer, pi.amount])).toEqual([[b.customerId, 6000]]);
  });

  it('charges once when the billing runs twice for the same day', async () => {
    const seeded = await seedPartnership(t.db, sim, { timezone: 'America/Los_Angeles' });
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-21T20:00:00Z', '12.00');
    const ctx = billingContext(t.db, sim);

    await billPartnershipsForDay(ctx, { supplierShopId: seeded.supplierId, now });
    const before = stripeRecord(sim, seeded, day).requests.length;
    const again = await billPartnershipsForDay(ctx, { supplierShopId: seeded.supplierId, now });

    expect(again.counts).toMatchObject({ succeeded: 0, already_billed: 1 });
    const stripe = stripeRecord(sim, seeded, day);
    expect(stripe.succeededIntents).toHaveLength(1);
    expect(stripe.requests).toHaveLength(before);
  });
});

describe('when the retailer is not yet a customer in the supplier Stripe account', () => {
  it('creates the customer once, links it, and alerts that it has no card', async () => {
    const seeded = await seedPartnership(t.db, sim, { existingCustomer: false, retailerName: 'Birch Goods' });
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-22T10:00:00Z', '60.00');
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-23T10:00:00Z', '70.00');
    const ctx = billingContext(t.db, sim);

    const outcome = await billPartnership(ctx, seeded.partnershipId, '2026-11-22');
    const nextDay = await billPartnership(ctx, seeded.partnershipId, '2026-11-23');

    expect([outcome.status, nextDay.status]).toEqual(['failed', 'failed']);
    const customers = stripeRecord(sim, seeded, '2026-11-22').customers;
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ name: 'Birch Goods', metadata: { tandem_retailer_shop_id: seeded.retailerId } });
    expect(await t.db.customerLink.findMany({ where: { connectionId: seeded.connectionId as string } })).toMatchObject([
      { externalAccountId: seeded.retailerId, externalCustomerId: customers[0].id, createdByTandem: true },
    ]);
    expect(await charge(seeded.partnershipId, '2026-11-22')).toMatchObject({ status: 'FAILED', stripeId: null });
    const alert = await t.db.alert.findUniqueOrThrow({ where: { shopId_key: { shopId: seeded.supplierId, key: `billing-declined_${seeded.partnershipId}` } } });
    expect(alert).toMatchObject({
      title: 'No card on file for Birch Goods',
      // One alert per partnership, carrying the latest day; each day's Charge row keeps its own.
      message: `Birch Goods could not be charged USD 70.00 for the orders of 2026-11-23: their Stripe customer (${customers[0].id}) has no default card.`,
    });
  });
});

describe('when the partnership is billed by invoice', () => {
  it('sends one paid Stripe invoice with one line for the day, paid with the retailer card', async () => {
    const seeded = await seedPartnership(t.db, sim, { billingTerms: { currency: 'USD', method: 'invoice', feePercent: 10 } });
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-22T10:00:00Z', '80.00');

    const outcome = await billPartnership(billingContext(t.db, sim), seeded.partnershipId, '2026-11-22');

    expect(outcome.status).toBe('succeeded');
    const stripe = stripeRecord(sim, seeded, '2026-11-22');
    expect(stripe.invoices).toHaveLength(1);
    expect(stripe.invoices[0]).toMatchObject({ status: 'paid', customer: seeded.customerId, amount_paid: 8800, currency: 'usd' });
    expect(stripe.invoices[0].lines.data.map((l) => [l.amount, l.description])).toEqual([[8800, '1 order(s) forwarded on 2026-11-22']]);
    expect(stripe.succeededCharges.map((c) => c.amount)).toEqual([8800]);
    expect(await charge(seeded.partnershipId, '2026-11-22')).toMatchObject({ status: 'SUCCEEDED', stripeId: stripe.invoices[0].id, amountCents: 8800 });
  });

  it('marks the day failed with the invoice id when the card is declined', async () => {
    const seeded = await seedPartnership(t.db, sim, { card: 'pm_card_chargeDeclined', retailerName: 'Cedar & Co', billingTerms: { method: 'invoice' } });
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-22T10:00:00Z', '55.00');

    const outcome = await billPartnership(billingContext(t.db, sim), seeded.partnershipId, '2026-11-22');

    expect(outcome.status).toBe('failed');
    const stripe = stripeRecord(sim, seeded, '2026-11-22');
    expect(stripe.invoices.map((i) => i.status)).toEqual(['open']);
    expect(await charge(seeded.partnershipId, '2026-11-22')).toMatchObject({ status: 'FAILED', stripeId: stripe.invoices[0].id });
    const alert = await t.db.alert.findUniqueOrThrow({ where: { shopId_key: { shopId: seeded.supplierId, key: `billing-declined_${seeded.partnershipId}` } } });
    expect(alert.title).toBe('Card declined for Cedar & Co');
  });
});

describe('when a partner had no forwarded orders that day', () => {
  it('records a skipped charge and sends Stripe nothing', async () => {
    const seeded = await seedPartnership(t.db, sim, { timezone: 'Asia/Tokyo' });
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-22T15:00:00Z', '30.00'); // the 23rd in Tokyo
    const before = stripeRecord(sim, seeded, '2026-11-22').requests.length;

    const outcome = await billPartnership(billingContext(t.db, sim), seeded.partnershipId, '2026-11-22');

    expect(outcome.status).toBe('skipped');
    expect(await charge(seeded.partnershipId, '2026-11-22')).toMatchObject({ status: 'SKIPPED', amountCents: 0, orderCount: 0, stripeId: null });
    expect(stripeRecord(sim, seeded, '2026-11-22').requests).toHaveLength(before);
  });
});

describe('when the retailer card is declined', () => {
  it('marks the day failed and alerts the supplier with the retailer named and the fix, without charging again on a rerun', async () => {
    const seeded = await seedPartnership(t.db, sim, { card: 'pm_card_chargeDeclinedInsufficientFunds', retailerName: 'Acme Outdoors' });
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-22T10:00:00Z', '120.00');
    const ctx = billingContext(t.db, sim);

    const outcome = await billPartnership(ctx, seeded.partnershipId, '2026-11-22');
    await billPartnership(ctx, seeded.partnershipId, '2026-11-22');

    expect(outcome.status).toBe('failed');
    const stripe = stripeRecord(sim, seeded, '2026-11-22');
    expect(stripe.intents).toHaveLength(1);
    expect(stripe.succeededIntents).toHaveLength(0);
    expect(postsTo(stripe.requests, '/v1/payment_intents')).toBe(1);
    expect(await charge(seeded.partnershipId, '2026-11-22')).toMatchObject({
      status: 'FAILED',
      stripeId: stripe.intents[0].id,
      lastError: 'Stripe declined the card of Acme Outdoors: Your card has insufficient funds.',
    });
    const alert = await t.db.alert.findUniqueOrThrow({ where: { shopId_key: { shopId: seeded.supplierId, key: `billing-declined_${seeded.partnershipId}` } } });
    expect(alert).toMatchObject({
      severity: 'CRITICAL',
      resolvedAt: null,
      title: 'Card declined for Acme Outdoors',
      message: 'Stripe declined the card of Acme Outdoors for USD 120.00, the orders of 2026-11-22 (insufficient_funds: Your card has insufficient funds.).',
      fix: 'Ask Acme Outdoors to update the card on their customer in your Stripe account, then collect 2026-11-22 in Stripe; the following days are billed automatically.',
      subject: { partnershipId: seeded.partnershipId, day: '2026-11-22' },
    });
  });
});

describe('when the retailer updates the declined card', () => {
  it('charges the next day and clears the decline alert', async () => {
    const seeded = await seedPartnership(t.db, sim, { card: 'pm_card_chargeDeclined' });
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-21T10:00:00Z', '10.00');
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-22T10:00:00Z', '20.00');
    const ctx = billingContext(t.db, sim);
    await billPartnership(ctx, seeded.partnershipId, '2026-11-21');
    const stripe = new Stripe(seeded.secretKey, { host: '127.0.0.1', port: sim.port, protocol: 'http' });
    await stripe.customers.update(seeded.customerId as string, { invoice_settings: { default_payment_method: 'pm_card_visa' } });

    const outcome = await billPartnership(ctx, seeded.partnershipId, '2026-11-22');

    expect(outcome.status).toBe('succeeded');
    expect(await charge(seeded.partnershipId, '2026-11-21')).toMatchObject({ status: 'FAILED' });
    const alert = await t.db.alert.findUniqueOrThrow({ where: { shopId_key: { shopId: seeded.supplierId, key: `billing-declined_${seeded.partnershipId}` } } });
    expect(alert.resolvedAt).not.toBeNull();
  });
});

describe('when Stripe refuses the supplier key', () => {
  it('keeps the day waiting with a reconnect alert, then charges it once the key is fixed', async () => {
    const seeded = await seedPartnership(t.db, sim);
    const connectionId = seeded.connectionId as string;
    await t.db.connection.update({ where: { id: connectionId }, data: { credentials: secrets().encryptJson({ secretKey: 'sk_test_revoked_key_0000' }) } });
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-22T10:00:00Z', '20.00');
    const ctx = billingContext(t.db, sim);

    const waiting = await billPartnership(ctx, seeded.partnershipId, '2026-11-22');
    const alertKey = { shopId_key: { shopId: seeded.supplierId, key: `auth-expired_${connectionId}` } };

    expect(waiting.status).toBe('waiting');
    expect(await t.db.alert.findUniqueOrThrow({ where: alertKey })).toMatchObject({ title: 'Reconnect Stripe', resolvedAt: null });
    expect(await charge(seeded.partnershipId, '2026-11-22')).toMatchObject({ status: 'PENDING' });

    await t.db.connection.update({ where: { id: connectionId }, data: { credentials: secrets().encryptJson({ secretKey: seeded.secretKey }) } });
    await billPartnershipsForDay(ctx, { supplierShopId: seeded.supplierId, day: '2026-11-23' });

    expect(await charge(seeded.partnershipId, '2026-11-22')).toMatchObject({ status: 'SUCCEEDED' });
    expect((await t.db.alert.findUniqueOrThrow({ where: alertKey })).resolvedAt).not.toBeNull();
    expect(stripeRecord(sim, seeded, '2026-11-22').succeededCharges).toHaveLength(1);
  });
});

describe('when the supplier has not connected Stripe', () => {
  it('keeps the day waiting with an alert, then charges it once Stripe is connected', async () => {
    const seeded = await seedPartnership(t.db, sim, { stripe: false });
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-20T10:00:00Z', '15.00');
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-21T10:00:00Z', '16.00');
    const ctx = billingContext(t.db, sim);

    const waiting = await billPartnershipsForDay(ctx, { supplierShopId: seeded.supplierId, day: '2026-11-20' });
    const alertKey = { shopId_key: { shopId: seeded.supplierId, key: `billing-no-stripe_${seeded.supplierId}` } };
    expect(waiting.counts.waiting).toBe(1);
    expect(await charge(seeded.partnershipId, '2026-11-20')).toMatchObject({ status: 'PENDING', amountCents: 1500 });
    expect(await t.db.alert.findUniqueOrThrow({ where: alertKey })).toMatchObject({ title: 'Connect Stripe to bill your partners', resolvedAt: null });

    await connectStripe(t.db, seeded.supplierId, seeded.accountId, seeded.secretKey);
    const next = await billPartnershipsForDay(ctx, { supplierShopId: seeded.supplierId, day: '2026-11-21' });

    expect(next.counts.succeeded).toBe(2);
    expect(await charge(seeded.partnershipId, '2026-11-20')).toMatchObject({ status: 'SUCCEEDED', amountCents: 1500 });
    expect(await charge(seeded.partnershipId, '2026-11-21')).toMatchObject({ status: 'SUCCEEDED', amountCents: 1600 });
    expect((await t.db.alert.findUniqueOrThrow({ where: alertKey })).resolvedAt).not.toBeNull();
  });
});

describe('when the billing terms are invalid', () => {
  it('charges nothing and tells the supplier which term to correct', async () => {
    const seeded = await seedPartnership(t.db, sim, { retailerName: 'Dune Supply', billingTerms: { feePercent: 'lots' } });
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-22T10:00:00Z', '20.00');

    const outcome = await billPartnership(billingContext(t.db, sim), seeded.partnershipId, '2026-11-22');

    expect(outcome).toEqual({ status: 'inactive' });
    expect(await charge(seeded.partnershipId, '2026-11-22')).toBeNull();
    const alert = await t.db.alert.findUniqueOrThrow({ where: { shopId_key: { shopId: seeded.supplierId, key: `billing-terms_${seeded.partnershipId}` } } });
    expect(alert.title).toBe('Billing terms for Dune Supply are invalid');
    expect(alert.message).toMatch(/^Tandem could not bill Dune Supply for 2026-11-22 because the partnership's billing terms are invalid \(feePercent: .+\)\.$/);
  });
});

describe('when a partnership is not active', () => {
  it('finishes a day already started before the partnership ended', async () => {
    const seeded = await seedPartnership(t.db, sim);
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-21T10:00:00Z', '25.00');
    sim.faults.add({ route: '^POST /v1/payment_intents$', status: 503, times: 1 });
    await expect(billPartnership(billingContext(t.db, sim), seeded.partnershipId, '2026-11-21')).rejects.toMatchObject({ code: 'unavailable' });
    await t.db.partnership.update({ where: { id: seeded.partnershipId }, data: { status: 'ENDED' } });

    const result = await billPartnershipsForDay(billingContext(t.db, sim), { supplierShopId: seeded.supplierId, day: '2026-11-22' });

    expect(result.counts.succeeded).toBe(1);
    expect(await charge(seeded.partnershipId, '2026-11-21')).toMatchObject({ status: 'SUCCEEDED' });
    expect(await charge(seeded.partnershipId, '2026-11-22')).toBeNull();
  });

  it('bills nothing and writes no charge', async () => {
    const seeded = await seedPartnership(t.db, sim);
    await t.db.partnership.update({ where: { id: seeded.partnershipId }, data: { status: 'ENDED' } });
    await forwardedOrder(t.db, seeded.partnershipId, '2026-11-22T10:00:00Z', '20.00');

    const outcome = await billPartnership(billingContext(t.db, sim), seeded.partnershipId, '2026-11-22');

    expect(outcome).toEqual({ status: 'inactive' });
    expect(await charge(seeded.partnershipId, '2026-11-22')).toBeNull();
  });
});
