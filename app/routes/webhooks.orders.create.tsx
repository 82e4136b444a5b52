// orders/create: verified, recorded once by delivery id, oversell protection and (for a retailer's
// sale of partner products) the order pull enqueued at once. Repeats are normal: the job ids, the
// engine's reservations and its OrderLink rows make a second delivery a no-op.
import type { ActionFunctionArgs } from '@remix-run/node';
import { receiveWebhook } from '../shopify.server.ts';
import { database } from '../db.server.ts';
import { appQueues } from '../jobs/app-queues.server.ts';
import { isQueueUnavailable } from '../jobs/queues.server.ts';
import { enqueueForNewOrder, isMalformedWebhook } from '../jobs/shopify-order-webhook.server.ts';
import { markWebhookProcessed } from '../sync/webhook-events.server.ts';

export const action = async ({ request }: ActionFunctionArgs) => {
  const webhook = await receiveWebhook(request);
  if (webhook.duplicate && webhook.event.processedAt) return new Response(null, { status: 200 });
  const db = await database();
  try {
    await enqueueForNewOrder(db, appQueues(), { shop: webhook.shop, webhookId: webhook.webhookId, payload: webhook.payload });
  } catch (err) {
    // 503 and the delivery left unprocessed: Shopify retries it, and the retry is not taken for a repeat.
    if (isQueueUnavailable(err)) return new Response(`${(err as Error).message} Send this webhook again.`, { status: 503 });
    // Signed by Shopify but not an order: refused, naming the field; the hourly pull still reads the order.
    if (isMalformedWebhook(err)) return Response.json({ error: err.message }, { status: 400 });
    throw err;
  }
  await markWebhookProcessed(db, webhook.webhookId);
  return new Response(null, { status: 200 });
};
