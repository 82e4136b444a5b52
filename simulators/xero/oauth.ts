// Xero's identity service: OpenID discovery, the consent redirect, POST /connect/token
// (authorization_code and refresh_token grants, form-encoded, client auth by Basic header or body),
// revocation, and GET/DELETE /connections. Access tokens live 30 minutes; refresh tokens rotate on
// use, but the used one keeps working for a 30-minute grace period "in case the initial response
// containing your new Refresh and Access tokens is lost" (Xero staff, Xero Developer Community),
// and an unused one expires after 60 days.
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { Express, Request, Response } from 'express';
import type { SimClock } from '../common/clock.ts';
import { randomToken, type XeroApp, type XeroGrant, type XeroState } from './state.ts';

export const ACCESS_TOKEN_TTL_MS = 30 * 60 * 1000;
export const REFRESH_GRACE_MS = 30 * 60 * 1000;
export const REFRESH_TOKEN_TTL_MS = 60 * 24 * 60 * 60 * 1000;
const CODE_TTL_MS = 5 * 60 * 1000;

export type XeroTokenSet = {
  id_token?: string;
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  refresh_token: string;
  scope: string;
};

/** RS256 signing key for id_tokens; its public half is served as the JWKS. */
export class IdTokenSigner {
  readonly #privateKey: KeyObject;
  readonly jwk: Record<string, unknown>;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#privateKey = privateKey;
    this.jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'sim-1', use: 'sig', alg: 'RS256' };
  }

  sign(claims: Record<string, unknown>): string {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${enc({ alg: 'RS256', kid: 'sim-1', typ: 'JWT' })}.${enc(claims)}`;
    return `${input}.${sign('RSA-SHA256', Buffer.from(input), this.#privateKey).toString('base64url')}`;
  }
}

export const issuerOf = (req: Request) => `${req.protocol}://${req.get('host')}`;

export function issueTokens(state: XeroState, clock: SimClock, grant: XeroGrant, idToken?: { issuer: string; signer: IdTokenSigner; nonce?: string }): XeroTokenSet {
  const now = clock.nowMs();
  const access = { token: randomToken(), authEventId: grant.authEventId, expiresAtMs: now + ACCESS_TOKEN_TTL_MS };
  const refresh = { token: randomToken(), authEventId: grant.authEventId, issuedAtMs: now };
  state.accessTokens.set(access.token, access);
  state.refreshTokens.set(refresh.token, refresh);
  const set: XeroTokenSet = {
    access_token: access.token,
    expires_in: ACCESS_TOKEN_TTL_MS / 1000,
    token_type: 'Bearer',
    refresh_token: refresh.token,
    scope: grant.scope,
  };
  if (idToken && grant.scope.split(' ').includes('openid')) {
    const iat = Math.floor(now / 1000);
    set.id_token = idToken.signer.sign({
      iss: idToken.issuer,
      aud: grant.clientId,
      sub: grant.userId,
      iat,
      nbf: iat,
      exp: iat + 300,
      auth_time: iat,
      xero_userid: grant.userId,
      global_session_id: grant.authEventId,
      preferred_username: 'sim.user@example.com',
      email: 'sim.user@example.com',
      given_name: 'Sim',
      family_name: 'User',
      ...(idToken.nonce ? { nonce: idToken.nonce } : {}),
    });
  }
  return set;
}

/** Records the user's consent: a grant over `tenantIds`, with a connection per tenant. */
export function grantConsent(state: XeroState, clock: SimClock, app: XeroApp, scope: string, tenantIds?: string[]): XeroGrant {
  const chosen = tenantIds ?? (app.consentTenantIds.length ? app.consentTenantIds : [...state.tenants.keys()]);
  const grant: XeroGrant = { authEventId: randomUUID(), clientId: app.clientId, userId: randomUUID(), scope, tenantIds: [...chosen], revoked: false };
  state.grants.set(grant.authEventId, grant);
  const now = clock.nowMs();
  for (const tenantId of chosen) {
    const existing = state.connections.find((c) => c.clientId === app.clientId && c.tenantId === tenantId);
    if (existing) Object.assign(existing, { authEventId: grant.authEventId, updatedMs: now });
    else state.connections.push({ id: randomUUID(), clientId: app.clientId, tenantId, authEventId: grant.authEventId, createdMs: now, updatedMs: now });
  }
  return grant;
}

function clientOf(state: XeroState, req: Request): XeroApp | undefined {
  let id = req.body?.client_id as string | undefined;
  let secret = req.body?.client_secret as string | undefined;
  const header = req.header('authorization');
  if (header?.startsWith('Basic ')) {
    const [u, p] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    id = decodeURIComponent(u);
    secret = decodeURIComponent(p ?? '');
  }
  const app = id ? state.apps.get(id) : undefined;
  return app && app.clientSecret === secret ? app : undefined;
}

const oauthError = (res: Response, error: string, status = 400) => res.status(status).json({ error });

/** The grant behind a Bearer access token, or why there is none (for the 401 Detail). */
export function grantForAccessToken(state: XeroState, clock: SimClock, header: string | undefined): { grant?: XeroGrant; detail: string } {
  const token = header?.match(/^Bearer\s+(.+)$/i)?.[1];
  const access = token ? state.accessTokens.get(token) : undefined;
  if (!access) return { detail: 'AuthenticationUnsuccessful' };
  const grant = state.grants.get(access.authEventId);
  if (!grant || grant.revoked) return { detail: 'AuthenticationUnsuccessful' };
  if (access.expiresAtMs <= clock.nowMs()) {
    const at = new Date(access.expiresAtMs);
    const p = (n: number) => String(n).padStart(2, '0');
    const stamp = `${p(at.getUTCMonth() + 1)}/${p(at.getUTCDate())}/${at.getUTCFullYear()} ${p(at.getUTCHours())}:${p(at.getUTCMinutes())}:${p(at.getUTCSeconds())}`;
    return { detail: `TokenExpired: token expired at ${stamp}` };
  }
  return { grant, detail: '' };
}

export function registerXeroIdentity(app: Express, state: XeroState, clock: SimClock, signer: IdTokenSigner) {
  app.get('/.well-known/openid-configuration', (req, res) => {
    const iss = issuerOf(req);
    res.json({
      issuer: iss,
      authorization_endpoint: `${iss}/identity/connect/authorize`,
      token_endpoint: `${iss}/connect/token`,
      revocation_endpoint: `${iss}/connect/revocation`,
      userinfo_endpoint: `${iss}/connect/userinfo`,
      jwks_uri: `${iss}/.well-known/openid-configuration/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'accounting.transactions', 'accounting.contacts', 'accounting.settings'],
    });
  });
  app.get('/.well-known/openid-configuration/jwks', (_req, res) => res.json({ keys: [signer.jwk] }));

  // The consent screen, approved at once by the simulated user (tenants: the app's consentTenantIds).
  app.get('/identity/connect/authorize', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const client = q.client_id ? state.apps.get(q.client_id) : undefined;
    if (!client || !q.redirect_uri || (client.redirectUris.length > 0 && !client.redirectUris.includes(q.redirect_uri))) {
      return res.status(500).send('Sorry, something went wrong: invalid client_id or redirect_uri');
    }
    const grant = grantConsent(state, clock, client, q.scope ?? '');
    const code = randomToken(24);
    state.codes.set(code, { code, grant, redirectUri: q.redirect_uri, nonce: q.nonce, expiresAtMs: clock.nowMs() + CODE_TTL_MS, used: false });
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', code);
    target.searchParams.set('scope', grant.scope);
    if (q.state) target.searchParams.set('state', q.state);
    target.searchParams.set('session_state', randomToken(16));
    res.redirect(302, target.toString());
  });

  app.post('/connect/token', (req, res) => {
    const client = clientOf(state, req);
    if (!client) return oauthError(res, 'invalid_client');
    const now = clock.nowMs();
    const grantType = req.body?.grant_type;
    if (grantType === 'authorization_code') {
      const code = state.codes.get(String(req.body.code ?? ''));
      if (!code || code.used || code.expiresAtMs <= now || code.grant.clientId !== client.clientId || code.redirectUri !== req.body.redirect_uri) {
        return oauthError(res, 'invalid_grant');
      }
      code.used = true;
      return res.json(issueTokens(state, clock, code.grant, { issuer: issuerOf(req), signer, nonce: code.nonce }));
    }
    if (grantType === 'refresh_token') {
      const refresh = state.refreshTokens.get(String(req.body.refresh_token ?? ''));
      const grant = refresh ? state.grants.get(refresh.authEventId) : undefined;
      const usable =
        refresh &&
        grant &&
        !grant.revoked &&
        grant.clientId === client.clientId &&
        refresh.issuedAtMs + REFRESH_TOKEN_TTL_MS > now &&
        (refresh.usedAtMs === undefined || refresh.usedAtMs + REFRESH_GRACE_MS > now);
      if (!usable) return oauthError(res, 'invalid_grant');
      refresh.usedAtMs ??= now;
      return res.json(issueTokens(state, clock, grant, { issuer: issuerOf(req), signer }));
    }
    return oauthError(res, 'unsupported_grant_type');
  });

  app.post('/connect/revocation', (req, res) => {
    const client = clientOf(state, req);
    if (!client) return oauthError(res, 'invalid_client');
    const refresh = state.refreshTokens.get(String(req.body?.token ?? ''));
    const grant = refresh ? state.grants.get(refresh.authEventId) : undefined;
    if (grant && grant.clientId === client.clientId) {
      grant.revoked = true;
      state.connections.splice(0, state.connections.length, ...state.connections.filter((c) => c.authEventId !== grant.authEventId));
    }
    res.status(200).end();
  });

  const unauthorized = (res: Response, detail: string) =>
    res.status(401).json({ Type: null, Title: 'Unauthorized', Status: 401, Detail: detail, Instance: randomUUID(), Extensions: {} });

  // https://api.xero.com/connections (the identity spec writes /Connections; routing ignores case).
  app.get('/connections', (req, res) => {
    const { grant, detail } = grantForAccessToken(state, clock, req.header('authorization'));
    if (!grant) return unauthorized(res, detail);
    const authEventId = typeof req.query.authEventId === 'string' ? req.query.authEventId : undefined;
    const list = state.connections
      .filter((c) => c.clientId === grant.clientId && grant.tenantIds.includes(c.tenantId))
      .filter((c) => authEventId === undefined || c.authEventId === authEventId)
      .map((c) => ({
        id: c.id,
        authEventId: c.authEventId,
        tenantId: c.tenantId,
        tenantType: 'ORGANISATION',
        tenantName: state.tenants.get(c.tenantId)?.name ?? null,
        createdDateUtc: new Date(c.createdMs).toISOString(),
        updatedDateUtc: new Date(c.updatedMs).toISOString(),
      }));
    res.json(list);
  });
  app.delete('/connections/:id', (req, res) => {
    const { grant, detail } = grantForAccessToken(state, clock, req.header('authorization'));
    if (!grant) return unauthorized(res, detail);
    const index = state.connections.findIndex((c) => c.id === req.params.id && c.clientId === grant.clientId);
    if (index < 0) return res.status(404).end();
    const [removed] = state.connections.splice(index, 1);
    for (const g of state.grants.values()) {
      if (g.clientId === grant.clientId) g.tenantIds = g.tenantIds.filter((t) => t !== removed.tenantId);
    }
    res.status(204).end();
  });
}
