import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Budget } from './budget.ts';
import { unlimitedBudget } from './budget.ts';
import { ConnectorError } from './errors.ts';
import { backoffDelay, createHttpClient, parseRetryAfter, type HttpClientOptions } from './http.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

let baseUrl: string;
let handler: Handler;
let hits: Array<{ method: string; url: string; authorization?: string }>;
const server = createServer((req, res) => {
  hits.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
  req.resume();
  req.on('end', () => handler(req, res, hits.length));
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  hits = [];
});

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function client(extra: Partial<HttpClientOptions> = {}) {
  return createHttpClient({
    connectorId: 'testshop',
    baseUrl,
    budget: unlimitedBudget,
    backoff: { baseMs: 5, maxMs: 20 },
    retries: 2,
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('when the platform answers 429 with Retry-After in seconds', () => {
  it('waits that long and then succeeds', async () => {
    handler = (_req, res, hit) => (hit === 1 ? json(res, 429, { error: 'slow down' }, { 'retry-after': '1' }) : json(res, 200, { ok: true }));
    const started = Date.now();
    const { data } = await client().request({ path: '/items' });
    expect(data).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(hits).toHaveLength(2);
  });

  it('throws rate_limited with the wait when it exceeds the caller’s cap', async () => {
    handler = (_req, res) => json(res, 429, { error: 'slow down' }, { 'retry-after': '120' });
    const err = await failure(client({ maxWaitMs: 1_000 }).request({ path: '/items' }));
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(120_000);
    expect(hits).toHaveLength(1);
  });
});

describe('when Retry-After is an HTTP date (Lightspeed X-Series sends RFC 1123 dates)', () => {
  it('reads the date as the time left until the end of that second', () => {
    const now = Date.parse('2026-11-23T12:00:00.250Z');
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:03 GMT', now)).toBe(3_750);
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:00 GMT', now)).toBe(750);
    expect(parseRetryAfter('Mon, 23 Nov 2026 11:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('reports the date as retryAfterMs when the wait is too long to hold a worker', async () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    handler = (_req, res) => json(res, 429, { message: 'Too many requests' }, { 'retry-after': at });
    const err = await failure(client({ maxWaitMs: 500 }).request({ path: '/items' }));
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfterMs).toBeGreaterThan(58_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(61_000);
  });
});

describe('when backing off with full jitter', () => {
  it('stays between zero and the capped exponential ceiling', () => {
    const backoff = { baseMs: 100, maxMs: 1_000 };
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(1_000, 100 * 2 ** attempt);
      expect(backoffDelay(attempt, backoff, () => 0)).toBe(0);
      expect(backoffDelay(attempt, backoff, () => 0.999999)).toBe(ceiling - 1);
      const d = backoffDelay(attempt, backoff);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(ceiling);
    }
  });
});

describe('when the platform keeps answering 5xx', () => {
  it('retries a read a bounded number of times, then throws unavailable keeping the cause', async () => {
    handler = (_req, res) => json(res, 503, { message: 'maintenance' });
    const err = await failure(client({ retries: 2 }).request({ path: '/items' }));
    expect(err.code).toBe('unavailable');
    expect(err.message).toBe(`testshop GET ${baseUrl}/items answered 503: maintenance`);
    expect(err.cause).toMatchObject({ name: 'HttpStatusError', status: 503 });
    expect(hits).toHaveLength(3);
  });

  it('does not retry a create that the platform cannot deduplicate', async () => {
    handler = (_req, res) => json(res, 502, { message: 'bad gateway' });
    const err = await failure(client().request({ method: 'POST', path: '/orders', json: { a: 1 } }));
    expect(err.code).toBe('unavailable');
    expect(hits).toHaveLength(1);
  });

  it('waits the Retry-After a 503 gives before trying again', async () => {
    handler = (_req, res, hit) => (hit === 1 ? json(res, 503, { message: 'maintenance' }, { 'retry-after': '1' }) : json(res, 200, { ok: true }));
    const started = Date.now();
    const { data } = await client({ backoff: { baseMs: 1, maxMs: 1 } }).request({ path: '/items' });
    expect(data).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(hits).toHaveLength(2);
  });

  it('succeeds when the platform recovers within the retries', async () => {
    handler = (_req, res, hit) => (hit < 3 ? json(res, 500, {}) : json(res, 200, { id: 7 }));
    const { data } = await client().request({ method: 'POST', path: '/orders', json: {}, idempotent: true });
    expect(data).toEqual({ id: 7 });
    expect(hits).toHaveLength(3);
  });
});

describe('when the platform does not answer in time', () => {
  it('throws unavailable after the retries', async () => {
    handler = (_req, res) => setTimeout(() => json(res, 200, {}), 300);
    const err = await failure(client({ retries: 1, timeoutMs: 50 }).request({ path: '/slow' }));
    expect(err.code).toBe('unavailable');
    expect(err.message).toBe(`testshop GET ${baseUrl}/slow timed out`);
    expect(hits).toHaveLength(2);
  });
});

describe('when credentials are refused', () => {
  it('refreshes once and retries with the new token', async () => {
    let token = 'old-token-1234';
    let refreshes = 0;
    handler = (req, res) => (req.headers.authorization === 'Bearer new-token-5678' ? json(res, 200, { ok: 1 }) : json(res, 401, { error: 'expired' }));
    const http = client({
      authorize: ({ headers }) => headers.set('authorization', `Bearer ${token}`),
      refreshAuth: async () => {
        refreshes++;
        token = 'new-token-5678';
        return true;
      },
    });
    const { data } = await http.request({ path: '/me' });
    expect(data).toEqual({ ok: 1 });
    expect(refreshes).toBe(1);
    expect(hits.map((h) => h.authorization)).toEqual(['Bearer old-token-1234', 'Bearer new-token-5678']);
  });

  it('throws auth_expired when the refreshed token is refused too', async () => {
    let refreshes = 0;
    handler = (_req, res) => json(res, 403, { error: 'forbidden' });
    const err = await failure(
      client({
        authorize: ({ headers }) => headers.set('authorization', 'Bearer whatever-token'),
        refreshAuth: async () => {
          refreshes++;
          return true;
        },
      }).request({ path: '/me' }),
    );
    expect(err.code).toBe('auth_expired');
    expect(err.merchantMessage).toBe("testshop refused Tandem's credentials. Reconnect it in Connectors.");
    expect(refreshes).toBe(1);
    expect(hits).toHaveLength(2);
  });
});

describe('when an error would carry a secret', () => {
  it('scrubs header tokens, secret query values and echoed secrets from the message and details', async () => {
    handler = (_req, res) =>
      json(res, 400, { message: 'token sk_live_SECRET123 is not valid for ck_KEY456', consumer_secret: 'cs_SECRET789', field: 'sku' });
    const err = await failure(
      client({
        authorize: ({ headers, url }) => {
          headers.set('x-auth-token', 'sk_live_SECRET123');
          url.searchParams.set('consumer_key', 'ck_KEY456');
          url.searchParams.set('consumer_secret', 'cs_SECRET789');
        },
      }).request({ path: '/products', query: { page: 2 } }),
    );
    const everything = JSON.stringify({ message: err.message, json: err.toJSON(), cause: String(err.cause), body: (err.cause as { body: string }).body });
    for (const secret of ['sk_live_SECRET123', 'ck_KEY456', 'cs_SECRET789']) expect(everything).not.toContain(secret);
    expect(err.code).toBe('invalid');
    expect(err.message).toBe(
      `testshop GET ${baseUrl}/products?page=2&consumer_key=[redacted]&consumer_secret=[redacted] answered 400: token [redacted] is not valid for [redacted]`,
    );
    expect(err.details).toEqual({
      status: 400,
      body: { message: 'token [redacted] is not valid for [redacted]', consumer_secret: '[redacted]', field: 'sku' },
    });
  });
});

describe.each([
  [404, { message: 'nope' }, 'not_found'],
  [409, { message: 'version mismatch' }, 'conflict'],
  [422, { errors: ['SKU has already been taken'] }, 'conflict'],
  [422, { errors: ['price must be positive'] }, 'invalid'],
  [400, { message: 'bad' }, 'invalid'],
] as const)('when the platform answers %i %j', (status, body, code) => {
  it(`throws ${code}`, async () => {
    handler = (_req, res) => json(res, status, body);
    const err = await failure(client().request({ path: '/x' }));
    expect(err.code).toBe(code);
    expect(err.details).toEqual({ status, body });
    expect(hits).toHaveLength(1);
  });
});

describe('when the connector knows its vendor’s own error codes', () => {
  it('lets the connector classify before the defaults', async () => {
    handler = (_req, res) => json(res, 400, { code: 'product_invalid_sku', message: 'Invalid or duplicated SKU.' });
    const err = await failure(
      client({
        classifyError: (status, body) =>
          status === 400 && (body as { code?: string }).code === 'product_invalid_sku' ? new ConnectorError('conflict', 'duplicate SKU') : undefined,
      }).request({ path: '/x' }),
    );
    expect(err.code).toBe('conflict');
    expect(err.options.connectorId).toBe('testshop');
  });
});

describe('when spending from the budget', () => {
  it('spends before every attempt and observes what the vendor says is left', async () => {
    const log: string[] = [];
    const budget: Budget = {
      async spend(units = 1) {
        log.push(`spend ${units}`);
        return { waitedMs: 0 };
      },
      async refund() {},
      async observe(state) {
        log.push(`observe ${JSON.stringify(state)}`);
      },
      async usage() {
        return { today: 0, month: 0 };
      },
    };
    handler = (_req, res, hit) =>
      hit === 1 ? json(res, 500, {}, { 'x-remaining': '9' }) : json(res, 200, { ok: true }, { 'x-remaining': '8', 'x-reset-ms': '1500' });
    await client({
      budget,
      readRateLimit: (headers) => ({ remaining: Number(headers.get('x-remaining')), resetInMs: Number(headers.get('x-reset-ms') ?? 0) }),
    }).request({ path: '/items', cost: 2 });
    expect(log).toEqual(['spend 2', 'observe {"remaining":9,"resetInMs":0}', 'spend 2', 'observe {"remaining":8,"resetInMs":1500}']);
  });
});
