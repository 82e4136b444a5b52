// Webhook deliveries are at-least-once and unordered (Shopify webhooks best practices): the same
// delivery can arrive twice, minutes apart, or concurrently. The WebhookEvent row, unique by the
// delivery id, is the guard: the first arrival records it and is the one that starts work.
import { Prisma, type Db } from '../db.server.ts';
import type { WebhookEvent } from '../generated/prisma/client.ts';

export interface WebhookDelivery {
  /** `X-Shopify-Webhook-Id`: one id per delivery, repeated on its retries. */
  webhookId: string;
  /** The shop's myshopify domain (`X-Shopify-Shop-Domain`). */
  shopDomain: string;
  /** The topic as @shopify/shopify-api names it: `ORDERS_CREATE` for `orders/create`. */
  topic: string;
}

export interface RecordedWebhook {
  /** True when this delivery was seen before: the caller must change nothing. */
  duplicate: boolean;
  event: WebhookEvent;
}

/**
 * Records a verified delivery. This is the hook point for work: a caller starts (enqueues) the
 * delivery's work only when `duplicate` is false, or when `event.processedAt` is still unset
 * (an earlier arrival was recorded but its work never confirmed; the job's own intent row keeps a
 * second start harmless), then marks it with `markWebhookProcessed`.
 */
export async function recordWebhook(db: Db, delivery: WebhookDelivery): Promise<RecordedWebhook> {
  try {
    const event = await db.webhookEvent.create({
      data: { eventId: delivery.webhookId, shopDomain: delivery.shopDomain, topic: delivery.topic },
    });
    return { duplicate: false, event };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const event = await db.webhookEvent.findUniqueOrThrow({ where: { eventId: delivery.webhookId } });
    return { duplicate: true, event };
  }
}

/** Notes that a delivery's work was started, so a later replay does not start it again. */
export async function markWebhookProcessed(db: Db, webhookId: string, at = new Date()): Promise<void> {
  await db.webhookEvent.updateMany({ where: { eventId: webhookId, processedAt: null }, data: { processedAt: at } });
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}
