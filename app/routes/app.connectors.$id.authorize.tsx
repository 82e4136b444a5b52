// "Sign in with Xero / Lightspeed" on a connector's page: keeps the form under a fresh OAuth2 state
// and answers the platform's consent URL, which the page opens in the top window (the platforms
// refuse to be framed). The platform then redirects to /connectors/<id>/callback.
import type { ActionFunctionArgs } from '@remix-run/node';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { database } from '../db.server.ts';
import { env } from '../env.server.ts';
import { authenticate } from '../shopify.server.ts';
import { ConnectRefused } from '../sync/connections-admin.server.ts';
import { startAuthorization } from '../sync/connector-oauth.server.ts';

export type AuthorizeAnswer = { ok: true; authorizeUrl: string } | { ok: false; errors: Record<string, string[] | undefined> };

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = Object.fromEntries(await request.formData());
  try {
    const { authorizeUrl } = await startAuthorization(await database(), session.shop, params.id ?? '', form, {
      appUrl: env().SHOPIFY_APP_URL,
      origins: env().CONNECTOR_ORIGINS,
    });
    return Response.json({ ok: true, authorizeUrl } satisfies AuthorizeAnswer);
  } catch (err) {
    if (err instanceof ConnectRefused) return Response.json({ ok: false, errors: err.errors } satisfies AuthorizeAnswer, { status: 400 });
    if (err instanceof ConnectorError && err.code === 'not_found') return new Response(err.merchantMessage ?? err.message, { status: 404 });
    throw err;
  }
};
