// orders/create: verified, recorded once by delivery id, oversell protection enqueued at once
// (repeats are normal: the job id and the engine's reservations make a second delivery a no-op).
import type { ActionFunctionArgs } from '@remix-run/node';
import { receiveWebhook } from '../shopify.server.ts';
import { database } from '../db.server.ts';
import { appQueues } from '../jobs/app-queues.server.ts';
import { enqueueOversellForOrder } from '../jobs/shopify-order-webhook.server.ts';
import { markWebhookProcessed } from '../sync/webhook-events.server.ts';

export const action = async ({ request }: ActionFunctionArgs) => {
  const webhook = await receiveWebhook(request);
  if (webhook.duplicate && webhook.event.processedAt) return new Response(null, { status: 200 });
  const db = await database();
  await enqueueOversellForOrder(db, appQueues(), { shop: webhook.shop, webhookId: webhook.webhookId, payload: webhook.payload });
  await markWebhookProcessed(db, webhook.webhookId);
  return new Response(null, { status: 200 });
};
