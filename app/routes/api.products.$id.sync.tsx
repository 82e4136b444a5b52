// "Sync to partners now", the product page's admin action (extensions/sync-to-partners): GET tells
// where the product stands with each retailer this shop supplies; POST queues a catalog sync of the
// product for each of them. The extension calls from extensions.shopifycdn.com with the admin's
// session token: authenticate.admin answers the CORS preflight (OPTIONS reaches the loader of a
// resource route) and `cors` marks every answer.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { database } from '../db.server.ts';
import { appQueues } from '../jobs/app-queues.server.ts';
import { requestManualRun } from '../jobs/enqueue.server.ts';
import { authenticate } from '../shopify.server.ts';
import { ProductRef, productGid, productSyncStatus, requestProductSync } from '../sync/product-sync-request.server.ts';

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  const ref = ProductRef.safeParse(params);
  if (!ref.success) return cors(Response.json({ errors: z.flattenError(ref.error).fieldErrors }, { status: 400 }));
  return cors(Response.json(await productSyncStatus(await database(), session.shop, productGid(ref.data.id))));
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  if (request.method !== 'POST') return cors(new Response(null, { status: 405, headers: { Allow: 'GET, POST' } }));
  const ref = ProductRef.safeParse(params);
  if (!ref.success) return cors(Response.json({ errors: z.flattenError(ref.error).fieldErrors }, { status: 400 }));
  const db = await database();
  const result = await requestProductSync(db, session.shop, productGid(ref.data.id), (run) => requestManualRun(db, appQueues(), run));
  return cors(Response.json(result));
};
