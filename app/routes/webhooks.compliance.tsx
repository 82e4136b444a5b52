// GDPR compliance topics (customers/data_request, customers/redact, shop/redact), mandatory for
// App Store apps. Each is verified (forgery -> 401), recorded and acknowledged with 200;
// shop/redact deletes everything Tandem holds about the shop.
import type { ActionFunctionArgs } from '@remix-run/node';
import { database } from '../db.server.ts';
import { receiveWebhook } from '../shopify.server.ts';
import { redactShop } from '../sync/shop-lifecycle.server.ts';

export const action = async ({ request }: ActionFunctionArgs) => {
  const { topic, event } = await receiveWebhook(request);
  if (topic === 'SHOP_REDACT') await redactShop(await database(), event);
  return new Response(null, { status: 200 });
};
