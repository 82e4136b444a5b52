// Webhook deliveries (wp-api-v3_webhooks.md, "Delivery/payload"): X-WC-Webhook-Signature is the
// base64 HMAC-SHA256 of the raw body keyed with the webhook's secret; X-WC-Webhook-Topic names the
// event and X-WC-Webhook-Delivery-ID identifies the delivery. WooCommerce also pings a new
// webhook's URL with a form body `webhook_id=<id>` and no signature: answered, then ignored.
import { header, type HeaderBag } from '../sdk/webhook-headers.ts';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Invalid } from '../sdk/errors.ts';
import type { TandemWebhookEvent } from '../sdk/types.ts';
import { WooWebhookPayload } from './schemas.ts';


export function signWooWebhook(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

export function verifyWooWebhook(headers: HeaderBag, rawBody: Buffer | string, secret: string): TandemWebhookEvent | 'ignored' {
  const raw = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const given = header(headers, 'x-wc-webhook-signature');
  if (!given && /^webhook_id=\d+$/.test(raw.trim())) return 'ignored';
  const topic = header(headers, 'x-wc-webhook-topic');
  const deliveryId = header(headers, 'x-wc-webhook-delivery-id');
  const shop = header(headers, 'x-wc-webhook-source') ?? null;
  if (!given || !topic || !deliveryId) {
    throw Invalid('WooCommerce webhook lacks its Signature, Topic or Delivery-ID header', undefined, { connectorId: 'woocommerce' });
  }
  const expected = Buffer.from(signWooWebhook(rawBody, secret), 'base64');
  const actual = Buffer.from(given, 'base64');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw Invalid(`WooCommerce webhook ${topic} from ${shop ?? 'an unknown store'} has a wrong signature`, undefined, { connectorId: 'woocommerce' });
  }
  let id: string;
  let productId: string;
  try {
    const payload = WooWebhookPayload.parse(JSON.parse(raw));
    id = String(payload.id);
    productId = String(payload.parent_id || payload.id);
  } catch (err) {
    throw Invalid(`WooCommerce webhook ${topic} has a body without a resource id`, undefined, { connectorId: 'woocommerce', cause: err });
  }
  const base = { eventId: deliveryId, shop };
  switch (topic) {
    case 'order.created':
      return { kind: 'order.created', ...base, orderExternalId: id };
    case 'order.updated':
    case 'order.restored':
      return { kind: 'order.updated', ...base, orderExternalId: id };
    case 'product.created':
    case 'product.updated':
    case 'product.restored':
      return { kind: 'product.updated', ...base, productExternalId: productId };
    case 'product.deleted':
      return { kind: 'product.deleted', ...base, productExternalId: productId };
    default:
      return 'ignored';
  }
}
