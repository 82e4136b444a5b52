// Session tokens and token exchange (contracts README "Auth"): the embedded app's session token is
// an HS256 JWT keyed with the client secret; POST /admin/oauth/access_token trades it for an
// offline or online access token, and (expiring offline tokens) a refresh token for later.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Sim } from './context.ts';
import type { AccessToken, ShopRecord } from './state.ts';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const OFFLINE = 'urn:shopify:params:oauth:token-type:offline-access-token';
const ONLINE = 'urn:shopify:params:oauth:token-type:online-access-token';
/** shopify-app-js verifies session tokens with a 10 s clock tolerance. */
const CLOCK_TOLERANCE_S = 10;
const ACCESS_TOKEN_TTL_S = 3600;
const ONLINE_TOKEN_TTL_S = 86399;
/** Not published (README "Not found"); 90 days stands in. */
const REFRESH_TOKEN_TTL_S = 90 * 24 * 3600;

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** A session token like App Bridge's, valid for one minute from the simulator's clock. */
export function mintSessionToken(sim: Sim, shop: string, sub = '1', overrides: Record<string, unknown> = {}): string {
  const now = Math.floor(sim.clock.nowMs() / 1000);
  return signJwt(
    {
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: sim.state.app.clientId,
      sub,
      exp: now + 60,
      nbf: now,
      iat: now,
      jti: randomUUID(),
      sid: randomUUID(),
      ...overrides,
    },
    sim.state.app.clientSecret,
  );
}

export type JwtCheck = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

export function verifySessionToken(sim: Sim, shop: ShopRecord, token: unknown): JwtCheck {
  if (typeof token !== 'string') return { ok: false, reason: 'missing' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [head, body, sig] = parts;
  let header: { alg?: string };
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (header.alg !== 'HS256') return { ok: false, reason: 'algorithm' };
  const expected = createHmac('sha256', sim.state.app.clientSecret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  const now = sim.clock.nowMs() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_TOLERANCE_S < now) return { ok: false, reason: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf - CLOCK_TOLERANCE_S > now) return { ok: false, reason: 'not yet valid' };
  if (claims.aud !== sim.state.app.clientId) return { ok: false, reason: 'audience' };
  const dest = typeof claims.dest === 'string' ? claims.dest.replace(/^https?:\/\//, '').replace(/\/$/, '') : '';
  if (dest !== shop.domain) return { ok: false, reason: 'destination' };
  return { ok: true, claims };
}

function newToken(prefix: string) {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}

/** Issues an access token for `shop` directly (control API / in-process tests). */
export function issueOfflineToken(sim: Sim, shop: ShopRecord, options: { expiring?: boolean; scope?: string } = {}) {
  const scope = options.scope ?? sim.state.app.scopes;
  const token: AccessToken = { token: newToken('shpat'), shop: shop.domain, scope, kind: 'offline' };
  const reply: Record<string, unknown> = { access_token: token.token, scope };
  if (options.expiring) {
    token.expiresAtMs = sim.clock.nowMs() + ACCESS_TOKEN_TTL_S * 1000;
    const refresh = newToken('shprt');
    sim.state.refreshTokens.set(refresh, { token: refresh, shop: shop.domain, scope, expiresAtMs: sim.clock.nowMs() + REFRESH_TOKEN_TTL_S * 1000 });
    Object.assign(reply, { expires_in: ACCESS_TOKEN_TTL_S, refresh_token: refresh, refresh_token_expires_in: REFRESH_TOKEN_TTL_S });
  }
  sim.state.tokens.set(token.token, token);
  return reply;
}

function issueOnlineToken(sim: Sim, shop: ShopRecord, userId: string) {
  const scope = sim.state.app.scopes;
  const token: AccessToken = { token: newToken('shpua'), shop: shop.domain, scope, kind: 'online', userId, expiresAtMs: sim.clock.nowMs() + ONLINE_TOKEN_TTL_S * 1000 };
  sim.state.tokens.set(token.token, token);
  return {
    access_token: token.token,
    scope,
    expires_in: ONLINE_TOKEN_TTL_S,
    associated_user_scope: scope,
    session: randomUUID(),
    account_number: 0,
    associated_user: { id: Number(userId) || 1, first_name: 'Sam', last_name: 'Merchant', email: `user${userId}@${shop.domain}`, account_owner: true, locale: 'en', collaborator: false, email_verified: true },
  };
}

export interface OAuthReply {
  status: number;
  body: unknown;
}

/** POST /admin/oauth/access_token: token exchange or refresh, JSON or form encoded. */
export function accessTokenRequest(sim: Sim, shop: ShopRecord, body: Record<string, unknown>): OAuthReply {
  const app = sim.state.app;
  if (body.client_id !== app.clientId || body.client_secret !== app.clientSecret) {
    return { status: 400, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } };
  }
  if (body.grant_type === TOKEN_EXCHANGE) {
    if (body.subject_token_type !== undefined && body.subject_token_type !== ID_TOKEN) return { status: 400, body: { error: 'invalid_request', error_description: 'Unsupported subject_token_type.' } };
    const check = verifySessionToken(sim, shop, body.subject_token);
    if (!check.ok) return { status: 400, body: { error: 'invalid_subject_token' } };
    shop.installed = true;
    const requested = body.requested_token_type ?? OFFLINE;
    if (requested === ONLINE) return { status: 200, body: issueOnlineToken(sim, shop, String(check.claims.sub ?? '1')) };
    if (requested !== OFFLINE) return { status: 400, body: { error: 'invalid_request', error_description: 'Unsupported requested_token_type.' } };
    return { status: 200, body: issueOfflineToken(sim, shop, { expiring: String(body.expiring) === '1' }) };
  }
  if (body.grant_type === 'refresh_token') {
    const refresh = typeof body.refresh_token === 'string' ? sim.state.refreshTokens.get(body.refresh_token) : undefined;
    if (!refresh || refresh.shop !== shop.domain || refresh.expiresAtMs <= sim.clock.nowMs()) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.' } };
    }
    // Refresh tokens are replaced on each use (CL offline-access-tokens-now-support-expiry-and-refresh).
    sim.state.refreshTokens.delete(refresh.token);
    return { status: 200, body: issueOfflineToken(sim, shop, { expiring: true, scope: refresh.scope }) };
  }
  return { status: 400, body: { error: 'unsupported_grant_type' } };
}

/** Uninstall: tokens stop working and app/uninstalled fires. */
export function revokeTokens(sim: Sim, shop: ShopRecord) {
  for (const [token, t] of sim.state.tokens) if (t.shop === shop.domain) sim.state.tokens.delete(token);
  for (const [token, t] of sim.state.refreshTokens) if (t.shop === shop.domain) sim.state.refreshTokens.delete(token);
}
