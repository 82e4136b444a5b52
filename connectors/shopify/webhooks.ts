// Webhook deliveries: verify the HMAC, then translate the topic into Tandem's small event union.
// X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the raw body keyed with the app's client secret
// (shopify.dev/docs/apps/build/webhooks/subscribe/https, "verify deliveries"). Ids in payloads
// can exceed 2^53, so numeric ids are read from the raw text, never through JSON numbers.
import { header, type HeaderBag } from '../sdk/webhook-headers.ts';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Invalid } from '../sdk/errors.ts';
import type { TandemWebhookEvent } from '../sdk/types.ts';
import { ShopifyWebhookPayload } from './schemas.ts';


export function signWebhookBody(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

export function verifyShopifyWebhook(headers: HeaderBag, rawBody: Buffer | string, secret: string): TandemWebhookEvent | 'ignored' {
  const given = header(headers, 'x-shopify-hmac-sha256');
  const topic = header(headers, 'x-shopify-topic');
  const webhookId = header(headers, 'x-shopify-webhook-id');
  const shop = header(headers, 'x-shopify-shop-domain') ?? null;
  if (!given || !topic || !webhookId) {
    throw Invalid('Shopify webhook lacks its Hmac, Topic or Webhook-Id header', undefined, { connectorId: 'shopify' });
  }
  const expected = Buffer.from(signWebhookBody(rawBody, secret), 'base64');
  const actual = Buffer.from(given, 'base64');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw Invalid(`Shopify webhook ${topic} from ${shop ?? 'an unknown shop'} has a wrong signature`, undefined, { connectorId: 'shopify' });
  }
  const raw = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  let payload: ReturnType<typeof ShopifyWebhookPayload.parse>;
  try {
    payload = ShopifyWebhookPayload.parse(JSON.parse(raw));
  } catch (err) {
    throw Invalid(`Shopify webhook ${topic} has a body that is not a JSON object`, undefined, { connectorId: 'shopify', cause: err });
  }
  const base = { eventId: webhookId, shop };
  const gid = (type: string, field = 'id') => payload.admin_graphql_api_id?.startsWith(`gid://shopify/${type}/`) && field === 'id' ? payload.admin_graphql_api_id : rawId(raw, field, type);

  switch (topic) {
    case 'orders/create':
      return { kind: 'order.created', ...base, orderExternalId: gid('Order') };
    case 'orders/updated':
    case 'orders/cancelled':
    case 'orders/edited':
    case 'orders/paid':
      return { kind: 'order.updated', ...base, orderExternalId: gid('Order') };
    case 'products/create':
    case 'products/update':
      return { kind: 'product.updated', ...base, productExternalId: gid('Product') };
    case 'products/delete':
      return { kind: 'product.deleted', ...base, productExternalId: gid('Product') };
    case 'inventory_levels/update':
      return {
        kind: 'inventory.updated',
        ...base,
        inventoryItemId: rawId(raw, 'inventory_item_id', 'InventoryItem'),
        locationId: /"location_id"\s*:\s*\d/.test(raw) ? rawId(raw, 'location_id', 'Location') : null,
        available: payload.available ?? null,
      };
    case 'fulfillments/create':
    case 'fulfillments/update':
      return { kind: 'fulfillment.created', ...base, orderExternalId: rawId(raw, 'order_id', 'Order'), fulfillmentExternalId: gid('Fulfillment') };
    case 'app/uninstalled':
      return { kind: 'app.uninstalled', ...base };
    case 'bulk_operations/finish':
      return { kind: 'bulk_operation.finished', ...base, operationId: payload.admin_graphql_api_id ?? '', status: payload.status ?? 'unknown' };
    default:
      return 'ignored';
  }
}

/** The first `"field": 123…` in the raw body, as a gid (digits kept exact). */
function rawId(raw: string, field: string, type: string): string {
  const match = new RegExp(`"${field}"\\s*:\\s*"?(\\d+)`).exec(raw);
  if (!match) throw Invalid(`Shopify webhook body has no ${field}`, undefined, { connectorId: 'shopify' });
  return `gid://shopify/${type}/${match[1]}`;
}
