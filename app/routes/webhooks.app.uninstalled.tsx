// app/uninstalled: the shop's tokens are dead; mark it uninstalled and drop its sessions.
// A replay, or a late delivery from before a reinstall, changes nothing (recordUninstall).
import type { ActionFunctionArgs } from '@remix-run/node';
import { database } from '../db.server.ts';
import { receiveWebhook } from '../shopify.server.ts';
import { recordUninstall } from '../sync/shop-lifecycle.server.ts';

export const action = async ({ request }: ActionFunctionArgs) => {
  const { event, sentAt } = await receiveWebhook(request);
  await recordUninstall(await database(), event, sentAt);
  return new Response(null, { status: 200 });
};
