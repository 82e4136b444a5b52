// orders/create from any installed shop → the oversell job, and for a retailer's sale of partner
// products, an order pull of each partnership it sold for (so the order reaches the supplier at
// once, not at the next hourly pull). orders/updated from a retailer → the same pull, so Tandem's
// copy follows an edit or a cancellation at once too. The order's lines come from the webhook
// itself (parsed here, at the edge), so the guard spends no API call re-reading it.
import { z } from 'zod';
import type { Db } from '../db.server.ts';
import { partnershipsHoldingOrder, partnershipsSellingLines } from '../sync/orders.server.ts';
import { TANDEM_ORDER_REFERENCE_PREFIX } from '../sync/oversell.server.ts';
import { enqueue } from './enqueue.server.ts';
import { webhookPullOptions } from './orders-pull.server.ts';
import type { Queues } from './queues.server.ts';

// Shopify's REST-shaped order payload (contracts/shopify/webhooks/orders-create.json): only what
// the guard reads. Ids above 2^53 lose digits when parsed as numbers, so the gid strings are used.
const ShopifyOrderWebhook = z.object({
  admin_graphql_api_id: z.string().startsWith('gid://shopify/Order/'),
  tags: z.string().nullish(),
  source_identifier: z.string().nullish(),
  line_items: z.array(
    z.object({
      sku: z.string().nullish(),
      variant_id: z.union([z.number(), z.string()]).nullish(),
      quantity: z.number().int().positive(),
    }),
  ),
});

// orders/updated (contracts/shopify/webhooks/orders-updated.json): which order, and its lines to
// find the partnerships it sold for. An edit may have taken a line's quantity to 0.
const ShopifyOrderUpdatedWebhook = z.object({
  admin_graphql_api_id: z.string().startsWith('gid://shopify/Order/'),
  source_identifier: z.string().nullish(),
  line_items: z.array(z.object({ sku: z.string().nullish(), variant_id: z.union([z.number(), z.string()]).nullish() })),
});

/** A signed delivery whose body is not the order Shopify documents: refused with 400, naming the field. */
export class MalformedWebhook extends Error {
  readonly code = 'invalid_payload';
  readonly name = 'MalformedWebhook';
}

/** By code, not instanceof: Vite's module copies in development each have their own class. */
export function isMalformedWebhook(err: unknown): err is MalformedWebhook {
  return (err as { code?: unknown } | null)?.code === 'invalid_payload';
}

function parseOrder<T>(schema: z.ZodType<T>, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  throw new MalformedWebhook(`Webhook payload is not a Shopify order: ${fields}`);
}

export interface OrderWebhook {
  shop: string;
  webhookId: string;
  payload: unknown;
}

export interface EnqueuedOrderWork {
  /** The oversell job, or null when the shop has not installed Tandem (nothing to protect). */
  oversell: string | null;
  /** One orders.pull job per partnership the order sold for (the id of a run it joined, when deduplicated). */
  pulls: string[];
}

/**
 * Enqueues the work a new order starts: oversell protection, and an order pull of each partnership
 * whose listings the order sold. A malformed payload throws, naming the field.
 */
export async function enqueueForNewOrder(db: Db, queues: Queues, webhook: OrderWebhook): Promise<EnqueuedOrderWork> {
  const shop = await db.shop.findUnique({ where: { domain: webhook.shop } });
  if (!shop || shop.uninstalledAt) return { oversell: null, pulls: [] };
  const order = parseOrder(ShopifyOrderWebhook, webhook.payload);
  const tags = (order.tags ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  const lines = order.line_items.map((l) => ({ ...lineOf(l), quantity: l.quantity }));
  const { jobId: oversell } = await enqueue(queues, 'oversell', {
    shopId: shop.id,
    shopDomain: shop.domain,
    orderId: order.admin_graphql_api_id,
    webhookId: webhook.webhookId,
    tags,
    externalReference: order.source_identifier ?? null,
    lines,
  });
  // An order Tandem placed here (this shop supplies) is not a retail sale to pull.
  if (order.source_identifier?.startsWith(TANDEM_ORDER_REFERENCE_PREFIX)) return { oversell, pulls: [] };
  const pulls: string[] = [];
  for (const { id } of await partnershipsSellingLines(db, shop.id, lines)) {
    const { jobId } = await enqueue(queues, 'orders.pull', { shopId: shop.id, partnershipId: id, trigger: 'webhook', orderId: order.admin_graphql_api_id }, webhookPullOptions(id));
    pulls.push(jobId);
  }
  return { oversell, pulls };
}

function lineOf(line: { sku?: string | null; variant_id?: number | string | null }) {
  return { sku: line.sku || null, variantExternalId: line.variant_id == null ? null : `gid://shopify/ProductVariant/${line.variant_id}` };
}

/**
 * Enqueues an order pull for each partnership a retailer's changed order concerns: those whose
 * listings it sells, and those already holding a copy of it (an edit may have changed its lines),
 * deduplicated with orders/create's pulls so a burst of edits makes one waiting run. Returns the
 * pulls' job ids. A malformed payload throws MalformedWebhook, naming the field.
 */
export async function enqueueForUpdatedOrder(db: Db, queues: Queues, webhook: OrderWebhook, receivedAt = Date.now()): Promise<string[]> {
  const shop = await db.shop.findUnique({ where: { domain: webhook.shop } });
  if (!shop || shop.uninstalledAt) return [];
  const order = parseOrder(ShopifyOrderUpdatedWebhook, webhook.payload);
  // An order Tandem placed here (this shop supplies) changes as the supplier ships it: not a retail sale.
  if (order.source_identifier?.startsWith(TANDEM_ORDER_REFERENCE_PREFIX)) return [];
  const orderId = order.admin_graphql_api_id;
  const selling = await partnershipsSellingLines(db, shop.id, order.line_items.map(lineOf));
  const holding = await partnershipsHoldingOrder(db, shop.id, orderId);
  const pulls: string[] = [];
  for (const id of new Set([...selling, ...holding].map((p) => p.id))) {
    // requestedAt: each edit is its own job, never taken for the order's earlier (finished) pull.
    const { jobId } = await enqueue(queues, 'orders.pull', { shopId: shop.id, partnershipId: id, trigger: 'webhook', orderId, requestedAt: receivedAt }, webhookPullOptions(id));
    pulls.push(jobId);
  }
  return pulls;
}
