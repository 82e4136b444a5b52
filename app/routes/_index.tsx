// The app URL. Shopify opens it with ?shop=&host=&embedded=1: hand those to the embedded app;
// anyone arriving without a shop is asked for one.
import { redirect, type LoaderFunctionArgs } from '@remix-run/node';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get('shop')) throw redirect(`/app?${url.searchParams.toString()}`);
  throw redirect('/auth/login');
};
