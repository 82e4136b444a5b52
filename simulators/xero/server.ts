// The Accounting API pipeline (/api.xro/2.0): every call needs `Authorization: Bearer` (401 in
// Xero's problem shape otherwise) and a connected `xero-tenant-id` (403 AuthenticationUnsuccessful,
// developer.xero.com/documentation/oauth2/troubleshooting); then the per-tenant limits (5
// concurrent, 60/minute, 5000/day, 10,000/minute per app) with X-DayLimit-Remaining,
// X-MinLimit-Remaining and X-AppMinLimit-Remaining on every answer and, on 429, Retry-After plus
// X-Rate-Limit-Problem (developer.xero.com/documentation/guides/oauth2/limits); then
// Idempotency-Key replays on PUT/POST; then the resource handler.
import { randomUUID } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import type { SimClock } from '../common/clock.ts';
import { grantForAccessToken } from './oauth.ts';
import type { XeroApp, XeroIdempotencyRecord, XeroState, XeroTenant } from './state.ts';

export const API_BASE = '/api.xro/2.0';
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Not documented by Xero; the simulator keeps keys for a day, like other vendors do. */
export const XERO_IDEMPOTENCY_TTL_MS = DAY_MS;

export type Json = Record<string, unknown>;

export interface XeroCall {
  tenant: XeroTenant;
  app: XeroApp;
  method: string;
  body: unknown;
  query: Record<string, string | undefined>;
  params: Record<string, string>;
  nowMs: number;
  ifModifiedSinceMs?: number;
  summarizeErrors: boolean;
}

export interface XeroResult {
  status?: number;
  body: unknown;
}

export type XeroHandler = (call: XeroCall) => XeroResult;

/** An answer other than 200, thrown by a handler. */
export class XeroApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`Xero ${status}`);
  }
}

export const notFound = () => new XeroApiError(404, "The resource you're looking for cannot be found");

/** The envelope every Accounting API answer shares (examples in xero_accounting.yaml). */
export function envelope(nowMs: number, key: string, list: unknown[], extra: Json = {}): Json {
  return { Id: randomUUID(), Status: 'OK', ProviderName: 'Tandem', DateTimeUTC: `/Date(${nowMs})/`, ...extra, [key]: list };
}

export function validationException(elements: unknown[]): XeroApiError {
  return new XeroApiError(400, { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: elements });
}

interface Locals {
  tenant?: XeroTenant;
  app?: XeroApp;
  replayed?: boolean;
  problem?: string;
}
const locals = (res: Response) => res.locals as Locals;

function problem(res: Response, status: number, title: string, detail: string) {
  res.status(status).json({ Type: null, Title: title, Status: status, Detail: detail, Instance: randomUUID(), Extensions: {} });
}

/** Sorted-key JSON, so a retried body compares equal to the first whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Json).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Counts requests in progress per xero-tenant-id from the moment they arrive (before simulated
 * latency), so overlapping calls meet the concurrent limit. Mounted ahead of the common base.
 */
export function trackInFlight(state: XeroState) {
  return (req: Request, res: Response, next: NextFunction) => {
    const tenantId = req.header('xero-tenant-id');
    if (!tenantId || !req.path.startsWith(API_BASE)) return next();
    state.inFlight.set(tenantId, (state.inFlight.get(tenantId) ?? 0) + 1);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      state.inFlight.set(tenantId, Math.max(0, (state.inFlight.get(tenantId) ?? 1) - 1));
    };
    res.on('finish', finish);
    res.on('close', finish);
    next();
  };
}

export interface XeroRouter {
  get(path: string, handler: XeroHandler): void;
  put(path: string, handler: XeroHandler): void;
  post(path: string, handler: XeroHandler): void;
}

export function registerXeroAccounting(app: Express, state: XeroState, clock: SimClock, register: (router: XeroRouter) => void) {
  app.use(API_BASE, (req, res, next) => {
    let logged = false;
    const log = () => {
      if (logged) return;
      logged = true;
      state.requests.push({
        at: clock.now().toISOString(),
        method: req.method,
        path: req.baseUrl + req.path,
        status: res.headersSent ? res.statusCode : 0,
        tenantId: locals(res).tenant?.id,
        idempotencyKey: req.header('idempotency-key') ?? undefined,
        replayed: locals(res).replayed ?? false,
        rateLimitProblem: locals(res).problem,
      });
    };
    res.on('finish', log);
    res.on('close', log);
    next();
  });

  app.use(API_BASE, (req, res, next) => {
    const { grant, detail } = grantForAccessToken(state, clock, req.header('authorization'));
    if (!grant) {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      return problem(res, 401, 'Unauthorized', detail);
    }
    const tenantId = req.header('xero-tenant-id') ?? '';
    const connected = state.connections.some((c) => c.clientId === grant.clientId && c.tenantId.toLowerCase() === tenantId.toLowerCase());
    const tenant = [...state.tenants.values()].find((t) => t.id.toLowerCase() === tenantId.toLowerCase());
    if (!tenant || !connected || !grant.tenantIds.includes(tenant.id)) return problem(res, 403, 'Forbidden', 'AuthenticationUnsuccessful');
    locals(res).tenant = tenant;
    locals(res).app = state.apps.get(grant.clientId);
    next();
  });

  app.use(API_BASE, (_req, res, next) => {
    const tenant = locals(res).tenant as XeroTenant;
    const client = locals(res).app as XeroApp;
    const now = clock.nowMs();
    const limits = state.limits;
    tenant.dayCalls = tenant.dayCalls.filter((t) => t > now - DAY_MS);
    tenant.minuteCalls = tenant.minuteCalls.filter((t) => t > now - MINUTE_MS);
    client.minuteCalls = client.minuteCalls.filter((t) => t > now - MINUTE_MS);
    const setRemaining = () => {
      res.setHeader('X-DayLimit-Remaining', String(Math.max(0, limits.perDay - tenant.dayCalls.length)));
      res.setHeader('X-MinLimit-Remaining', String(Math.max(0, limits.perMinute - tenant.minuteCalls.length)));
      res.setHeader('X-AppMinLimit-Remaining', String(Math.max(0, limits.appPerMinute - client.minuteCalls.length)));
    };
    const waitS = (oldest: number, window: number) => Math.max(1, Math.ceil((oldest + window - now) / 1000));
    let hit: { problem: string; retryAfterS: number } | undefined;
    if (tenant.dayCalls.length >= limits.perDay) hit = { problem: 'day', retryAfterS: waitS(tenant.dayCalls[0], DAY_MS) };
    else if (client.minuteCalls.length >= limits.appPerMinute) hit = { problem: 'appminute', retryAfterS: waitS(client.minuteCalls[0], MINUTE_MS) };
    else if (tenant.minuteCalls.length >= limits.perMinute) hit = { problem: 'minute', retryAfterS: waitS(tenant.minuteCalls[0], MINUTE_MS) };
    else if ((state.inFlight.get(_req.header('xero-tenant-id') ?? '') ?? 0) > limits.concurrent) hit = { problem: 'concurrent', retryAfterS: 1 };
    if (hit) {
      setRemaining();
      locals(res).problem = hit.problem;
      res.setHeader('Retry-After', String(hit.retryAfterS));
      res.setHeader('X-Rate-Limit-Problem', hit.problem);
      // Xero's 429 body is the OAuth 1.0a-era form-encoded problem (pyxero parses it with parse_qs).
      return res
        .status(429)
        .type('text/plain')
        .send('oauth_problem=rate%20limit%20exceeded&oauth_problem_advice=please%20wait%20before%20retrying%20the%20xero%20api');
    }
    tenant.dayCalls.push(now);
    tenant.minuteCalls.push(now);
    client.minuteCalls.push(now);
    setRemaining();
    next();
  });

  const run = (handler: XeroHandler) => (req: Request, res: Response) => {
    const tenant = locals(res).tenant as XeroTenant;
    const client = locals(res).app as XeroApp;
    const method = req.method;
    const path = req.baseUrl + req.path;
    const key = method === 'PUT' || method === 'POST' ? req.header('idempotency-key') : undefined;
    const body = req.body ?? {};
    let record: XeroIdempotencyRecord | undefined;
    if (key) {
      if (key.length > 128) return problem(res, 400, 'Bad Request', 'The Idempotency-Key header must be at most 128 characters.');
      const nowMs = clock.nowMs();
      const prior = tenant.idempotency.get(key);
      if (prior && prior.createdAtMs + XERO_IDEMPOTENCY_TTL_MS > nowMs) {
        // Xero does not document a key reused for another request; the simulator refuses it
        // rather than replaying an unrelated answer.
        if (prior.method !== method || prior.path !== path || prior.body !== canonical(body)) {
          return problem(res, 400, 'Bad Request', `The Idempotency-Key '${key}' was already used for a different request.`);
        }
        if (!prior.response) return problem(res, 409, 'Conflict', `A request with the Idempotency-Key '${key}' is still in progress.`);
        locals(res).replayed = true;
        const replay = prior.response;
        return typeof replay.body === 'string' ? res.status(replay.status).type('text/plain').send(replay.body) : res.status(replay.status).json(replay.body);
      }
      record = { key, method, path, body: canonical(body), createdAtMs: nowMs };
      tenant.idempotency.set(key, record);
    }
    const query = Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v === undefined ? undefined : String(v)]));
    const since = req.header('if-modified-since');
    const sinceMs = since ? Date.parse(since) : undefined;
    const call: XeroCall = {
      tenant,
      app: client,
      method,
      body,
      query,
      params: req.params,
      nowMs: clock.nowMs(),
      ifModifiedSinceMs: sinceMs !== undefined && !Number.isNaN(sinceMs) ? sinceMs : undefined,
      summarizeErrors: query.summarizeErrors !== 'false',
    };
    let status: number;
    let out: unknown;
    try {
      const result = handler(call);
      status = result.status ?? 200;
      out = result.body;
    } catch (err) {
      if (!(err instanceof XeroApiError)) {
        // A simulator bug must not leave the key "in progress" forever.
        if (record) tenant.idempotency.delete(record.key);
        throw err;
      }
      status = err.status;
      out = err.body;
    }
    if (record) record.response = { status, body: structuredClone(out) };
    if (typeof out === 'string') res.status(status).type('text/plain').send(out);
    else res.status(status).json(out);
  };

  register({
    get: (path, handler) => app.get(API_BASE + path, run(handler)),
    put: (path, handler) => app.put(API_BASE + path, run(handler)),
    post: (path, handler) => app.post(API_BASE + path, run(handler)),
  });

  app.use(API_BASE, (_req, res) => {
    res.status(404).type('text/plain').send("The resource you're looking for cannot be found");
  });
}
