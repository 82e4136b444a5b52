// Webhook callbacks as BigCommerce sends them (webhook-callbacks/store_order_created.yml and the
// sample data files): a light JSON payload `{ scope, store_id, data: { type, id }, hash, created_at,
// producer }`. BigCommerce does not HMAC-sign callbacks: the webhooks.v3.yml spec offers custom
// `headers` set at hook creation "to validate webhooks", which are sent with every delivery, and the
// payload `hash` is a SHA-1 of the JSON payload (BigCommerce support forum; not a signature, as no
// secret goes into it). We reproduce exactly that.
import { createHash } from 'node:crypto';
import type { WebhookSender } from '../common/webhooks.ts';
import type { BcStore } from './state.ts';

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
