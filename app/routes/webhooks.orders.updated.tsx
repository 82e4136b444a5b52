// orders/updated: verified, recorded once by delivery id, answered 200 (repeats are normal). A
// retailer's edit or cancellation of an order Tandem sends on enqueues the order pull of each
// partnership concerned at once, so Tandem's copy follows it (a cancelled order not yet sent is
// never sent) without waiting for the hourly pull.
import type { ActionFunctionArgs } from '@remix-run/node';
import { database } from '../db.server.ts';
import { appQueues } from '../jobs/app-queues.server.ts';
import { isQueueUnavailable } from '../jobs/queues.server.ts';
import { enqueueForUpdatedOrder, isMalformedWebhook } from '../jobs/shopify-order-webhook.server.ts';
import { receiveWebhook } from '../shopify.server.ts';
import { markWebhookProcessed } from '../sync/webhook-events.server.ts';

export const action = async ({ request }: ActionFunctionArgs) => {
  const webhook = await receiveWebhook(request);
  if (webhook.duplicate && webhook.event.processedAt) return new Response(null, { status: 200 });
  const db = await database();
  try {
    await enqueueForUpdatedOrder(db, appQueues(), { shop: webhook.shop, webhookId: webhook.webhookId, payload: webhook.payload });
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
