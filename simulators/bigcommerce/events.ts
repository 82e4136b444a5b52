// Webhook callbacks as BigCommerce sends them (webhook-callbacks/store_order_created.yml and the
// sample data files): a light JSON payload `{ scope, store_id, data: { type, id }, hash, created_at,
// producer }`. BigCommerce does not HMAC-sign callbacks: the webhooks.v3.yml spec offers custom
// `headers` set at hook creation "to validate webhooks", which are sent with every delivery, and the
// payload `hash` is a SHA-1 of the JSON payload (BigCommerce support forum; not a signature, as no
// secret goes into it). We reproduce exactly that.
import { createHash } from 'node:crypto';
import type { WebhookSender } from '../common/webhooks.ts';
import { variantStock, type BcOrder, type BcProduct, type BcStore, type BcVariant } from './state.ts';

export interface BcCallback {
  scope: string;
  store_id: string;
  data: Record<string, unknown>;
  hash: string;
  created_at: number;
  producer: string;
}

/** A hook scope matches its event exactly or through a trailing wildcard (`store/order/*`). */
export function scopeMatches(hookScope: string, event: string): boolean {
  if (hookScope.endsWith('/*')) return event.startsWith(hookScope.slice(0, -1));
  return hookScope === event;
}

export function buildCallback(store: BcStore, scope: string, data: Record<string, unknown>, nowMs: number): BcCallback {
  const body = { scope, store_id: store.storeId, data, created_at: Math.floor(nowMs / 1000), producer: `stores/${store.hash}` };
  const hash = createHash('sha1').update(JSON.stringify(body)).digest('hex');
  return { ...body, hash };
}

export function fireEvent(sender: WebhookSender, store: BcStore, scope: string, data: Record<string, unknown>, nowMs: number) {
  for (const hook of store.hooks) {
    if (!hook.is_active || !scopeMatches(hook.scope, scope)) continue;
    const body = JSON.stringify(buildCallback(store, scope, data, nowMs));
    sender.send(hook.destination, body, { 'content-type': 'application/json', ...(hook.headers ?? {}) });
  }
}

/**
 * Stock of a variant moved (webhook-callbacks/store_sku_inventory_updated.yml and the data samples):
 * a variant-tracked product reports the SKU, a product-tracked one the product, each with the new
 * level as an absolute value; an order taking stock uses the `…/inventory/order/updated` scopes.
 * Untracked products report nothing.
 */
export function fireStockChanged(sender: WebhookSender, store: BcStore, product: BcProduct, variant: BcVariant, cause: 'adjustment' | 'order', nowMs: number) {
  const order = cause === 'order' ? 'order/' : '';
  if (product.inventory_tracking === 'variant') {
    const inventory = { product_id: product.id, method: 'absolute', value: variantStock(variant), variant_id: variant.id };
    fireEvent(sender, store, `store/sku/inventory/${order}updated`, { type: 'sku', id: variant.id, inventory }, nowMs);
  } else if (product.inventory_tracking === 'product') {
    const inventory = { product_id: product.id, method: 'absolute', value: variantStock(product.variants[0]) };
    fireEvent(sender, store, `store/product/inventory/${order}updated`, { type: 'product', id: product.id, inventory }, nowMs);
  }
}

/** The stock events of an order's lines, once the order has taken its stock. */
export function fireOrderStock(sender: WebhookSender, store: BcStore, order: BcOrder, nowMs: number) {
  for (const line of order.lines) {
    const product = store.products.find((p) => p.id === line.product_id);
    const variant = product?.variants.find((v) => v.id === line.variant_id);
    if (product && variant) fireStockChanged(sender, store, product, variant, 'order', nowMs);
  }
}

/** A product or one of its SKUs changed (store_product_updated.yml, store_sku_updated.yml). */
export function fireProductChanged(sender: WebhookSender, store: BcStore, product: BcProduct, scope: 'store/product/created' | 'store/product/updated', nowMs: number) {
  fireEvent(sender, store, scope, { type: 'product', id: product.id }, nowMs);
}

export function fireSkuUpdated(sender: WebhookSender, store: BcStore, product: BcProduct, variant: BcVariant, nowMs: number) {
  fireEvent(sender, store, 'store/sku/updated', { type: 'sku', id: variant.id, sku: { product_id: product.id, variant_id: variant.id } }, nowMs);
}
