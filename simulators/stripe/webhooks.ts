// Events and their delivery. Each state change records an Event (GET /v1/events lists them) and
// posts it to the account's webhook endpoints, signed the way `stripe.webhooks.constructEvent`
// verifies: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint secret>`
// (docs.stripe.com/webhooks#verify-manually).
import { createHmac } from 'node:crypto';
import type Stripe from 'stripe';
import type { WebhookSender } from '../common/webhooks.ts';
import type { SimClock } from '../common/clock.ts';
import { STRIPE_API_VERSION, stripeId, type StripeAccount } from './state.ts';

export function signStripePayload(payload: string, secret: string, timestampS: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampS}.${payload}`, 'utf8').digest('hex');
  return `t=${timestampS},v1=${v1}`;
}

export interface EventSource {
  requestId: string | null;
  idempotencyKey: string | null;
}

export class StripeEvents {
  constructor(
    private readonly sender: WebhookSender,
    private readonly clock: SimClock,
  ) {}

  emit(account: StripeAccount, type: string, object: { id: string }, source: EventSource) {
    const endpoints = account.webhookEndpoints.filter((e) => e.enabledEvents.includes('*') || e.enabledEvents.includes(type));
    const event = {
      id: stripeId('evt'),
      object: 'event',
      api_version: STRIPE_API_VERSION,
      created: Math.floor(this.clock.nowMs() / 1000),
      // A snapshot: later changes to the object must not rewrite what this event said.
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: endpoints.length,
      request: { id: source.requestId, idempotency_key: source.idempotencyKey },
      type,
    } as unknown as Stripe.Event;
    account.events.push(event);
    const payload = JSON.stringify(event, null, 2);
    // The signature timestamp is wall-clock time, not the simulated clock: the receiver checks it
    // against its own clock (5-minute tolerance), and delivery really happens now.
    const t = Math.floor(Date.now() / 1000);
    for (const endpoint of endpoints) {
      this.sender.send(endpoint.url, payload, {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'Stripe-Signature': signStripePayload(payload, endpoint.secret, t),
      });
    }
    return event;
  }
}
