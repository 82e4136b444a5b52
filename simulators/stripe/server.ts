// The Stripe API (/v1) as the official `stripe` client sees it: Bearer secret keys per account,
// form-encoded bodies, `Request-Id` on every answer, Stripe's error envelope, the test-mode rate
// limit (429 + Stripe-Rate-Limited-Reason) and Idempotency-Key replays kept 24 hours.
import type { Express, NextFunction, Request, Response } from 'express';
import type { SimClock } from '../common/clock.ts';
import { StripeApiError, type StripeErrorBody } from './errors.ts';
import { stripeId, type IdempotencyRecord, type StripeAccount, type StripeState } from './state.ts';
import type { StripeEvents } from './webhooks.ts';
import { registerStripeResources } from './resources.ts';

/** Stripe keeps idempotency keys at least 24 hours (docs.stripe.com/api/idempotent_requests). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export type Params = Record<string, unknown>;

export interface StripeCall {
  account: StripeAccount;
  body: Params;
  query: Params;
  params: Record<string, string>;
  /** Simulated now, in Unix seconds (Stripe's `created`). */
  now: number;
  requestId: string;
  idempotencyKey: string | null;
}

export interface StripeResult {
  status?: number;
  body: unknown;
}

export type StripeHandler = (call: StripeCall) => StripeResult;

export interface StripeRouter {
  get(path: string, handler: StripeHandler): void;
  post(path: string, handler: StripeHandler): void;
}

interface Locals {
  requestId: string;
  account?: StripeAccount;
  replayed?: boolean;
}

const locals = (res: Response) => res.locals as Locals;

function sendError(res: Response, status: number, error: StripeErrorBody) {
  res.status(status).json({ error });
}

/** Sorted-key JSON, so the same parameters in another order still count as the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Params).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

function byId(account: StripeAccount, id: string): unknown {
  const maps: Record<string, Map<string, unknown>> = {
    cus: account.customers,
    pi: account.paymentIntents,
    ch: account.charges,
    in: account.invoices,
    ii: account.invoiceItems,
    pm: account.paymentMethods,
  };
  return maps[id.split('_')[0]]?.get(id);
}

/** Stripe's `expand[]`: replaces an id at a (dotted, `data.`-aware) path with a copy of its object. */
function expandPath(account: StripeAccount, node: unknown, parts: string[]): unknown {
  if (!node || typeof node !== 'object' || parts.length === 0) return node;
  const [head, ...rest] = parts;
  const obj = node as Params;
  if (head === 'data' && Array.isArray(obj.data)) return { ...obj, data: obj.data.map((x) => expandPath(account, x, rest)) };
  const value = obj[head];
  const found = typeof value === 'string' ? byId(account, value) : undefined;
  const next = found ? structuredClone(found) : value;
  return { ...obj, [head]: rest.length ? expandPath(account, next, rest) : next };
}

function secretKeyOf(req: Request): string | undefined {
  const header = req.header('authorization');
  if (!header) return undefined;
  const [scheme, value = ''] = header.split(' ');
  if (/^bearer$/i.test(scheme)) return value.trim();
  // Stripe also accepts the key as the Basic-auth user name (curl -u sk_test_...:).
  if (/^basic$/i.test(scheme)) return Buffer.from(value, 'base64').toString('utf8').split(':')[0];
  return undefined;
}

export function registerStripeApi(app: Express, state: StripeState, clock: SimClock, events: StripeEvents) {
  app.use('/v1', (req, res, next) => {
    const requestId = stripeId('req', 14);
    res.locals.requestId = requestId;
    res.setHeader('Request-Id', requestId);
    res.setHeader('Stripe-Version', req.header('stripe-version') ?? '2026-10-28.endive');
    let logged = false;
    const log = () => {
      if (logged) return;
      logged = true;
      state.requests.push({
        at: clock.now().toISOString(),
        account: locals(res).account?.id,
        method: req.method,
        path: req.baseUrl + req.path,
        status: res.headersSent ? res.statusCode : 0,
        requestId,
        idempotencyKey: req.header('idempotency-key') ?? undefined,
        replayed: locals(res).replayed ?? false,
      });
    };
    res.on('finish', log);
    res.on('close', log);
    next();
  });

  app.use('/v1', (req, res, next) => {
    const key = secretKeyOf(req);
    if (!key) {
      return sendError(res, 401, {
        type: 'invalid_request_error',
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      });
    }
    const account = state.accountForKey(key);
    if (!account) {
      return sendError(res, 401, {
        type: 'invalid_request_error',
        message: `Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`,
      });
    }
    locals(res).account = account;
    next();
  });

  app.use('/v1', (_req, res, next) => {
    const account = locals(res).account as StripeAccount;
    const now = clock.nowMs();
    account.recentRequests = account.recentRequests.filter((t) => t > now - 1000);
    if (account.recentRequests.length >= state.limits.perSecond) {
      res.setHeader('Stripe-Rate-Limited-Reason', 'global-rate');
      return sendError(res, 429, {
        type: 'invalid_request_error',
        code: 'rate_limit',
        doc_url: 'https://docs.stripe.com/error-codes/rate-limit',
        message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
      });
    }
    account.recentRequests.push(now);
    next();
  });

  const run = (method: 'GET' | 'POST', handler: StripeHandler) => (req: Request, res: Response, _next: NextFunction) => {
    const account = locals(res).account as StripeAccount;
    const requestId = locals(res).requestId;
    const body = (req.body ?? {}) as Params;
    const key = method === 'POST' ? (req.header('idempotency-key') ?? null) : null;
    const path = req.baseUrl + req.path;
    let record: IdempotencyRecord | undefined;
    if (key !== null) {
      if (key.length > 255) return sendError(res, 400, { type: 'invalid_request_error', message: 'Idempotency-Key must be at most 255 characters long.' });
      const nowMs = clock.nowMs();
      const previous = account.idempotency.get(key);
      if (previous && previous.createdAtMs + IDEMPOTENCY_TTL_MS <= nowMs) account.idempotency.delete(key);
      const prior = account.idempotency.get(key);
      if (prior) {
        if (prior.method !== method || prior.path !== path) {
          return sendError(res, 400, {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${prior.method} ${prior.path}' vs '${method} ${path}'). Try using a key other than '${key}' if you meant to execute a different request.`,
          });
        }
        if (prior.params !== canonical(body)) {
          return sendError(res, 400, {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          });
        }
        if (!prior.response) {
          return sendError(res, 409, {
            type: 'idempotency_error',
            message: `There is currently another in-progress request using this Stripe token (that probably means you clicked twice, and the other request is still going through): ${key}. This request will not be processed.`,
          });
        }
        locals(res).replayed = true;
        res.setHeader('Idempotent-Replayed', 'true');
        res.setHeader('Original-Request', prior.response.requestId);
        return res.status(prior.response.status).json(prior.response.body);
      }
      record = { key, method, path, params: canonical(body), createdAtMs: nowMs };
      account.idempotency.set(key, record);
    }
    const call: StripeCall = {
      account,
      body,
      query: req.query as Params,
      params: req.params,
      now: Math.floor(clock.nowMs() / 1000),
      requestId,
      idempotencyKey: key,
    };
    let status: number;
    let out: unknown;
    let saved = true;
    try {
      const result = handler(call);
      status = result.status ?? 200;
      out = result.body;
      for (const path of [...asList(body.expand), ...asList((req.query as Params).expand)]) out = expandPath(account, out, path.split('.'));
    } catch (err) {
      if (!(err instanceof StripeApiError)) {
        // A simulator bug must not leave the key "in progress" forever.
        if (record) account.idempotency.delete(record.key);
        throw err;
      }
      status = err.status;
      out = { error: err.body };
      saved = err.saved;
    }
    if (record) {
      if (saved) record.response = { status, body: structuredClone(out), requestId };
      else account.idempotency.delete(record.key);
    }
    res.status(status).json(out);
  };

  const router: StripeRouter = {
    get: (path, handler) => app.get(path, run('GET', handler)),
    post: (path, handler) => app.post(path, run('POST', handler)),
  };
  registerStripeResources(router, events, () => state.limits.searchLagMs);

  app.use('/v1', (req, res) => {
    sendError(res, 404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${req.method}: ${req.baseUrl + req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    });
  });
}
