// WooCommerce webhook delivery (wp-api-v3_webhooks.md "Delivery/payload"): a JSON POST of the
// resource exactly as the REST API returns it, with X-WC-Webhook-Source/-Topic/-Resource/-Event/
// -Signature/-ID/-Delivery-ID, the signature being base64(HMAC-SHA256(body, secret)). A delivery is
// tried once (WooCommerce does not retry); after 5 consecutive failed deliveries (non-2xx; 301/302
// count as success per the webhooks guide) the webhook is disabled until edited via the REST API.
import { createHmac } from 'node:crypto';
import type { WebhookSender } from '../common/webhooks.ts';
import type { WooCommerceState, WooSite, WooWebhook } from './state.ts';

export const MAX_CONSECUTIVE_FAILURES = 5;

export const signBody = (body: string, secret: string) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

const isPending = (d: WebhookSender['log'][number]) => !d.deliveredAt && d.lastStatus === undefined && d.lastError === undefined;
const succeeded = (d: WebhookSender['log'][number]) =>
  Boolean(d.deliveredAt) || (d.lastStatus !== undefined && ((d.lastStatus >= 200 && d.lastStatus < 300) || d.lastStatus === 301 || d.lastStatus === 302));

/** Counts finished deliveries per webhook, in order, and disables a webhook that kept failing. */
export function refreshWebhookHealth(site: WooSite, sender: WebhookSender) {
  for (const hook of site.webhooks) {
    let i = hook.countedUpTo;
    for (; i < sender.log.length; i++) {
      const d = sender.log[i];
      if (d.headers['X-WC-Webhook-ID'] !== String(hook.id) || d.headers['X-WC-Webhook-Source'] !== site.source) continue;
      if (isPending(d)) break;
      hook.failure_count = succeeded(d) ? 0 : hook.failure_count + 1;
      if (hook.failure_count >= MAX_CONSECUTIVE_FAILURES && hook.status === 'active') hook.status = 'disabled';
    }
    hook.countedUpTo = i;
  }
}

export function fireTopic(state: WooCommerceState, sender: WebhookSender, site: WooSite, topic: string, payload: unknown) {
  refreshWebhookHealth(site, sender);
  const [resource, event] = topic.split('.');
  for (const hook of site.webhooks) {
    if (hook.status !== 'active' || hook.topic !== topic) continue;
    deliver(state, sender, site, hook, resource, event, JSON.stringify(payload));
  }
}

function deliver(state: WooCommerceState, sender: WebhookSender, site: WooSite, hook: WooWebhook, resource: string, event: string, body: string) {
  sender.send(hook.delivery_url, body, {
    'Content-Type': 'application/json',
    'User-Agent': 'WooCommerce/9.4.0 Hookshot (WordPress/6.7)',
    'X-WC-Webhook-Source': site.source,
    'X-WC-Webhook-Topic': hook.topic,
    'X-WC-Webhook-Resource': resource,
    'X-WC-Webhook-Event': event,
    'X-WC-Webhook-Signature': signBody(body, hook.secret),
    'X-WC-Webhook-ID': String(hook.id),
    'X-WC-Webhook-Delivery-ID': String(state.nextId()),
  });
}
