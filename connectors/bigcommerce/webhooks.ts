// Webhook callbacks. BigCommerce does not sign callbacks with a key: a hook is created with custom
// `headers` (webhooks.v3.yml: "to validate webhooks"), sent back with every delivery, so Tandem
// registers its hooks with a secret X-Tandem-Webhook-Token and checks it in constant time. The
// payload's `hash` is the SHA-1 of the callback without that field ("if a hook fires twice for the
// same event, both request bodies rely on the same hash"): it is the event id, and recomputing it
// over the bytes received refuses a body altered on the way.
import { header, type HeaderBag } from '../sdk/webhook-headers.ts';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Invalid } from '../sdk/errors.ts';
import type { TandemWebhookEvent } from '../sdk/types.ts';
import { BigCommerceCallback } from './schemas.ts';

export const WEBHOOK_TOKEN_HEADER = 'x-tandem-webhook-token';


/** The custom headers Tandem sets when it creates a hook (POST /v3/hooks `headers`). */
export function webhookHeaders(secret: string): Record<string, string> {
  return { [WEBHOOK_TOKEN_HEADER]: secret };
}

/** SHA-1 of the raw callback with its `"hash":"…"` member taken out. */
export function callbackHash(raw: string): string {
  const without = raw.replace(/,\s*"hash"\s*:\s*"[0-9a-f]*"/, '').replace(/"hash"\s*:\s*"[0-9a-f]*"\s*,\s*/, '');
  return createHash('sha1').update(without).digest('hex');
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function verifyBigCommerceWebhook(headers: HeaderBag, rawBody: Buffer | string, secret: string, storeHash: string): TandemWebhookEvent | 'ignored' {
  const token = header(headers, WEBHOOK_TOKEN_HEADER);
  if (!token || !sameText(token, secret)) {
    throw Invalid(`BigCommerce callback for store ${storeHash} lacks Tandem's webhook token`, undefined, { connectorId: 'bigcommerce' });
  }
  const raw = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  let callback: BigCommerceCallback;
  try {
    callback = BigCommerceCallback.parse(JSON.parse(raw));
  } catch (err) {
    throw Invalid(`BigCommerce callback for store ${storeHash} is not a callback payload`, undefined, { connectorId: 'bigcommerce', cause: err });
  }
  if (!sameText(callbackHash(raw), callback.hash)) {
    throw Invalid(`BigCommerce callback ${callback.scope} for store ${storeHash} does not match its hash`, undefined, { connectorId: 'bigcommerce' });
  }
  if (callback.producer !== `stores/${storeHash}`) {
    throw Invalid(`BigCommerce callback ${callback.scope} comes from ${callback.producer}, not stores/${storeHash}`, undefined, { connectorId: 'bigcommerce' });
  }
  const base = { eventId: callback.hash, shop: storeHash };
  const id = callback.data.id !== undefined ? String(callback.data.id) : '';
  switch (callback.scope) {
    case 'store/order/created':
      return { kind: 'order.created', ...base, orderExternalId: id };
    case 'store/order/updated':
    case 'store/order/statusUpdated':
    case 'store/order/archived':
      return { kind: 'order.updated', ...base, orderExternalId: id };
    case 'store/product/created':
    case 'store/product/updated':
      return { kind: 'product.updated', ...base, productExternalId: id };
    case 'store/sku/created':
    case 'store/sku/updated':
      // A variant's price, SKU or options changed: its product is re-read.
      return { kind: 'product.updated', ...base, productExternalId: String(callback.data.sku?.product_id ?? id) };
    case 'store/product/deleted':
      return { kind: 'product.deleted', ...base, productExternalId: id };
    case 'store/sku/inventory/updated':
    case 'store/sku/inventory/order/updated': {
      const inventory = callback.data.inventory;
      return {
        kind: 'inventory.updated',
        ...base,
        inventoryItemId: String(inventory?.variant_id ?? id),
        locationId: null,
        available: inventory?.method === 'absolute' && inventory.value !== undefined ? inventory.value : null,
      };
    }
    case 'store/product/inventory/updated':
    case 'store/product/inventory/order/updated':
      // Stock kept on the product: its variants are not named, so the product is re-read.
      return { kind: 'product.updated', ...base, productExternalId: String(callback.data.inventory?.product_id ?? id) };
    case 'store/shipment/created':
      return { kind: 'fulfillment.created', ...base, orderExternalId: String(callback.data.orderId ?? ''), fulfillmentExternalId: id };
    case 'store/app/uninstalled':
      return { kind: 'app.uninstalled', ...base };
    default:
      return 'ignored';
  }
}
