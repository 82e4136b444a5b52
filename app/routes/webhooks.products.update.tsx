// products/update: verified, recorded once by delivery id, answered 200 (repeats are normal).
import type { ActionFunctionArgs } from '@remix-run/node';
import { receiveWebhook } from '../shopify.server.ts';

export const action = async ({ request }: ActionFunctionArgs) => {
  await receiveWebhook(request);
  return new Response(null, { status: 200 });
};
