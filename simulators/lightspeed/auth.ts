// OAuth 2.0 as X-Series runs it (README "Key facts"): authorization code only; the code and the
// refresh token are exchanged at POST /api/1.0/token (form-encoded). Refresh tokens rotate: using
// one revokes it and returns a new one (since 2025-03). Access tokens expire (default 1 h).
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { SimClock } from '../common/clock.ts';
import type { LightspeedState, LsRetailer, LsToken } from './state.ts';

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  redirectUri?: string;
  accessTokenTtlMs: number;
}

const token = (prefix: string) => `${prefix}_${randomBytes(20).toString('hex')}`;

export function issueTokens(retailer: LsRetailer, app: OAuthApp, clock: SimClock): LsToken {
  const t: LsToken = {
    accessToken: token('lsxs_at'),
    refreshToken: token('lsxs_rt'),
    accessExpiresAtMs: clock.nowMs() + app.accessTokenTtlMs,
    revoked: false,
  };
  retailer.tokens.push(t);
  return t;
}

export function issueCode(retailer: LsRetailer): string {
  const code = token('code');
  retailer.codes.add(code);
  return code;
}

function tokenBody(retailer: LsRetailer, t: LsToken, clock: SimClock) {
  const expiresIn = Math.max(Math.round((t.accessExpiresAtMs - clock.nowMs()) / 1000), 0);
  return {
    access_token: t.accessToken,
    token_type: 'Bearer',
    expires: Math.floor(t.accessExpiresAtMs / 1000),
    expires_in: expiresIn,
    refresh_token: t.refreshToken,
    domain_prefix: retailer.domainPrefix,
  };
}

/** POST /api/1.0/token and GET /connect (the consent screen, approved at once). */
export function oauthRouter(state: LightspeedState, app: OAuthApp, clock: SimClock) {
  const router = express.Router();

  router.get('/connect', (req: Request, res: Response) => {
    const { client_id: clientId, redirect_uri: redirectUri, state: oauthState, domain_prefix: prefix } = req.query;
    const retailer = typeof prefix === 'string' ? state.retailer(prefix) : [...state.retailers.values()][0];
    if (clientId !== app.clientId || typeof redirectUri !== 'string' || !retailer) {
      res.status(400).json({ error: 'invalid_request', error_description: 'Unknown client_id, missing redirect_uri or retailer' });
      return;
    }
    const target = new URL(redirectUri);
    target.searchParams.set('code', issueCode(retailer));
    target.searchParams.set('domain_prefix', retailer.domainPrefix);
    if (typeof oauthState === 'string') target.searchParams.set('state', oauthState);
    res.redirect(302, target.toString());
  });

  router.post('/api/1.0/token', (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    if (body.client_id !== app.clientId || body.client_secret !== app.clientSecret) {
      res.status(401).json({ error: 'invalid_client', error_description: 'Client authentication failed' });
      return;
    }
    const invalidGrant = (description: string) => res.status(400).json({ error: 'invalid_grant', error_description: description });
    if (body.grant_type === 'authorization_code') {
      const retailer = [...state.retailers.values()].find((r) => body.code && r.codes.has(body.code));
      if (!retailer || !body.code) return invalidGrant('The authorization code is invalid or was already used');
      if (app.redirectUri && body.redirect_uri !== app.redirectUri) return invalidGrant('redirect_uri does not match');
      retailer.codes.delete(body.code);
      res.json(tokenBody(retailer, issueTokens(retailer, app, clock), clock));
      return;
    }
    if (body.grant_type === 'refresh_token') {
      for (const retailer of state.retailers.values()) {
        const old = retailer.tokens.find((t) => t.refreshToken === body.refresh_token);
        if (!old) continue;
        if (old.revoked) return invalidGrant('The refresh token has been revoked');
        // Rotation: the used refresh token is revoked and a new pair is returned.
        old.revoked = true;
        res.json(tokenBody(retailer, issueTokens(retailer, app, clock), clock));
        return;
      }
      return invalidGrant('The refresh token is invalid');
    }
    res.status(400).json({ error: 'unsupported_grant_type', error_description: `grant_type ${body.grant_type ?? '(missing)'} is not supported` });
  });
  return router;
}
