// Outgoing webhooks signed like Shopify's (contracts README "Webhooks"): base64 HMAC-SHA256 of the
// raw body keyed with the app's client secret, a Webhook-Id per delivery (kept across retries and
// duplicates, so receivers can dedupe), an Event-Id shared by one merchant action's deliveries.
import { createHmac, randomUUID } from 'node:crypto';
import type { SimClock } from '../common/clock.ts';
import { WebhookSender, type WebhookSenderOptions } from '../common/webhooks.ts';
import { API_VERSION } from './schema.ts';
import type { ShopRecord, SimState } from './state.ts';

export const TOPICS = ['orders/create', 'orders/updated', 'products/update', 'products/create', 'inventory_levels/update', 'fulfillments/create', 'app/uninstalled', 'bulk_operations/finish', 'customers/create'] as const;

export function signWebhook(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export class ShopifyWebhooks {
  readonly sender: WebhookSender;

  constructor(
    private readonly state: SimState,
    private readonly clock: SimClock,
    senderOptions?: WebhookSenderOptions,
  ) {
    this.sender = new WebhookSender(senderOptions);
  }

  /** Sends `payload` to every subscription of `topic`; returns the event id. */
  emit(shop: ShopRecord, topic: string, payload: unknown, eventId: string = randomUUID()): string {
    if (!shop.installed && topic !== 'app/uninstalled') return eventId;
    const body = JSON.stringify(payload);
    for (const sub of this.state.app.webhooks.filter((s) => s.topic === topic)) {
      this.sender.send(sub.uri, body, {
        'Content-Type': 'application/json',
        'X-Shopify-Topic': topic,
        'X-Shopify-Hmac-Sha256': signWebhook(body, this.state.app.clientSecret),
        'X-Shopify-Shop-Domain': shop.domain,
        'X-Shopify-API-Version': API_VERSION,
        'X-Shopify-Webhook-Id': randomUUID(),
        'X-Shopify-Event-Id': eventId,
        'X-Shopify-Triggered-At': this.clock.now().toISOString(),
      });
    }
    return eventId;
  }
}
