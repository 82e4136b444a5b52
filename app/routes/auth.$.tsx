// Reserved by shopify-app-remix for its auth paths (session-token bounce, exit-iframe, callback).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { authenticate } from '../shopify.server.ts';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};
