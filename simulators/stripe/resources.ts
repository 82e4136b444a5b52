// The /v1 resources Tandem's daily billing uses: customers (with a default card), payment
// intents (create + confirm, off_session), invoice items and invoices (draft -> finalize -> pay),
// charges, events and webhook endpoints. Params arrive form-decoded (`metadata[k]=v` -> objects).
import type Stripe from 'stripe';
import { invalidParam, invalidState, missingParam, resourceMissing } from './errors.ts';
import { lineFromItem, newCustomer, newInvoice, newInvoiceItem, newPaymentIntent, totalInvoice } from './objects.ts';
import { confirmPaymentIntent, payInvoice, resolvePaymentMethod, type PaymentContext } from './payments.ts';
import type { Params, StripeCall, StripeRouter } from './server.ts';
import { stripeId, STRIPE_API_VERSION } from './state.ts';
import type { StripeEvents } from './webhooks.ts';
import { searchObjects } from './search.ts';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const bool = (v: unknown): boolean | undefined => (v === 'true' || v === true ? true : v === 'false' || v === false ? false : undefined);

function integer(params: Params, name: string, required: boolean): number | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') {
    if (required) throw missingParam(name);
    return undefined;
  }
  const n = Number(raw);
  if (!Number.isInteger(n)) throw invalidParam(name, `Invalid integer: ${String(raw)}`, 'parameter_invalid_integer');
  return n;
}

function metadataOf(params: Params): Stripe.Metadata {
  const raw = params.metadata;
  if (raw === undefined || raw === '') return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidParam('metadata', 'Invalid object', 'parameter_invalid_empty');
  return Object.fromEntries(Object.entries(raw as Params).map(([k, v]) => [k, String(v)]));
}

/** Stripe merges metadata on update; an empty value deletes the key. */
function mergeMetadata(current: Stripe.Metadata | null, params: Params): Stripe.Metadata {
  if (params.metadata === '') return {};
  const merged = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(metadataOf(params))) {
    if (v === '') delete merged[k];
    else merged[k] = v;
  }
  return merged;
}

function currencyOf(params: Params, required: boolean): string | undefined {
  const c = str(params.currency);
  if (!c) {
    if (required) throw missingParam('currency');
    return undefined;
  }
  if (!/^[a-z]{3}$/i.test(c)) throw invalidParam('currency', `Invalid currency: ${c}. Stripe currently supports these currencies: usd, aud, cad, eur, gbp, nzd, ...`, 'parameter_invalid_string');
  return c.toLowerCase();
}

/** A Stripe list page: newest first, `limit` (1-100, default 10), `starting_after` / `ending_before`. */
function listOf<T extends { id: string }>(items: T[], query: Params, url: string) {
  const newestFirst = [...items].reverse();
  const limit = Math.min(100, Math.max(1, Number(query.limit ?? 10) || 10));
  let from = 0;
  let to = newestFirst.length;
  const after = str(query.starting_after);
  const before = str(query.ending_before);
  if (after) from = newestFirst.findIndex((x) => x.id === after) + 1;
  if (before) to = Math.max(0, newestFirst.findIndex((x) => x.id === before));
  const window = newestFirst.slice(from, to);
  const data = before ? window.slice(-limit) : window.slice(0, limit);
  return { object: 'list' as const, data, has_more: window.length > data.length, url };
}

export function registerStripeResources(router: StripeRouter, events: StripeEvents, searchLagMs: () => number) {
  const ctxOf = (call: StripeCall): PaymentContext => ({
    account: call.account,
    now: call.now,
    events,
    source: { requestId: call.requestId, idempotencyKey: call.idempotencyKey },
  });
  const customerOf = (call: StripeCall, id: string, param = 'id') => {
    const c = call.account.customers.get(id);
    if (!c) throw resourceMissing('customer', id, param);
    return c;
  };
  const emit = (call: StripeCall, type: string, object: { id: string }) => events.emit(call.account, type, object, ctxOf(call).source);

  /** Resolves and attaches a default payment method given as an id or a test token. */
  const attach = (call: StripeCall, customer: Stripe.Customer, idOrToken: string, param: string) => {
    const pm = resolvePaymentMethod(ctxOf(call), idOrToken, customer.id, param);
    if (pm.customer && pm.customer !== customer.id) {
      throw invalidState(`The payment method you provided has already been attached to a customer.`, 'payment_method_unexpected_state');
    }
    pm.customer = customer.id;
    return pm;
  };

  // Search routes come first so `/search` is not taken for an id.
  const searchRoute = (resource: string, all: (call: StripeCall) => { id: string; created: number; metadata?: Stripe.Metadata | null }[]) =>
    router.get(`/v1/${resource}/search`, (call) => {
      const found = searchObjects(all(call) as unknown as Parameters<typeof searchObjects>[0], str(call.query.query) ?? '', call.now, searchLagMs());
      const newestFirst = [...found].reverse();
      const limit = Math.min(100, Math.max(1, Number(call.query.limit ?? 10) || 10));
      const offset = Number(Buffer.from(str(call.query.page) ?? '', 'base64url').toString() || 0) || 0;
      const data = newestFirst.slice(offset, offset + limit);
      const more = offset + limit < newestFirst.length;
      return {
        body: {
          object: 'search_result',
          data,
          has_more: more,
          next_page: more ? Buffer.from(String(offset + limit)).toString('base64url') : null,
          url: `/v1/${resource}/search`,
        },
      };
    });
  searchRoute('customers', (call) => [...call.account.customers.values()]);
  searchRoute('payment_intents', (call) => [...call.account.paymentIntents.values()]);
  searchRoute('charges', (call) => [...call.account.charges.values()]);
  searchRoute('invoices', (call) => [...call.account.invoices.values()]);

  // The account the key opens (docs.stripe.com/api/accounts/retrieve): a cheap read to check a key.
  router.get('/v1/account', (call) => ({
    body: {
      id: call.account.id,
      object: 'account',
      type: 'standard',
      country: 'US',
      default_currency: 'usd',
      email: null,
      business_profile: { name: null, url: null },
      charges_enabled: true,
      payouts_enabled: true,
      details_submitted: true,
    },
  }));

  // Customers
  router.post('/v1/customers', (call) => {
    const b = call.body;
    const customer = newCustomer(call.now, {
      email: str(b.email) ?? null,
      name: str(b.name) ?? null,
      description: str(b.description) ?? null,
      phone: str(b.phone) ?? null,
      metadata: metadataOf(b),
    });
    const attached = str(b.payment_method) ? attach(call, customer, str(b.payment_method) as string, 'payment_method') : undefined;
    const settings = (b.invoice_settings ?? {}) as Params;
    const defaultPm = str(settings.default_payment_method);
    if (defaultPm) {
      // The same test token twice means the card just attached, as in Stripe's own examples.
      const pm = attached && defaultPm === b.payment_method ? attached : call.account.paymentMethods.get(defaultPm);
      if (!pm || pm.customer !== customer.id) {
        throw invalidParam('invoice_settings[default_payment_method]', `No such PaymentMethod: '${defaultPm}'`, 'resource_missing');
      }
      customer.invoice_settings.default_payment_method = pm.id;
    }
    call.account.customers.set(customer.id, customer);
    emit(call, 'customer.created', customer);
    return { body: customer };
  });
  router.get('/v1/customers/:id', (call) => ({ body: customerOf(call, call.params.id) }));
  router.post('/v1/customers/:id', (call) => {
    const customer = customerOf(call, call.params.id);
    const b = call.body;
    for (const field of ['email', 'name', 'description', 'phone'] as const) {
      if (b[field] !== undefined) customer[field] = str(b[field]) || null;
    }
    if (b.metadata !== undefined) customer.metadata = mergeMetadata(customer.metadata, b);
    const settings = (b.invoice_settings ?? {}) as Params;
    const defaultPm = str(settings.default_payment_method);
    if (defaultPm) customer.invoice_settings.default_payment_method = attach(call, customer, defaultPm, 'invoice_settings[default_payment_method]').id;
    emit(call, 'customer.updated', customer);
    return { body: customer };
  });
  router.get('/v1/customers', (call) => {
    // `email` is a case-sensitive exact filter (docs.stripe.com/api/customers/list).
    const email = str(call.query.email);
    const all = [...call.account.customers.values()].filter((c) => email === undefined || c.email === email);
    return { body: listOf(all, call.query, '/v1/customers') };
  });

  // Payment methods
  router.get('/v1/payment_methods/:id', (call) => {
    const pm = call.account.paymentMethods.get(call.params.id);
    if (!pm) throw resourceMissing('PaymentMethod', call.params.id);
    return { body: pm };
  });
  router.post('/v1/payment_methods/:id/attach', (call) => {
    const customerId = str(call.body.customer);
    if (!customerId) throw missingParam('customer');
    const pm = attach(call, customerOf(call, customerId, 'customer'), call.params.id, 'payment_method');
    emit(call, 'payment_method.attached', pm);
    return { body: pm };
  });

  // Payment intents
  router.post('/v1/payment_intents', (call) => {
    const b = call.body;
    const amount = integer(b, 'amount', true) as number;
    const currency = currencyOf(b, true) as string;
    if (amount < 50) throw invalidParam('amount', 'Amount must be at least 50 cents', 'amount_too_small');
    const customerId = str(b.customer) ?? null;
    if (customerId) customerOf(call, customerId, 'customer');
    const confirm = bool(b.confirm) ?? false;
    if (b.off_session !== undefined && !confirm) {
      throw invalidParam('off_session', 'You may only specify `off_session` when `confirm` is `true`.', 'parameter_invalid_empty');
    }
    const ctx = ctxOf(call);
    const pmParam = str(b.payment_method);
    const pm = pmParam ? resolvePaymentMethod(ctx, pmParam, null) : undefined;
    const pi = newPaymentIntent(call.now, {
      amount,
      currency,
      customer: customerId,
      description: str(b.description) ?? null,
      metadata: metadataOf(b),
      paymentMethod: pm?.id ?? null,
    });
    call.account.paymentIntents.set(pi.id, pi);
    emit(call, 'payment_intent.created', pi);
    if (confirm) confirmPaymentIntent(ctx, pi);
    return { body: pi };
  });
  router.get('/v1/payment_intents/:id', (call) => {
    const pi = call.account.paymentIntents.get(call.params.id);
    if (!pi) throw resourceMissing('payment_intent', call.params.id);
    return { body: pi };
  });
  router.post('/v1/payment_intents/:id/confirm', (call) => {
    const pi = call.account.paymentIntents.get(call.params.id);
    if (!pi) throw resourceMissing('payment_intent', call.params.id);
    const ctx = ctxOf(call);
    const pmParam = str(call.body.payment_method);
    if (pmParam) pi.payment_method = resolvePaymentMethod(ctx, pmParam, null).id;
    confirmPaymentIntent(ctx, pi);
    return { body: pi };
  });
  router.get('/v1/payment_intents', (call) => {
    const customer = str(call.query.customer);
    const all = [...call.account.paymentIntents.values()].filter((p) => customer === undefined || p.customer === customer);
    return { body: listOf(all, call.query, '/v1/payment_intents') };
  });

  // Charges (read only: money moves through payment intents)
  router.get('/v1/charges/:id', (call) => {
    const charge = call.account.charges.get(call.params.id);
    if (!charge) throw resourceMissing('charge', call.params.id);
    return { body: charge };
  });
  router.get('/v1/charges', (call) => {
    const customer = str(call.query.customer);
    const pi = str(call.query.payment_intent);
    const all = [...call.account.charges.values()].filter(
      (c) => (customer === undefined || c.customer === customer) && (pi === undefined || c.payment_intent === pi),
    );
    return { body: listOf(all, call.query, '/v1/charges') };
  });

  // Invoice items and invoices
  const invoiceOf = (call: StripeCall, id: string, param = 'id') => {
    const invoice = call.account.invoices.get(id);
    if (!invoice) throw resourceMissing('invoice', id, param);
    return invoice;
  };
  router.post('/v1/invoiceitems', (call) => {
    const b = call.body;
    const customerId = str(b.customer);
    if (!customerId) throw missingParam('customer');
    const customer = customerOf(call, customerId, 'customer');
    if (b.price !== undefined || b.price_data !== undefined || b.pricing !== undefined) {
      throw invalidParam('price', 'The simulator supports invoice items by `amount` only.', 'parameter_unknown');
    }
    const amount = integer(b, 'amount', true) as number;
    const invoiceId = str(b.invoice) ?? null;
    const invoice = invoiceId ? invoiceOf(call, invoiceId, 'invoice') : undefined;
    if (invoice && invoice.status !== 'draft') {
      throw invalidState(`You can only add invoice items to draft invoices. This invoice is ${invoice.status}.`, 'invoice_not_editable');
    }
    if (invoice && invoice.customer !== customer.id) {
      throw invalidParam('invoice', 'The invoice and invoice item must belong to the same customer.', 'parameter_invalid_string');
    }
    const item = newInvoiceItem(call.now, {
      customer: customer.id,
      amount,
      currency: currencyOf(b, false) ?? invoice?.currency ?? customer.currency ?? 'usd',
      description: str(b.description) ?? null,
      metadata: metadataOf(b),
      invoice: invoiceId,
      quantity: integer(b, 'quantity', false) ?? 1,
    });
    call.account.invoiceItems.set(item.id, item);
    if (invoice) {
      invoice.lines.data.push(lineFromItem(item, invoice.id));
      totalInvoice(invoice);
    }
    emit(call, 'invoiceitem.created', item);
    return { body: item };
  });
  router.get('/v1/invoiceitems/:id', (call) => {
    const item = call.account.invoiceItems.get(call.params.id);
    if (!item) throw resourceMissing('invoiceitem', call.params.id);
    return { body: item };
  });
  router.get('/v1/invoiceitems', (call) => {
    const customer = str(call.query.customer);
    const invoice = str(call.query.invoice);
    const pending = bool(call.query.pending);
    const all = [...call.account.invoiceItems.values()].filter(
      (i) =>
        (customer === undefined || i.customer === customer) &&
        (invoice === undefined || i.invoice === invoice) &&
        (pending === undefined || (i.invoice === null) === pending),
    );
    return { body: listOf(all, call.query, '/v1/invoiceitems') };
  });
  router.post('/v1/invoices', (call) => {
    const b = call.body;
    const customerId = str(b.customer);
    if (!customerId) throw missingParam('customer');
    const customer = customerOf(call, customerId, 'customer');
    const collection = str(b.collection_method) ?? 'charge_automatically';
    if (collection !== 'charge_automatically' && collection !== 'send_invoice') {
      throw invalidParam('collection_method', `Invalid collection_method: must be one of charge_automatically or send_invoice`, 'parameter_invalid_string');
    }
    const defaultPm = str(b.default_payment_method) ?? null;
    if (defaultPm && !call.account.paymentMethods.has(defaultPm)) throw resourceMissing('PaymentMethod', defaultPm, 'default_payment_method');
    const invoice = newInvoice(call.now, customer, {
      autoAdvance: bool(b.auto_advance) ?? false,
      collectionMethod: collection,
      currency: currencyOf(b, false) ?? customer.currency ?? 'usd',
      description: str(b.description) ?? null,
      metadata: metadataOf(b),
      defaultPaymentMethod: defaultPm,
    });
    // Since API 2022-08-01 pending items are left out unless asked for.
    if (str(b.pending_invoice_items_behavior) === 'include') {
      for (const item of call.account.invoiceItems.values()) {
        if (item.customer === customer.id && item.invoice === null) {
          item.invoice = invoice.id;
          invoice.lines.data.push(lineFromItem(item, invoice.id));
        }
      }
      totalInvoice(invoice);
    }
    call.account.invoices.set(invoice.id, invoice);
    customer.currency ??= invoice.currency;
    emit(call, 'invoice.created', invoice);
    return { body: invoice };
  });
  router.get('/v1/invoices/:id', (call) => ({ body: invoiceOf(call, call.params.id) }));
  router.get('/v1/invoices', (call) => {
    const customer = str(call.query.customer);
    const status = str(call.query.status);
    const all = [...call.account.invoices.values()].filter((i) => (customer === undefined || i.customer === customer) && (status === undefined || i.status === status));
    return { body: listOf(all, call.query, '/v1/invoices') };
  });
  router.post('/v1/invoices/:id/finalize', (call) => {
    const invoice = invoiceOf(call, call.params.id);
    if (invoice.status !== 'draft') {
      throw invalidState(`This invoice is already finalized, you can't re-finalize a non-draft invoice.`, 'invoice_not_editable');
    }
    const customer = call.account.customers.get(invoice.customer as string);
    const sequence = customer?.next_invoice_sequence ?? 1;
    if (customer) customer.next_invoice_sequence = sequence + 1;
    const autoAdvance = bool(call.body.auto_advance);
    if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
    invoice.number = `${customer?.invoice_prefix ?? 'SIM'}-${String(sequence).padStart(4, '0')}`;
    invoice.status = 'open';
    invoice.status_transitions.finalized_at = call.now;
    invoice.effective_at = call.now;
    invoice.automatically_finalizes_at = null;
    invoice.hosted_invoice_url = `https://invoice.stripe.com/i/${invoice.id}`;
    invoice.invoice_pdf = `https://pay.stripe.com/invoice/${invoice.id}/pdf`;
    invoice.next_payment_attempt = invoice.auto_advance && invoice.collection_method === 'charge_automatically' ? call.now + 3600 : null;
    emit(call, 'invoice.finalized', invoice);
    // A zero-total invoice is paid the moment it is finalized.
    if (invoice.amount_due === 0) payInvoice(ctxOf(call), invoice, undefined, true);
    return { body: invoice };
  });
  router.post('/v1/invoices/:id/pay', (call) => {
    const invoice = invoiceOf(call, call.params.id);
    payInvoice(ctxOf(call), invoice, str(call.body.payment_method), bool(call.body.paid_out_of_band) ?? false);
    return { body: invoice };
  });

  // Events and webhook endpoints
  router.get('/v1/events/:id', (call) => {
    const event = call.account.events.find((e) => e.id === call.params.id);
    if (!event) throw resourceMissing('event', call.params.id);
    return { body: event };
  });
  router.get('/v1/events', (call) => {
    const type = str(call.query.type);
    const all = call.account.events.filter((e) => type === undefined || e.type === type);
    return { body: listOf(all, call.query, '/v1/events') };
  });
  router.post('/v1/webhook_endpoints', (call) => {
    const url = str(call.body.url);
    if (!url) throw missingParam('url');
    const enabled = call.body.enabled_events;
    if (!Array.isArray(enabled) || enabled.length === 0) throw missingParam('enabled_events');
    const endpoint = { id: stripeId('we'), url, secret: `whsec_${stripeId('x', 32).slice(2)}`, enabledEvents: enabled.map(String) };
    call.account.webhookEndpoints.push(endpoint);
    return {
      body: {
        id: endpoint.id,
        object: 'webhook_endpoint',
        api_version: STRIPE_API_VERSION,
        application: null,
        created: call.now,
        description: str(call.body.description) ?? null,
        enabled_events: endpoint.enabledEvents,
        livemode: false,
        metadata: metadataOf(call.body),
        // Stripe shows the signing secret only in the create response.
        secret: endpoint.secret,
        status: 'enabled',
        url,
      },
    };
  });
}
