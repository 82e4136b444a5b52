import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStripeSimulator, type StripeSimulator } from './index.ts';

let sim: StripeSimulator;

/** The official client, unmodified, pointed at the simulator through its own config. */
function client(config: Stripe.StripeConfig = {}, key = sim.secretKey) {
  return new Stripe(key, { host: '127.0.0.1', port: sim.port, protocol: 'http', ...config });
}

async function control(path: string, body?: unknown) {
  const res = await fetch(`${sim.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.status === 204 ? undefined : res.json();
}

const charges = () => sim.snapshot().charges;

beforeAll(async () => {
  sim = await startStripeSimulator({ latencyMs: 0 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await control('/_control/reset', {});
});

describe('when billing a partner with a payment intent', () => {
  it('creates a customer with a default card and charges it off session', async () => {
    const stripe = client();
    const customer = await stripe.customers.create({
      email: 'buyer@retailer.example',
      name: 'Retailer Co',
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
      metadata: { partnership: 'p_1' },
    });
    expect(customer.id).toMatch(/^cus_/);
    expect(customer.object).toBe('customer');
    expect(customer.livemode).toBe(false);
    const pm = customer.invoice_settings.default_payment_method as string;
    expect(pm).toMatch(/^pm_/);

    const pi = await stripe.paymentIntents.create({
      amount: 1250,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm,
      confirm: true,
      off_session: true,
      metadata: { day: '2026-11-23' },
    });
    expect(pi).toMatchObject({ object: 'payment_intent', status: 'succeeded', amount: 1250, amount_received: 1250, customer: customer.id });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ status: 'succeeded', paid: true, amount: 1250, payment_intent: pi.id });

    const found = await stripe.customers.list({ email: 'buyer@retailer.example' });
    expect(found.data.map((c) => c.id)).toEqual([customer.id]);
    expect((await stripe.customers.list({ email: 'BUYER@retailer.example' })).data).toEqual([]);
  });

  it('answers a declined card with a card_error and records the failed charge', async () => {
    const stripe = client();
    const error = await stripe.paymentIntents
      .create({ amount: 900, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((error as Stripe.errors.StripeCardError).decline_code).toBe('generic_decline');
    expect(charges().map((c) => c.status)).toEqual(['failed']);
  });
});

describe('when billing a partner with an invoice', () => {
  it('takes a draft invoice through finalize to paid and charges the default card once', async () => {
    const stripe = client();
    const customer = await stripe.customers.create({ email: 'a@b.example', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
    const draft = await stripe.invoices.create({ customer: customer.id, collection_method: 'charge_automatically', auto_advance: false });
    expect(draft.status).toBe('draft');
    await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 4200, currency: 'usd', description: 'Tandem daily fee 2026-11-23' });
    const finalized = await stripe.invoices.finalizeInvoice(draft.id);
    expect(finalized).toMatchObject({ status: 'open', amount_due: 4200, total: 4200 });
    expect(finalized.number).toMatch(/^[A-Z0-9]+-0001$/);
    const paid = await stripe.invoices.pay(draft.id);
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 4200, amount_remaining: 0 });
    expect(paid.lines.data.map((l) => l.amount)).toEqual([4200]);
    expect(charges().map((c) => [c.amount, c.status])).toEqual([[4200, 'succeeded']]);
    const again = await stripe.invoices.pay(draft.id).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(charges()).toHaveLength(1);
  });
});

describe('when a request is retried with an Idempotency-Key', () => {
  it('replays the original payment intent and charges once', async () => {
    const stripe = client();
    const params = { amount: 700, currency: 'usd', payment_method: 'pm_card_visa', confirm: true };
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'daily_p1_2026-11-23' });
    const second = await stripe.paymentIntents.create(params, { idempotencyKey: 'daily_p1_2026-11-23' });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(charges()).toHaveLength(1);
  });

  it('refuses the same key with different parameters with an idempotency_error', async () => {
    const stripe = client();
    await stripe.paymentIntents.create({ amount: 700, currency: 'usd' }, { idempotencyKey: 'k1' });
    const error = await stripe.paymentIntents.create({ amount: 701, currency: 'usd' }, { idempotencyKey: 'k1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((error as Stripe.errors.StripeError).message).toContain('same parameters');
    expect((error as Stripe.errors.StripeError).statusCode).toBe(400);
  });

  it('replays a declined charge instead of trying the card again', async () => {
    const stripe = client();
    const params = { amount: 900, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true };
    const attempt = () =>
      stripe.paymentIntents.create(params, { idempotencyKey: 'k-decline' }).then(
        () => expect.unreachable('the card should be declined'),
        (e: Stripe.errors.StripeError) => e,
      );
    const a = await attempt();
    const b = await attempt();
    expect(a.type).toBe('StripeCardError');
    expect(b.type).toBe('StripeCardError');
    expect(b.payment_intent?.id).toBe(a.payment_intent?.id);
    expect(charges()).toHaveLength(1);
  });

  it('forgets a key after 24 hours of simulated time', async () => {
    const stripe = client();
    const first = await stripe.customers.create({ email: 'x@y.example' }, { idempotencyKey: 'k-day' });
    sim.clock.advance(24 * 60 * 60 * 1000 + 1000);
    const second = await stripe.customers.create({ email: 'x@y.example' }, { idempotencyKey: 'k-day' });
    expect(second.id).not.toBe(first.id);
  });
});

describe('when Stripe processes a request but the response is lost', () => {
  it('lets the client retry the charge with the same key and charges exactly once', async () => {
    // Both the attempt and the client's own reconnect retry lose their answers.
    await control('/_control/lost-responses', { route: '^POST /v1/payment_intents$', times: 2 });
    const stripe = client({ maxNetworkRetries: 0 });
    const params = { amount: 2500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, off_session: true };
    const lost = await stripe.paymentIntents.create(params, { idempotencyKey: 'billing_p7_2026-11-23' }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(charges()).toHaveLength(1);

    const retried = await stripe.paymentIntents.create(params, { idempotencyKey: 'billing_p7_2026-11-23' });
    expect(retried.status).toBe('succeeded');
    expect(retried.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(charges().map((c) => c.payment_intent)).toEqual([retried.id]);
  });

  it('charges once when the client retries by itself with its automatic key', async () => {
    await control('/_control/lost-responses', { route: '^POST /v1/payment_intents$', times: 1 });
    const pi = await client({ maxNetworkRetries: 2 }).paymentIntents.create({ amount: 2500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    expect(pi.status).toBe('succeeded');
    expect(charges()).toHaveLength(1);
    const counts = ((await control('/_control/requests')) as { counts: Record<string, number> }).counts;
    expect(counts['POST /v1/payment_intents']).toBe(2);
  });
});

describe('when webhooks are delivered', () => {
  let receiver: Server;
  const received: { body: string; signature: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['stripe-signature']) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('signs events so stripe.webhooks.constructEvent verifies them', async () => {
    received.length = 0;
    const { port } = receiver.address() as AddressInfo;
    const endpoint = sim.addWebhookEndpoint({ url: `http://127.0.0.1:${port}/webhooks/stripe`, enabledEvents: ['payment_intent.succeeded'] });
    const stripe = client();
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true }, { idempotencyKey: 'hook-1' });
    await sim.webhooks.drain();
    expect(received).toHaveLength(1);
    const event = stripe.webhooks.constructEvent(received[0].body, received[0].signature, endpoint.secret);
    expect(event.type).toBe('payment_intent.succeeded');
    expect((event.data.object as Stripe.PaymentIntent).id).toBe(pi.id);
    expect(event.request).toEqual({ id: expect.stringMatching(/^req_/), idempotency_key: 'hook-1' });
    expect(() => stripe.webhooks.constructEvent(received[0].body, received[0].signature, 'whsec_wrong')).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });
});

describe('when requests arrive faster than the rate limit', () => {
  it('answers 429 rate_limit with Stripe-Rate-Limited-Reason until a second has passed', async () => {
    await control('/_control/rate-limit', { perSecond: 3 });
    const stripe = client({ maxNetworkRetries: 0 });
    for (let i = 0; i < 3; i++) await stripe.customers.list();
    const error = (await stripe.customers.list().catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error.code).toBe('rate_limit');
    expect(error.headers?.['stripe-rate-limited-reason']).toBe('global-rate');
    sim.clock.advance(1001);
    await expect(stripe.customers.list()).resolves.toMatchObject({ object: 'list' });
  });
});

describe('when a key is checked', () => {
  it('answers with the account the key opens', async () => {
    const second = sim.state.createAccount({ id: 'acct_second', secretKey: 'sk_test_second' });
    expect(await client({}, 'sk_test_second').accounts.retrieveCurrent()).toMatchObject({ id: second.id, object: 'account', charges_enabled: true });
  });
});

describe('when the key is wrong or an object is missing', () => {
  it('answers an unknown key with an authentication error', async () => {
    const error = await client({}, 'sk_test_nope_000000000000').customers.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('answers a missing customer with resource_missing naming it', async () => {
    const error = (await client().customers.retrieve('cus_missing').catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('resource_missing');
    expect(error.message).toBe("No such customer: 'cus_missing'");
    expect(error.requestId).toMatch(/^req_/);
  });
});

describe('when billing looks an earlier charge up before charging again', () => {
  it('finds a payment intent by metadata through search', async () => {
    const stripe = client();
    const pi = await stripe.paymentIntents.create({ amount: 800, currency: 'usd', metadata: { charge_day: '2026-11-23', partnership: 'p_9' } });
    await stripe.paymentIntents.create({ amount: 800, currency: 'usd', metadata: { charge_day: '2026-11-22', partnership: 'p_9' } });
    const found = await stripe.paymentIntents.search({ query: "metadata['partnership']:'p_9' AND metadata['charge_day']:'2026-11-23'" });
    expect(found.data.map((p) => p.id)).toEqual([pi.id]);
  });

  it('hides new objects from search for the configured lag, as Stripe’s eventually consistent search does', async () => {
    await control('/_control/search-lag', { ms: 60_000 });
    const stripe = client();
    await stripe.customers.create({ email: 'late@x.example' });
    expect((await stripe.customers.search({ query: "email:'late@x.example'" })).data).toEqual([]);
    sim.clock.advance(61_000);
    expect((await stripe.customers.search({ query: "email:'late@x.example'" })).data).toHaveLength(1);
  });

  it('expands latest_charge when asked', async () => {
    const stripe = client();
    const pi = await stripe.paymentIntents.create({ amount: 800, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const expanded = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    expect((expanded.latest_charge as Stripe.Charge).object).toBe('charge');
    expect((expanded.latest_charge as Stripe.Charge).payment_intent).toBe(pi.id);
    expect(sim.snapshot().paymentIntents[0].latest_charge).toBe((expanded.latest_charge as Stripe.Charge).id);
  });
});
