// Where Xero and Lightspeed send the merchant back after the OAuth2 consent (the redirect_uri
// registered for the app): a top-level browser visit with no Shopify session. The `state` it
// carries is the only proof of which shop asked; the engine claims it once, exchanges the code and
// stores the connection. Success goes back to the app in the Shopify admin; a failure says why.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { database } from '../db.server.ts';
import { env } from '../env.server.ts';
import { finishAuthorization } from '../sync/connector-oauth.server.ts';

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const connectorId = params.id ?? '';
  const outcome = await finishAuthorization(await database(), connectorId, new URL(request.url).searchParams, { origins: env().CONNECTOR_ORIGINS });
  if (outcome.ok) return redirect(adminAppUrl(outcome.shopDomain, `/app/connectors/${encodeURIComponent(connectorId)}`));
  const back = outcome.shopDomain ? `<p><a href="${escapeHtml(adminAppUrl(outcome.shopDomain, '/app/connectors'))}">Back to Connectors</a></p>` : '';
  return new Response(`<!doctype html><meta charset="utf-8"><title>Not connected</title><p>${escapeHtml(outcome.message)}</p>${back}`, {
    status: 400,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
};

/** The app's page inside the shop's admin (the demo's and tests' simulator plays the admin there). */
function adminAppUrl(shopDomain: string, path: string): string {
  const { SHOPIFY_ADMIN_ORIGIN: simulated, SHOPIFY_API_KEY: apiKey } = env();
  // The simulator's admin frames the app's home only.
  if (simulated) return `${simulated}/store/${shopDomain}/admin/apps/${encodeURIComponent(apiKey)}`;
  return `https://admin.shopify.com/store/${shopDomain.replace(/\.myshopify\.com$/, '')}/apps/${encodeURIComponent(apiKey)}${path}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
