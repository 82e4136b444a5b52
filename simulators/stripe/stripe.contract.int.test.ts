// The simulator's objects compared with Stripe's official example objects
// (stripe/openapi fixtures3.json in ../shared/contracts/stripe): same fields, same JSON kinds.
// Field types are also pinned at compile time by the `stripe` package's resource types.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractsDir, contractsPresent, missingContractsMessage } from '../common/openapi.ts';
import { startStripeSimulator, type StripeSimulator } from './index.ts';

const FIXTURES = 'stripe/fixtures3.json';
const present = contractsPresent(FIXTURES);
const title = present ? 'when objects are compared with Stripe’s official fixtures' : `when objects are compared with Stripe’s official fixtures (skipped: ${missingContractsMessage(FIXTURES)})`;

/** Fields the fixtures show that the pinned API version leaves out, with why. */
const NOT_RETURNED: Record<string, string[]> = {
  // Since API 2022-11-15 charge.refunds is returned only when expanded.
  charge: ['refunds'],
  // Not in stripe 23.1.0's Invoice type: moved to invoice.parent.subscription_details (API 2025-03-31.basil).
  invoice: ['subscription'],
};

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

describe.skipIf(!present)(title, () => {
  let sim: StripeSimulator;
  const objects: Record<string, Record<string, unknown>> = {};
  let fixtures: Record<string, Record<string, unknown>> = {};

  beforeAll(async () => {
    fixtures = JSON.parse(readFileSync(resolve(contractsDir, FIXTURES), 'utf8')).resources;
    sim = await startStripeSimulator({ latencyMs: 0 });
    const stripe = new Stripe(sim.secretKey, { host: '127.0.0.1', port: sim.port, protocol: 'http' });
    const customer = await stripe.customers.create({ email: 'a@b.example', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', customer: customer.id, payment_method: customer.invoice_settings.default_payment_method as string, confirm: true });
    const invoice = await stripe.invoices.create({ customer: customer.id });
    const item = await stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 500, currency: 'usd' });
    await stripe.invoices.finalizeInvoice(invoice.id);
    const event = (await stripe.events.list({ limit: 1 })).data[0];
    // The JSON on the wire, not the client's objects (it wraps decimal strings in a Decimal class).
    const wire = async (path: string) => (await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${sim.secretKey}` } })).json();
    Object.assign(objects, {
      customer: await wire(`/v1/customers/${customer.id}`),
      payment_intent: await wire(`/v1/payment_intents/${pi.id}`),
      charge: await wire(`/v1/charges/${pi.latest_charge as string}`),
      payment_method: await wire(`/v1/payment_methods/${customer.invoice_settings.default_payment_method as string}`),
      invoice: await wire(`/v1/invoices/${invoice.id}`),
      invoiceitem: await wire(`/v1/invoiceitems/${item.id}`),
      event: await wire(`/v1/events/${event.id}`),
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each(['customer', 'payment_intent', 'charge', 'payment_method', 'invoice', 'invoiceitem', 'event'])('gives a %s every field of the fixture', (name) => {
    const missing = Object.keys(fixtures[name]).filter((k) => !(k in objects[name]) && !NOT_RETURNED[name]?.includes(k));
    expect(missing).toEqual([]);
  });

  it.each(['customer', 'payment_intent', 'charge', 'payment_method', 'invoice', 'invoiceitem', 'event'])('gives a %s the fixture’s id prefix, object name and JSON kinds', (name) => {
    const fixture = fixtures[name];
    const ours = objects[name];
    expect(ours.object).toBe(fixture.object);
    expect(String(ours.id).split('_')[0]).toBe(String(fixture.id).split('_')[0]);
    expect(ours.livemode).toBe(false);
    const clashes = Object.keys(fixture)
      .filter((k) => k in ours && fixture[k] !== null && ours[k] !== null && kind(fixture[k]) !== kind(ours[k]))
      .map((k) => `${k}: fixture ${kind(fixture[k])}, simulator ${kind(ours[k])}`);
    expect(clashes).toEqual([]);
  });
});
