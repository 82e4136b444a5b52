// One Xero organisation through the official xero-node client. Every Accounting API call spends
// from the connection's budget first (60/min, 5,000/day, 5 at once: the manifest's policy) and
// gives its concurrency slot back when it ends; Xero's X-*Limit-Remaining headers are fed back to
// the budget; 429s wait out Retry-After except the day limit, which is surfaced at once.
// Access tokens live 30 minutes and refresh tokens rotate on every use, so refreshing runs inside
// `credentials.update()`: a second worker racing the first sees the new pair and keeps it.
import { AccountingApi } from 'xero-node';
import type { z } from 'zod';
import type { Budget } from '../sdk/budget.ts';
import type { CredentialStore, Logger } from '../sdk/connector.ts';
import { AuthExpired, Invalid } from '../sdk/errors.ts';
import { backoffDelay, createHttpClient, parseRetryAfter, sleep, type HttpClient } from '../sdk/http.ts';
import { unlimitedBudget } from '../sdk/budget.ts';
import { rateLimitProblem, readXeroFailure, toConnectorError, type XeroFailure, type XeroSubject } from './errors.ts';
import { XeroTokenResponse } from './schemas.ts';

const API_HOST = 'https://api.xero.com';
const IDENTITY_HOST = 'https://identity.xero.com';
/** Refresh a little before Xero's 30-minute expiry, so a call is not sent with a dying token. */
const EXPIRY_MARGIN_MS = 60_000;
const RETRIES = 3;
const BACKOFF = { baseMs: 250, maxMs: 8_000 };

export interface XeroClientOptions {
  tenantId: string;
  clientId: string;
  credentials: CredentialStore;
  budget: Budget;
  logger: Logger;
  fetch?: typeof fetch;
  /** The simulator's origin: serves both /api.xro/2.0 and /connect/token. */
  baseUrlOverride?: string;
  /** Longest time one call waits for Xero's minute or concurrency limits before throwing rate_limited. Default 30 s. */
  maxWaitMs?: number;
  now?: () => number;
}

/** What a generated xero-node method resolves with. */
interface XeroNodeResult {
  body: unknown;
  response: { headers?: unknown };
}

export class XeroClient {
  readonly tenantId: string;
  readonly #basePath: string;
  readonly #identity: HttpClient;
  readonly #now: () => number;

  constructor(private readonly options: XeroClientOptions) {
    this.tenantId = options.tenantId;
    this.#basePath = `${options.baseUrlOverride ?? API_HOST}/api.xro/2.0`;
    this.#now = options.now ?? Date.now;
    // Identity calls do not count against the organisation's Accounting API limits.
    this.#identity = createHttpClient({
      connectorId: 'xero',
      baseUrl: options.baseUrlOverride ?? IDENTITY_HOST,
      budget: unlimitedBudget,
      fetch: options.fetch,
      logger: options.logger,
      retries: 0,
      classifyError: (status, body) =>
        status === 400 || status === 401
          ? AuthExpired(`Xero refused the refresh token (${JSON.stringify(body)})`, {
              merchantMessage: 'Xero’s sign-in for this connection has expired or was revoked. Reconnect Xero in Connectors.',
            })
          : undefined,
    });
  }

  /**
   * Sends one Accounting API call (`send` gets a xero-node AccountingApi holding the current
   * token, and the tenant id) and parses the answer with `schema`. `subject` names what the call
   * is about in errors (`invoice #1001`).
   */
  async call<T>(subject: XeroSubject, send: (api: AccountingApi, tenantId: string) => Promise<XeroNodeResult>, schema: z.ZodType<T>): Promise<T> {
    const maxWaitMs = this.options.maxWaitMs ?? 30_000;
    const { budget } = this.options;
    let refreshed = false;
    let waitedMs = 0;
    let failures = 0;
    for (;;) {
      const token = await this.#accessToken();
      await budget.spend(1, { maxWaitMs: Math.max(0, maxWaitMs - waitedMs) });
      let result: XeroNodeResult | undefined;
      let failure: XeroFailure | undefined;
      try {
        result = await send(this.#api(token), this.tenantId);
      } catch (err) {
        failure = readXeroFailure(err);
      } finally {
        await budget.release?.();
      }
      const headers = result ? lowerCase(result.response.headers) : (failure as XeroFailure).headers;
      await this.#observe(headers);

      if (result) {
        const parsed = schema.safeParse(result.body);
        if (parsed.success) return parsed.data;
        throw Invalid(`Xero answered ${subject} with a shape Tandem does not understand`, parsed.error.issues, { connectorId: 'xero', cause: parsed.error });
      }
      const f = failure as XeroFailure;
      if (f.status === 401 && !refreshed) {
        refreshed = true;
        await this.#refresh(token);
        continue;
      }
      if (f.status === 429) {
        const retryAfterMs = parseRetryAfter(f.headers['retry-after']) ?? backoffDelay(failures, BACKOFF);
        const problem = rateLimitProblem(f);
        // The day limit resets at most 24 h later: waiting here would hold a worker for hours.
        if (problem === 'day') {
          await budget.observe({ dailyRemaining: 0 });
          throw toConnectorError(f, subject, retryAfterMs);
        }
        if (problem === 'minute') await budget.observe({ remaining: 0, resetInMs: retryAfterMs });
        if (waitedMs + retryAfterMs > maxWaitMs) throw toConnectorError(f, subject, retryAfterMs);
        this.options.logger.debug('xero rate limited, waiting', { problem, retryAfterMs });
        waitedMs += retryAfterMs;
        await sleep(retryAfterMs);
        continue;
      }
      // Every write carries an Idempotency-Key, so resending after no answer, a 5xx or an
      // "in progress" 409 cannot post twice.
      if ((f.status === 0 || f.status >= 500 || f.status === 409) && failures < RETRIES) {
        await sleep(backoffDelay(failures++, BACKOFF));
        continue;
      }
      throw toConnectorError(f, subject);
    }
  }

  /** A fresh generated client per call, so concurrent calls never share a mutable token. */
  #api(token: string): AccountingApi {
    const api = new AccountingApi();
    api.basePath = this.#basePath;
    api.accessToken = token;
    return api;
  }

  async #observe(headers: Record<string, string>) {
    const minute = numberOrUndefined(headers['x-minlimit-remaining']);
    const day = numberOrUndefined(headers['x-daylimit-remaining']);
    if (minute !== undefined || day !== undefined) await this.options.budget.observe({ remaining: minute, dailyRemaining: day });
  }

  async #accessToken(): Promise<string> {
    const current = await this.options.credentials.get();
    if (current.accessToken && !this.#expiresSoon(current.expiresAt)) return current.accessToken;
    return this.#refresh(current.accessToken);
  }

  #expiresSoon(expiresAt: string | undefined): boolean {
    return expiresAt !== undefined && Date.parse(expiresAt) - this.#now() < EXPIRY_MARGIN_MS;
  }

  /**
   * Rotates the token pair under the connection's lock. `stale` is the access token the caller
   * saw: if the stored one differs and is still fresh, another worker already refreshed, and
   * its pair is used (spending the old refresh token again would waste Xero's grace period).
   */
  async #refresh(stale: string | undefined): Promise<string> {
    const next = await this.options.credentials.update(async (current) => {
      if (current.accessToken && current.accessToken !== stale && !this.#expiresSoon(current.expiresAt)) return current;
      if (!current.refreshToken || !current.apiSecret) {
        throw AuthExpired('No Xero refresh token or client secret is stored', {
          connectorId: 'xero',
          merchantMessage: 'Tandem has no way to renew its Xero sign-in. Reconnect Xero in Connectors.',
        });
      }
      // POST /connect/token, form-encoded, client credentials in Basic auth
      // (developer.xero.com/documentation/guides/oauth2/auth-flow#refreshing-access-and-refresh-tokens).
      const basic = Buffer.from(`${this.options.clientId}:${current.apiSecret}`).toString('base64');
      const { data } = await this.#identity.request(
        {
          method: 'POST',
          path: '/connect/token',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: current.refreshToken }).toString(),
        },
        XeroTokenResponse,
      );
      this.options.logger.info('xero token refreshed', { tenantId: this.tenantId });
      return {
        ...current,
        accessToken: data.access_token,
        refreshToken: data.refresh_token,
        expiresAt: new Date(this.#now() + data.expires_in * 1000).toISOString(),
      };
    });
    return next.accessToken as string;
  }
}

function lowerCase(headers: unknown): Record<string, string> {
  if (!headers || typeof headers !== 'object') return {};
  return Object.fromEntries(Object.entries(headers as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

function numberOrUndefined(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
