// Moving money: confirming a PaymentIntent charges its card once, and paying an invoice does so
// through a PaymentIntent of its own. Test cards decide the outcome (pm_card_visa succeeds,
// pm_card_chargeDeclined is declined), as in Stripe test mode.
import type Stripe from 'stripe';
import { StripeApiError, invalidState, resourceMissing } from './errors.ts';
import { newCardPaymentMethod, newCharge, newPaymentIntent, TEST_CARDS } from './objects.ts';
import type { StripeAccount } from './state.ts';
import type { EventSource, StripeEvents } from './webhooks.ts';

export interface PaymentContext {
  account: StripeAccount;
  now: number;
  events: StripeEvents;
  source: EventSource;
}

/** A PaymentMethod id, or a `pm_card_*` test token turned into a new PaymentMethod (as Stripe does). */
export function resolvePaymentMethod(ctx: PaymentContext, idOrToken: string, customer: string | null, param = 'payment_method'): Stripe.PaymentMethod {
  const existing = ctx.account.paymentMethods.get(idOrToken);
  if (existing) return existing;
  const card = TEST_CARDS[idOrToken];
  if (!card) throw resourceMissing('PaymentMethod', idOrToken, param);
  const pm = newCardPaymentMethod(ctx.now, card, customer);
  ctx.account.paymentMethods.set(pm.id, pm);
  ctx.account.cardBehaviour.set(pm.id, { declineCode: card.declineCode });
  return pm;
}

function cardDeclined(pi: Stripe.PaymentIntent, charge: Stripe.Charge, declineCode: string): StripeApiError {
  const error = {
    type: 'card_error' as const,
    code: 'card_declined',
    decline_code: declineCode,
    doc_url: 'https://docs.stripe.com/error-codes/card-declined',
    message: declineCode === 'insufficient_funds' ? 'Your card has insufficient funds.' : 'Your card was declined.',
    charge: charge.id,
    payment_method: { id: pi.payment_method },
  };
  pi.last_payment_error = error as unknown as Stripe.PaymentIntent.LastPaymentError;
  return new StripeApiError(402, { ...error, payment_intent: structuredClone(pi) }, true);
}

/** Charges the intent's card once. Throws a saved 402 card_error when the card declines. */
export function confirmPaymentIntent(ctx: PaymentContext, pi: Stripe.PaymentIntent) {
  if (pi.status === 'succeeded' || pi.status === 'canceled') {
    throw invalidState(`This PaymentIntent's status is ${pi.status}, but it must be requires_confirmation or requires_payment_method to be confirmed.`, 'payment_intent_unexpected_state');
  }
  if (!pi.payment_method) {
    throw invalidState(
      "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with the customer, you must provide a payment method.",
      'payment_intent_unexpected_state',
    );
  }
  const pmId = typeof pi.payment_method === 'string' ? pi.payment_method : pi.payment_method.id;
  const pm = ctx.account.paymentMethods.get(pmId);
  if (!pm) throw resourceMissing('PaymentMethod', pmId, 'payment_method');
  const declineCode = ctx.account.cardBehaviour.get(pm.id)?.declineCode;
  const charge = newCharge(ctx.now, pi, pm, declineCode);
  ctx.account.charges.set(charge.id, charge);
  pi.latest_charge = charge.id;
  if (declineCode) {
    pi.status = 'requires_payment_method';
    const error = cardDeclined(pi, charge, declineCode);
    ctx.events.emit(ctx.account, 'charge.failed', charge, ctx.source);
    ctx.events.emit(ctx.account, 'payment_intent.payment_failed', pi, ctx.source);
    throw error;
  }
  pi.status = 'succeeded';
  pi.amount_received = pi.amount;
  pi.last_payment_error = null;
  ctx.events.emit(ctx.account, 'charge.succeeded', charge, ctx.source);
  ctx.events.emit(ctx.account, 'payment_intent.succeeded', pi, ctx.source);
}

/** Pays an open invoice with `paymentMethod`, the invoice's default or the customer's default. */
export function payInvoice(ctx: PaymentContext, invoice: Stripe.Invoice, paymentMethod: string | undefined, paidOutOfBand: boolean) {
  if (invoice.status === 'paid') throw invalidState('Invoice is already paid');
  if (invoice.status !== 'open') {
    throw invalidState(`You can only pay an invoice that is open. This invoice is ${invoice.status}.`, 'invoice_not_editable');
  }
  const customerId = invoice.customer as string;
  if (!paidOutOfBand && invoice.amount_remaining > 0) {
    const customer = ctx.account.customers.get(customerId);
    const chosen =
      paymentMethod ??
      (invoice.default_payment_method as string | null) ??
      (customer?.invoice_settings.default_payment_method as string | null) ??
      undefined;
    if (!chosen) {
      throw invalidState(
        'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
      );
    }
    const pm = resolvePaymentMethod(ctx, chosen, customerId);
    const pi = newPaymentIntent(ctx.now, {
      amount: invoice.amount_remaining,
      currency: invoice.currency,
      customer: customerId,
      description: `Payment for Invoice ${invoice.number ?? invoice.id}`,
      metadata: {},
      paymentMethod: pm.id,
    });
    ctx.account.paymentIntents.set(pi.id, pi);
    invoice.attempted = true;
    invoice.attempt_count += 1;
    try {
      confirmPaymentIntent(ctx, pi);
    } catch (err) {
      ctx.events.emit(ctx.account, 'invoice.payment_failed', invoice, ctx.source);
      throw err;
    }
  }
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.status = 'paid';
  invoice.status_transitions.paid_at = ctx.now;
  invoice.next_payment_attempt = null;
  ctx.events.emit(ctx.account, 'invoice.paid', invoice, ctx.source);
  ctx.events.emit(ctx.account, 'invoice.payment_succeeded', invoice, ctx.source);
}
