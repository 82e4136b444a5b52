// Where this order went, for the order page's admin block (extensions/order-routing): each
// supplier's part with its order there, state, failure and fix, and tracking. The extension calls
// from extensions.shopifycdn.com with the admin's session token: authenticate.admin answers the
// CORS preflight (OPTIONS reaches the loader of a resource route) and `cors` marks the answer.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { database } from '../db.server.ts';
import { authenticate } from '../shopify.server.ts';
import { OrderRef, orderGid, orderRouting } from '../sync/order-routing.server.ts';

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  const ref = OrderRef.safeParse(params);
  if (!ref.success) return cors(Response.json({ errors: z.flattenError(ref.error).fieldErrors }, { status: 400 }));
  return cors(Response.json(await orderRouting(await database(), session.shop, orderGid(ref.data.id))));
};
