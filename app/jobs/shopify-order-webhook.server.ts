// orders/create from any installed shop → the oversell job. The order's lines come from the
// webhook itself (parsed here, at the edge), so the guard spends no API call re-reading it.
import { z } from 'zod';
import type { Db } from '../db.server.ts';
import { enqueue } from './enqueue.server.ts';
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

export interface OrderWebhook {
  shop: string;
  webhookId: string;
  payload: unknown;
}

/**
 * Enqueues oversell protection for a new order. Returns the job id, or null when the shop has not
 * installed Tandem (nothing to protect). A malformed payload throws, naming the field.
 */
export async function enqueueOversellForOrder(db: Db, queues: Queues, webhook: OrderWebhook): Promise<string | null> {
  const shop = await db.shop.findUnique({ where: { domain: webhook.shop } });
  if (!shop || shop.uninstalledAt) return null;
  const order = ShopifyOrderWebhook.parse(webhook.payload);
  const tags = (order.tags ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  const { jobId } = await enqueue(queues, 'oversell', {
    shopId: shop.id,
    shopDomain: shop.domain,
    orderId: order.admin_graphql_api_id,
    webhookId: webhook.webhookId,
    tags,
    externalReference: order.source_identifier ?? null,
    lines: order.line_items.map((l) => ({
      sku: l.sku || null,
      variantExternalId: l.variant_id == null ? null : `gid://shopify/ProductVariant/${l.variant_id}`,
      quantity: l.quantity,
    })),
  });
  return jobId;
}
