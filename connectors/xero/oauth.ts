// Xero's authorization-code flow (developer.xero.com/documentation/guides/oauth2/auth-flow; the
// URLs are xero-identity.yaml's OAuth2 scheme). After the exchange, GET /connections lists the
// organisations the token reaches; the one just authorised carries the token's
// authentication_event_id (developer.xero.com/documentation/guides/oauth2/tenants).
import { z } from 'zod';
import { AuthExpired } from '../sdk/errors.ts';
import type { OAuthFlow } from '../sdk/oauth.ts';

const XeroConnections = z.array(z.object({ tenantId: z.string(), tenantType: z.string().optional(), authEventId: z.string().optional(), updatedDateUtc: z.string().optional() }));

/** The access token is a JWT; its authentication_event_id names this authorization's organisations. */
function authEventIdOf(accessToken: string): string | undefined {
  const payload = accessToken.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { authentication_event_id?: unknown };
    return typeof claims.authentication_event_id === 'string' ? claims.authentication_event_id : undefined;
  } catch {
    return undefined;
  }
}

export const xeroOAuth: OAuthFlow = {
  authorizeUrl: 'https://login.xero.com/identity/connect/authorize',
  tokenUrl: () => 'https://identity.xero.com/connect/token',
  // offline_access: a refresh token, for Xero's 30-minute access tokens.
  scopes: ['openid', 'profile', 'email', 'offline_access', 'accounting.transactions', 'accounting.contacts', 'accounting.settings'],
  clientAuth: 'basic',
  accountField: 'tenantId',
  async accountOf({ tokens, at, fetch }) {
    const url = new URL(at('https://api.xero.com/connections'));
    const authEventId = authEventIdOf(tokens.accessToken);
    if (authEventId) url.searchParams.set('authEventId', authEventId);
    const res = await fetch(url, { headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' } });
    if (!res.ok) throw AuthExpired(`Xero answered ${res.status} to GET /connections`, { connectorId: 'xero', merchantMessage: 'Xero did not list the organisations Tandem was given. Connect Xero again.' });
    const organisations = XeroConnections.parse(await res.json()).filter((c) => (c.tenantType ?? 'ORGANISATION') === 'ORGANISATION');
    // Newest first: without an event id, the organisation just authorised was updated last.
    const chosen = organisations.sort((a, b) => (b.updatedDateUtc ?? '').localeCompare(a.updatedDateUtc ?? ''))[0];
    if (!chosen) throw AuthExpired('Xero listed no organisation for the token', { connectorId: 'xero', merchantMessage: 'No Xero organisation was chosen. Connect Xero again and pick the organisation.' });
    return chosen.tenantId;
  },
};
