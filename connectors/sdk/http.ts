// The one HTTP layer every REST connector sends through: budget first (proactive), then the call
// with a timeout, the vendor's throttle headers read back (reactive), bounded retries with full
// jitter, and statuses mapped to typed ConnectorErrors that keep their cause. Secrets never reach
// a message: header and query values with secret-looking names are scrubbed from everything we throw.
import type { z } from 'zod';
import type { Budget } from './budget.ts';
import type { Logger } from './connector.ts';
import { AuthExpired, Conflict, ConnectorError, Invalid, NotFound, RateLimited, Unavailable } from './errors.ts';

export interface RateLimitReading {
  remaining?: number;
  resetInMs?: number;
  dailyRemaining?: number;
  /** A vendor-specific "wait this long" when it has no Retry-After (e.g. BigCommerce X-Rate-Limit-Time-Reset-Ms). */
  retryAfterMs?: number;
}

export interface HttpClientOptions {
  connectorId: string;
  /** Requests use paths relative to it; absolute URLs pass through. */
  baseUrl: string;
  budget: Budget;
  fetch?: typeof fetch;
  logger?: Logger;
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  /** Retries of a 5xx, timeout or network failure. Default 3. */
  retries?: number;
  /** Full-jitter backoff: attempt n waits random(0, min(maxMs, baseMs·2ⁿ)). Default 250 ms / 8 s. */
  backoff?: { baseMs: number; maxMs: number };
  /** Longest total time one call may wait in this layer for 429s; beyond it, RateLimited is thrown. Default 30 s. */
  maxWaitMs?: number;
  /** Adds the auth headers (or query) to each attempt. */
  authorize?(request: { headers: Headers; url: URL }): void | Promise<void>;
  /** Called once per call on 401/403; return true when credentials were refreshed and the call should be retried. */
  refreshAuth?(): Promise<boolean>;
  /** Reads the vendor's rate-limit headers after each response. */
  readRateLimit?(headers: Headers, status: number): RateLimitReading | undefined;
  /** Vendor-specific error decisions (e.g. a 400 that means "duplicate SKU"), run before the defaults. */
  classifyError?(status: number, body: unknown): ConnectorError | undefined;
  /** Extra names to scrub, besides the built-in secret-looking ones. */
  secretNames?: string[];
  random?: () => number;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue | QueryValue[]>;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  /** Budget units this call costs. Default 1. */
  cost?: number;
  /**
   * POST and PATCH are retried after a 5xx or timeout only when true (the platform dedupes them,
   * e.g. an Idempotency-Key header): otherwise a retry could create twice. 429s are always retried.
   */
  idempotent?: boolean;
  maxWaitMs?: number;
  timeoutMs?: number;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

export interface HttpClient {
  request<T = unknown>(req: HttpRequest, schema?: z.ZodType<T>): Promise<HttpResponse<T>>;
}

const secretName = /authorization|auth-token|access[-_]?token|refresh[-_]?token|secret|password|api[-_]?key|consumer[-_]?key|signature|cookie|^token$/i;

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const doFetch = options.fetch ?? globalThis.fetch;
  const retries = options.retries ?? 3;
  const backoff = options.backoff ?? { baseMs: 250, maxMs: 8_000 };
  const random = options.random ?? Math.random;
  const extraSecret = options.secretNames?.length ? new RegExp(options.secretNames.map(escapeRegExp).join('|'), 'i') : undefined;
  const isSecretName = (name: string) => secretName.test(name) || (extraSecret?.test(name) ?? false);

  async function request<T>(req: HttpRequest, schema?: z.ZodType<T>): Promise<HttpResponse<T>> {
    const method = req.method ?? 'GET';
    const maxWaitMs = req.maxWaitMs ?? options.maxWaitMs ?? 30_000;
    const retrySafe = method === 'GET' || method === 'PUT' || method === 'DELETE' || req.idempotent === true;
    let failures = 0;
    let throttledWaitMs = 0;
    let refreshed = false;

    for (;;) {
      const url = buildUrl(options.baseUrl, req.path, req.query);
      const headers = new Headers(req.headers);
      if (req.json !== undefined) headers.set('content-type', 'application/json');
      if (!headers.has('accept')) headers.set('accept', 'application/json');
      await options.authorize?.({ headers, url });
      const secrets = collectSecrets(headers, url, isSecretName);
      const where = `${options.connectorId} ${method} ${redactUrl(url, isSecretName)}`;
      const scrub = (text: string) => scrubValues(text, secrets);

      await options.budget.spend(req.cost ?? 1, { maxWaitMs });
      let response: Response;
      let body: unknown;
      try {
        response = await doFetch(url, {
          method,
          headers,
          body: req.json !== undefined ? JSON.stringify(req.json) : req.body,
          signal: AbortSignal.timeout(req.timeoutMs ?? options.timeoutMs ?? 30_000),
        });
        body = await readBody(response);
      } catch (err) {
        if (failures < retries && retrySafe) {
          await sleep(backoffDelay(failures++, backoff, random));
          continue;
        }
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        throw Unavailable(scrub(`${where} ${timedOut ? 'timed out' : `failed: ${err instanceof Error ? err.message : String(err)}`}`), {
          connectorId: options.connectorId,
          cause: err,
        });
      } finally {
        await options.budget.release?.();
      }

      const reading = options.readRateLimit?.(response.headers, response.status);
      if (reading && (reading.remaining !== undefined || reading.resetInMs !== undefined || reading.dailyRemaining !== undefined)) {
        await options.budget.observe({ remaining: reading.remaining, resetInMs: reading.resetInMs, dailyRemaining: reading.dailyRemaining });
      }

      if (response.ok) {
        if (!schema) return { status: response.status, headers: response.headers, data: body as T };
        const parsed = schema.safeParse(body);
        if (parsed.success) return { status: response.status, headers: response.headers, data: parsed.data };
        throw Invalid(`${where} answered a shape Tandem does not understand`, redactDeep(parsed.error.issues, isSecretName, secrets), {
          connectorId: options.connectorId,
          cause: parsed.error,
        });
      }

      const status = response.status;
      const details = { status, body: redactDeep(body, isSecretName, secrets) };
      const extra = { connectorId: options.connectorId, details, cause: new HttpStatusError(status, scrub(stringify(body))) };
      const vendorSays = vendorMessage(body);
      const message = scrub(`${where} answered ${status}${vendorSays ? `: ${vendorSays}` : ''}`);

      if ((status === 401 || status === 403) && options.refreshAuth && !refreshed) {
        refreshed = true;
        if (await options.refreshAuth()) continue;
      }
      if (status === 429) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after')) ?? reading?.retryAfterMs ?? backoffDelay(failures, backoff, random);
        await options.budget.observe({ remaining: 0, resetInMs: retryAfterMs });
        if (throttledWaitMs + retryAfterMs <= maxWaitMs) {
          throttledWaitMs += retryAfterMs;
          options.logger?.debug('rate limited, waiting', { connector: options.connectorId, retryAfterMs });
          await sleep(retryAfterMs);
          continue;
        }
        throw RateLimited(retryAfterMs, message, extra);
      }
      const decided = options.classifyError?.(status, body);
      if (decided) {
        throw new ConnectorError(decided.code, scrub(decided.message), {
          ...decided.options,
          connectorId: options.connectorId,
          details: decided.details ?? details,
          cause: extra.cause,
        });
      }
      if (status >= 500 || status === 408) {
        // A 503 may say when to come back (RFC 9110 §10.2.3); within the caller's cap, that beats a guess.
        const asked = parseRetryAfter(response.headers.get('retry-after'));
        const wait = asked !== undefined && throttledWaitMs + asked <= maxWaitMs ? asked : backoffDelay(failures, backoff, random);
        if (failures < retries && retrySafe) {
          failures++;
          if (asked !== undefined) throttledWaitMs += wait;
          await sleep(wait);
          continue;
        }
        throw Unavailable(message, extra);
      }
      if (status === 401 || status === 403) {
        throw AuthExpired(message, {
          ...extra,
          merchantMessage: `${options.connectorId} refused Tandem's credentials. Reconnect it in Connectors.`,
        });
      }
      if (status === 404) throw NotFound(message, extra);
      if (status === 409 || (status === 422 && /already exists|duplicate|already been taken/i.test(stringify(body)))) {
        throw Conflict(message, extra);
      }
      throw Invalid(message, details, extra);
    }
  }

  return { request };
}

/** A non-2xx answer, kept as the `cause` of the ConnectorError (body already scrubbed). */
export class HttpStatusError extends Error {
  readonly name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}`);
  }
}

/**
 * `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3); Lightspeed X-Series
 * sends RFC 1123 dates. Returns milliseconds from `now`, never negative; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  // A date names a whole second: the limit may lift any time within it, so wait to its end.
  // Reading it as the second's start made a throttled call retry in a tight loop.
  return Math.max(0, at + 1000 - now);
}

/** Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): random(0, min(max, base·2ⁿ)). */
export function backoffDelay(attempt: number, backoff: { baseMs: number; maxMs: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function buildUrl(baseUrl: string, path: string, query: HttpRequest['query']): URL {
  const url = /^https?:\/\//.test(path) ? new URL(path) : new URL(baseUrl.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, ''));
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null) url.searchParams.append(key, String(v));
    }
  }
  return url;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  if (/json/i.test(response.headers.get('content-type') ?? '')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function collectSecrets(headers: Headers, url: URL, isSecretName: (n: string) => boolean): string[] {
  const values: string[] = [];
  headers.forEach((value, name) => {
    if (isSecretName(name)) {
      values.push(value);
      const parts = value.split(/\s+/);
      if (parts.length > 1) values.push(parts.slice(1).join(' '));
      if (/^basic$/i.test(parts[0] ?? '') && parts[1]) {
        const decoded = Buffer.from(parts[1], 'base64').toString('utf8');
        values.push(decoded, ...decoded.split(':'));
      }
    }
  });
  url.searchParams.forEach((value, name) => {
    if (isSecretName(name)) values.push(value);
  });
  // Longest first, so a token is scrubbed whole before any of its parts.
  return values.filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
}

export function redactUrl(url: URL, isSecretName: (n: string) => boolean = (n) => secretName.test(n)): string {
  const copy = new URL(url);
  copy.username = copy.username ? '[redacted]' : '';
  copy.password = copy.password ? '[redacted]' : '';
  for (const name of [...new Set(copy.searchParams.keys())]) {
    if (isSecretName(name)) copy.searchParams.set(name, '[redacted]');
  }
  return decodeURIComponent(copy.toString());
}

function scrubValues(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}

function redactDeep(value: unknown, isSecretName: (n: string) => boolean, secrets: string[]): unknown {
  if (typeof value === 'string') return scrubValues(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, isSecretName, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, isSecretName(k) ? '[redacted]' : redactDeep(v, isSecretName, secrets)]),
    );
  }
  return value;
}

/** The vendor's own words, from the common error shapes ({message}, {error}, {errors:[…]}, {title}). */
function vendorMessage(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  if (!body || typeof body !== 'object') return '';
  const b = body as Record<string, unknown>;
  for (const key of ['message', 'error_description', 'title', 'detail', 'error', 'Message']) {
    if (typeof b[key] === 'string') return (b[key] as string).slice(0, 300);
  }
  if (Array.isArray(b.errors)) return b.errors.map((e) => (typeof e === 'string' ? e : vendorMessage(e))).join('; ').slice(0, 300);
  return '';
}

function stringify(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body) ?? '';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
