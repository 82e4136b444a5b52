// One Lightspeed X-Series store: plain fetch through the SDK's HTTP layer (budget first, Retry-After
// as an RFC 1123 date, X-RateLimit-* fed back to the budget, typed errors, redaction). OAuth2 with
// rotating refresh tokens: since 2025-03 a used refresh token is revoked, so refreshing runs inside
// `credentials.update()` and a worker that lost the race keeps the winner's pair instead of
// spending the revoked token.
import type { z } from 'zod';
import type { Budget } from '../sdk/budget.ts';
import type { CredentialStore, Logger } from '../sdk/connector.ts';
import { AuthExpired } from '../sdk/errors.ts';
import { createHttpClient, parseRetryAfter, type HttpRequest, type HttpResponse, type RateLimitReading } from '../sdk/http.ts';
import { unlimitedBudget } from '../sdk/budget.ts';
import { classifyLightspeedError } from './errors.ts';
import { LightspeedTokenResponse } from './schemas.ts';

/** Refresh a little before expiry so a call is not sent with a dying token. */
const EXPIRY_MARGIN_MS = 60_000;

export interface LightspeedClientOptions {
  domainPrefix: string;
  clientId: string;
  credentials: CredentialStore;
  budget: Budget;
  logger: Logger;
  fetch?: typeof fetch;
  /** The simulator's origin; the store is then reached at `/retailers/{prefix}/api/...`. */
  baseUrlOverride?: string;
  now?: () => number;
}

export class LightspeedClient {
  /** `https://{prefix}.retail.lightspeed.app/api`: paths below it name their version (`2026-07/products`, `2.0/search`). */
  readonly #apiBase: string;
  readonly #now: () => number;

  constructor(private readonly options: LightspeedClientOptions) {
    this.#apiBase = options.baseUrlOverride
      ? `${options.baseUrlOverride.replace(/\/+$/, '')}/retailers/${options.domainPrefix}/api`
      : `https://${options.domainPrefix}.retail.lightspeed.app/api`;
    this.#now = options.now ?? Date.now;
  }

  /** One API call. The client is built per call so its refresh hook knows which token was refused. */
  async request<T>(req: HttpRequest, schema: z.ZodType<T>): Promise<HttpResponse<T>> {
    let sent: string | undefined;
    const http = createHttpClient({
      connectorId: 'lightspeed-x',
      baseUrl: this.#apiBase,
      budget: this.options.budget,
      fetch: this.options.fetch,
      logger: this.options.logger,
      authorize: async ({ headers }) => {
        sent = await this.#accessToken();
        headers.set('authorization', `Bearer ${sent}`);
      },
      refreshAuth: async () => {
        await this.#refresh(sent);
        return true;
      },
      readRateLimit,
      classifyError: classifyLightspeedError,
    });
    return http.request(req, schema);
  }

  async #accessToken(): Promise<string> {
    const current = await this.options.credentials.get();
    if (current.accessToken && !this.#expiresSoon(current.expiresAt)) return current.accessToken;
    return this.#refresh(current.accessToken);
  }

  #expiresSoon(expiresAt: string | undefined) {
    return expiresAt !== undefined && Date.parse(expiresAt) - this.#now() < EXPIRY_MARGIN_MS;
  }

  /** Rotates the pair under the connection's lock, unless another worker already replaced `stale`. */
  async #refresh(stale: string | undefined): Promise<string> {
    const next = await this.options.credentials.update(async (current) => {
      if (current.accessToken && current.accessToken !== stale && !this.#expiresSoon(current.expiresAt)) return current;
      if (!current.refreshToken || !current.apiSecret) {
        throw AuthExpired('No Lightspeed refresh token or client secret is stored', {
          connectorId: 'lightspeed-x',
          merchantMessage: 'Tandem has no way to renew its Lightspeed sign-in. Reconnect Lightspeed in Connectors.',
        });
      }
      // POST https://{prefix}.retail.lightspeed.app/api/1.0/token, form-encoded, client credentials
      // in the body (x-series-api.lightspeedhq.com/docs/authorization). Not budgeted: it is not an API call.
      const identity = createHttpClient({
        connectorId: 'lightspeed-x',
        baseUrl: this.#apiBase,
        budget: unlimitedBudget,
        fetch: this.options.fetch,
        retries: 0,
        classifyError: (status) =>
          status === 400 || status === 401
            ? AuthExpired('Lightspeed refused the refresh token', {
                merchantMessage: 'Lightspeed’s sign-in for this store has expired or was revoked. Reconnect Lightspeed in Connectors.',
              })
            : undefined,
      });
      const { data } = await identity.request(
        {
          method: 'POST',
          path: '1.0/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: current.refreshToken,
            client_id: this.options.clientId,
            client_secret: current.apiSecret,
          }).toString(),
        },
        LightspeedTokenResponse,
      );
      const expiresAtMs = data.expires_in ? this.#now() + data.expires_in * 1000 : data.expires ? data.expires * 1000 : undefined;
      this.options.logger.info('lightspeed token refreshed', { domainPrefix: this.options.domainPrefix });
      return {
        ...current,
        accessToken: data.access_token,
        refreshToken: data.refresh_token,
        expiresAt: expiresAtMs ? new Date(expiresAtMs).toISOString() : undefined,
      };
    });
    return next.accessToken as string;
  }
}

/** X-RateLimit-Remaining, and X-RateLimit-Reset as an RFC 1123 date (rate_limiting docs). */
function readRateLimit(headers: Headers): RateLimitReading | undefined {
  const remaining = headers.get('x-ratelimit-remaining');
  const reset = parseRetryAfter(headers.get('x-ratelimit-reset'));
  if (remaining === null && reset === undefined) return undefined;
  return { remaining: remaining === null ? undefined : Number(remaining), resetInMs: reset };
}
