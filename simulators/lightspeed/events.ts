// X-Series webhook delivery (x-series-api.lightspeedhq.com/docs/webhooks): an
// application/x-www-form-urlencoded POST whose `payload` field holds the JSON object that changed;
// other fields (`type`, `domain_prefix`, `retailer_id`) "may be present but are not guaranteed".
// Deliveries are retried (up to 20 times over 48 h; the simulator compresses the delays).
// Signature: `X-Signature: signature=<hex HMAC-SHA256 of the raw body>, algorithm=HMAC-SHA256`, keyed
// with the OAuth app's client secret — as the Vend-era webhook docs describe it; the excerpt of the
// current page available here does not show the signing section, so treat this as to be verified.
import { createHmac } from 'node:crypto';
import type { WebhookSender } from '../common/webhooks.ts';
import type { LsRetailer } from './state.ts';

export const signatureHeader = (body: string, clientSecret: string) =>
  `signature=${createHmac('sha256', clientSecret).update(body, 'utf8').digest('hex')}, algorithm=HMAC-SHA256`;

export function fireWebhook(sender: WebhookSender, retailer: LsRetailer, clientSecret: string, type: string, payload: unknown) {
  for (const hook of retailer.webhooks) {
    if (!hook.active || hook.type !== type) continue;
    const body = new URLSearchParams({
      payload: JSON.stringify(payload),
      type,
      domain_prefix: retailer.domainPrefix,
      retailer_id: retailer.retailerId,
    }).toString();
    sender.send(hook.url, body, {
      'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8',
      'X-Signature': signatureHeader(body, clientSecret),
    });
  }
}
