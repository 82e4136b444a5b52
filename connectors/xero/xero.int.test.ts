import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startXeroSimulator, type XeroSimulator } from '../../simulators/xero/index.ts';
import type { Budget } from '../sdk/budget.ts';
import { describeConnectorConformance } from '../sdk/conformance.ts';
import { memoryCredentials, requireCapability, silentLogger, type CredentialStore } from '../sdk/connector.ts';
import type { ConnectorError } from '../sdk/errors.ts';
import { createMemoryBudget } from '../sdk/memory-budget.ts';
import type { InvoiceInput, Sku } from '../sdk/types.ts';
import xero from './index.ts';
import { manifest, XeroConfig } from './manifest.ts';

const sku = (s: string) => s as Sku;

/** The credentials a finished Xero consent leaves behind, for the simulator's default app. */
function consentedCredentials(sim: XeroSimulator, overrides: { expiresAt?: string } = {}): CredentialStore {
  const tokens = sim.connect();
  return memoryCredentials({
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: overrides.expiresAt ?? new Date(Date.now() + tokens.expires_in * 1000).toISOString(),
    apiSecret: sim.clientSecret,
  });
}

interface Wiring {
  credentials?: CredentialStore;
  budget?: Budget;
  fetch?: typeof fetch;
}

function connect(sim: XeroSimulator, wiring: Wiring = {}) {
  const connector = xero.create(XeroConfig.parse({ tenantId: sim.tenantId, clientId: sim.clientId }), {
    budget: wiring.budget ?? createMemoryBudget(manifest.rateLimit),
    credentials: wiring.credentials ?? consentedCredentials(sim),
    logger: silentLogger,
    baseUrlOverride: sim.url,
    fetch: wiring.fetch,
  });
  const reader = requireCapability(connector, 'customers.read');
  const writer = requireCapability(connector, 'customers.write');
  return {
    invoices: requireCapability(connector, 'invoices.write'),
    customers: { findCustomer: reader.findCustomer, createCustomer: writer.createCustomer },
  };
}

/** The memory budget plus the concurrency limit the Redis budget enforces, counting what it lets through. */
function watchedBudget(limit = manifest.rateLimit.maxConcurrent ?? 5) {
  const inner = createMemoryBudget(manifest.rateLimit);
  const stats = { spends: 0, releases: 0, inFlight: 0, maxInFlight: 0 };
  const waiting: Array<() => void> = [];
  const budget: Budget = {
    async spend(units, opts) {
      while (stats.inFlight >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        const result = await inner.spend(units, opts);
        stats.spends++;
        return result;
      } catch (err) {
        stats.inFlight--;
        throw err;
      }
    },
    async release() {
      stats.releases++;
      stats.inFlight--;
      waiting.shift()?.();
    },
    refund: (u) => inner.refund(u),
    observe: (s) => inner.observe(s),
    usage: () => inner.usage(),
  };
  return { budget, stats };
}

const invoice = (overrides: Partial<InvoiceInput> = {}): InvoiceInput => ({
  reference: '#1001',
  contact: { name: 'Corner Store', email: 'buyer@corner.example', accountId: 'CORNER-1' },
  currency: 'USD',
  issuedOn: new Date('2026-11-23T10:00:00Z'),
  dueOn: new Date('2026-12-07T10:00:00Z'),
  lines: [
    { description: 'Red tee, medium', sku: sku('SKU-RED-M'), quantity: 2, unitPrice: '12.50' },
    { description: 'Freight', sku: null, quantity: 1, unitPrice: '5.00' },
  ],
  ...overrides,
});

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  return promise.then(
    () => expect.unreachable('the call should fail'),
    (err: unknown) => err as ConnectorError,
  );
}

describeConnectorConformance('Xero', async () => {
  const sim = await startXeroSimulator({ latencyMs: 0 });
  const connector = xero.create(XeroConfig.parse({ tenantId: sim.tenantId, clientId: sim.clientId }), {
    budget: createMemoryBudget(manifest.rateLimit),
    credentials: consentedCredentials(sim),
    logger: silentLogger,
    baseUrlOverride: sim.url,
  });
  return {
    connector,
    fixtures: { knownSku: sku('SKU-CONF-1'), duplicateSku: sku('SKU-CONF-DUP'), minimumProducts: 0, newCustomerEmail: 'new.buyer@retail.example' },
    close: () => sim.close(),
  };
});

describe('Xero connector against the simulator', () => {
  let sim: XeroSimulator;

  beforeAll(async () => {
    sim = await startXeroSimulator({ latencyMs: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await fetch(`${sim.url}/_control/reset`, { method: 'POST' });
  });

  describe('when an invoice is posted', () => {
    it('creates the contact and the missing item, then an approved sales invoice with the order reference', async () => {
      const posted = await connect(sim).invoices.postInvoice(invoice(), 'inv-1001');
      const books = sim.snapshot();
      expect(posted).toEqual({ externalId: books.invoices[0].InvoiceID, number: 'INV-0001', status: 'AUTHORISED', createdItemCodes: ['SKU-RED-M'] });
      expect(books.contacts).toEqual([expect.objectContaining({ Name: 'Corner Store', EmailAddress: 'buyer@corner.example', ContactNumber: 'CORNER-1' })]);
      expect(books.items.map((i) => [i.Code, i.Name])).toEqual([['SKU-RED-M', 'Red tee, medium']]);
      expect(books.invoices[0]).toMatchObject({ Type: 'ACCREC', Reference: '#1001', Total: 30, CurrencyCode: 'USD', DateString: '2026-11-23T00:00:00' });
      expect((books.invoices[0].LineItems as Array<{ ItemCode?: string; Quantity: number }>).map((l) => [l.ItemCode ?? null, l.Quantity])).toEqual([
        ['SKU-RED-M', 2],
        [null, 1],
      ]);
    });

    it('sends an Idempotency-Key derived from the invoice’s key on every write', async () => {
      await connect(sim).invoices.postInvoice(invoice(), 'inv-1001');
      const writes = sim.state.requests.filter((r) => r.method === 'PUT' || r.method === 'POST');
      expect(writes.map((w) => [w.path, w.idempotencyKey?.split(':')[0]])).toEqual([
        ['/api.xro/2.0/Contacts', 'inv-1001'],
        ['/api.xro/2.0/Items', 'inv-1001'],
        ['/api.xro/2.0/Invoices', 'inv-1001'],
      ]);
      expect(sim.state.requests.every((r) => r.tenantId === sim.tenantId)).toBe(true);
    });

    it('bills the contact already linked by account id and leaves it as the merchant keeps it', async () => {
      const tokens = sim.connect();
      await fetch(`${sim.accountingBasePath}/Contacts`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${tokens.access_token}`, 'xero-tenant-id': sim.tenantId, 'content-type': 'application/json' },
        body: JSON.stringify({ Contacts: [{ Name: 'Corner Store Holdings', ContactNumber: 'CORNER-1', EmailAddress: 'accounts@corner.example' }] }),
      });
      const before = sim.snapshot().contacts[0];
      await connect(sim).invoices.postInvoice(invoice(), 'inv-1001');
      const books = sim.snapshot();
      expect(books.contacts).toEqual([before]);
      expect((books.invoices[0].Contact as { ContactID: string }).ContactID).toBe(before.ContactID);
    });

    it('returns the first invoice when the job crashed after Xero created it and retries with the same key', async () => {
      const { invoices } = connect(sim);
      const first = await invoices.postInvoice(invoice(), 'inv-1001');
      // The worker died here, before recording `first`; the job runs again with the same key.
      const retried = await connect(sim).invoices.postInvoice(invoice(), 'inv-1001');
      expect(retried).toEqual({ ...first, createdItemCodes: [] });
      expect(sim.snapshot().invoices).toHaveLength(1);
      expect(sim.snapshot().contacts).toHaveLength(1);
    });

    it('creates one invoice when Xero saved it but its answer was lost', async () => {
      sim.lostResponses.add({ route: '^PUT /api.xro/2.0/Invoices$', times: 1 });
      const posted = await connect(sim).invoices.postInvoice(invoice(), 'inv-1001');
      const books = sim.snapshot();
      expect(books.invoices.map((i) => i.InvoiceID)).toEqual([posted.externalId]);
      expect(sim.state.requests.filter((r) => r.path.endsWith('/Invoices')).map((r) => r.replayed)).toEqual([false, true]);
    });

    it('bills the contact the engine linked without looking it up or changing it', async () => {
      const { customers, invoices } = connect(sim);
      const linked = await customers.createCustomer({ email: 'buyer@corner.example', accountId: 'CORNER-1', firstName: null, lastName: null, company: 'Corner Store', phone: null });
      const before = sim.snapshot().contacts;
      const reads = sim.state.requests.length;
      await invoices.postInvoice(invoice({ contact: { name: 'Corner Store Renamed', email: 'new@corner.example', accountId: 'CORNER-1', externalId: linked.externalId } }), 'inv-1001');
      const books = sim.snapshot();
      expect(books.contacts).toEqual(before);
      expect((books.invoices[0].Contact as { ContactID: string }).ContactID).toBe(linked.externalId);
      expect(sim.state.requests.slice(reads).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api.xro/2.0/Items', 'PUT /api.xro/2.0/Items', 'PUT /api.xro/2.0/Invoices']);
    });

    it('finds a posted invoice by its exact reference, and nothing for another reference', async () => {
      const { invoices } = connect(sim);
      const posted = await invoices.postInvoice(invoice({ reference: '#1001 from corner.myshopify.com' }), 'inv-1001');
      await invoices.postInvoice(invoice({ reference: '#1001 from other.myshopify.com' }), 'inv-1001-other');
      const { createdItemCodes: _created, ...found } = posted;
      expect(await invoices.findInvoiceByReference('#1001 from corner.myshopify.com')).toEqual(found);
      expect(await invoices.findInvoiceByReference('#1001')).toBeNull();
    });

    it('posts a second invoice under a different key', async () => {
      const { invoices } = connect(sim);
      const a = await invoices.postInvoice(invoice(), 'inv-1001');
      const b = await invoices.postInvoice(invoice({ reference: '#1002' }), 'inv-1002');
      expect(b.externalId).not.toBe(a.externalId);
      expect(sim.snapshot().invoices.map((i) => i.Reference)).toEqual(['#1001', '#1002']);
      expect(sim.snapshot().items).toHaveLength(1);
    });

    it('refuses a SKU longer than Xero’s 30-character item code before calling Xero', async () => {
      const long = 'WHOLESALE-ORGANIC-COTTON-TEE-RED-M';
      const err = await rejection(
        connect(sim).invoices.postInvoice(invoice({ lines: [{ description: 'Organic tee', sku: sku(long), quantity: 1, unitPrice: '9.00' }] }), 'inv-1001'),
      );
      expect(err.code).toBe('invalid');
      expect(err.merchantMessage).toBe(
        `Xero cannot post invoice #1001: SKU "${long}" (34) is longer than the 30 characters Xero allows for an item code. Shorten the SKU (or create the item in Xero under a shorter code and use that SKU), then press Retry in Activity.`,
      );
      expect(sim.state.requests).toHaveLength(0);
    });

    it('names the invoice and the fix when Xero answers with a ValidationException', async () => {
      sim.faults.add({
        route: '^PUT /api.xro/2.0/Invoices$',
        status: 400,
        times: 1,
        body: { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: [{ ValidationErrors: [{ Message: 'The contact Corner Store is archived and cannot be used on a transaction.' }] }] },
      });
      const err = await rejection(connect(sim).invoices.postInvoice(invoice(), 'inv-1001'));
      expect(err.code).toBe('invalid');
      expect(err.merchantMessage).toBe(
        'Xero rejected invoice #1001: The contact Corner Store is archived and cannot be used on a transaction. Unarchive it in Xero, then press Retry in Activity.',
      );
    });
  });

  describe('when customers are looked up and created', () => {
    it('finds a contact by account id before email, and by email whatever its case', async () => {
      const { customers } = connect(sim);
      const created = await customers.createCustomer({ email: 'Ada@Retail.example', accountId: 'RET-7', firstName: 'Ada', lastName: 'Lovelace', company: 'Retail Co', phone: '555-0100' });
      expect(created).toMatchObject({ email: 'Ada@Retail.example', accountId: 'RET-7', company: 'Retail Co', phone: '555-0100' });
      expect((await customers.findCustomer({ accountId: 'RET-7', email: 'other@x.example' }))?.externalId).toBe(created.externalId);
      expect((await customers.findCustomer({ email: 'ada@retail.EXAMPLE' }))?.externalId).toBe(created.externalId);
      expect(await customers.findCustomer({ email: 'nobody@x.example' })).toBeNull();
    });

    it('tells two customers with one company name apart instead of failing', async () => {
      const { customers } = connect(sim);
      await customers.createCustomer({ email: 'a@shop.example', accountId: null, firstName: null, lastName: null, company: 'Shop', phone: null });
      const second = await customers.createCustomer({ email: 'b@shop.example', accountId: null, firstName: null, lastName: null, company: 'Shop', phone: null });
      expect(second.company).toBe('Shop (b@shop.example)');
      expect(sim.snapshot().contacts).toHaveLength(2);
    });
  });

  describe('when Xero throttles', () => {
    it('gets every call through a storm of 429s without going over the budget', async () => {
      sim.faults.add({ route: '^GET /api.xro/2.0/Contacts$', status: 429, times: 4, retryAfterS: 0, headers: { 'X-Rate-Limit-Problem': 'minute' } });
      sim.faults.add({ route: '^PUT /api.xro/2.0/Invoices$', status: 429, times: 3, retryAfterS: 0, headers: { 'X-Rate-Limit-Problem': 'concurrent' } });
      const { budget, stats } = watchedBudget();
      const { invoices } = connect(sim, { budget });
      const posted = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          invoices.postInvoice(invoice({ reference: `#${2000 + i}`, contact: { name: `Store ${i}`, email: `s${i}@x.example`, accountId: null } }), `inv-${2000 + i}`),
        ),
      );
      expect(new Set(posted.map((p) => p.externalId)).size).toBe(8);
      expect(sim.snapshot().invoices).toHaveLength(8);
      const throttled = sim.faults.list().reduce((n, f) => n + (f as { hits: number }).hits, 0);
      expect(throttled).toBe(7);
      // Every request Xero saw, served or throttled, was paid for first and its slot given back.
      expect(stats.spends).toBe(sim.state.requests.length + throttled);
      expect(stats.releases).toBe(stats.spends);
      expect(stats.maxInFlight).toBeLessThanOrEqual(5);
      expect(sim.state.requests.some((r) => r.rateLimitProblem)).toBe(false);
    });

    it('surfaces Xero’s day limit as rate_limited until tomorrow, then stops calling Xero (budget_exhausted)', async () => {
      const { customers } = connect(sim);
      await customers.findCustomer({ accountId: 'A' });
      // Other workers of this app spent the rest of today's calls, unseen by this connection's budget.
      sim.setLimits({ perDay: 1 });
      const err = await rejection(customers.findCustomer({ accountId: 'C' }));
      expect(err.code).toBe('rate_limited');
      expect(err.retryAfterMs).toBeGreaterThan(23 * 3600_000);
      expect(err.merchantMessage).toBe(
        'Xero’s daily limit of API calls for this organisation is used up, so contact C waits. Tandem carries on automatically when Xero allows it again.',
      );
      const served = sim.state.requests.length;
      const next = await rejection(customers.findCustomer({ accountId: 'D' }));
      expect(next.code).toBe('budget_exhausted');
      expect(sim.state.requests.length).toBe(served);
    });

    it('stops before Xero when the connection’s own daily cap is spent (budget_exhausted)', async () => {
      const budget = createMemoryBudget({ ...manifest.rateLimit, dailyCap: 2 });
      const { customers } = connect(sim, { budget });
      await customers.findCustomer({ accountId: 'A' });
      await customers.findCustomer({ accountId: 'B' });
      const err = await rejection(customers.findCustomer({ accountId: 'C' }));
      expect(err.code).toBe('budget_exhausted');
      expect(sim.state.requests).toHaveLength(2);
    });
  });

  describe('when the access token expires', () => {
    function countingFetch() {
      const calls = { token: 0 };
      const wrapped: typeof fetch = (input, init) => {
        if (String(input instanceof Request ? input.url : input).endsWith('/connect/token')) calls.token++;
        return fetch(input, init);
      };
      return { calls, fetch: wrapped };
    }

    it('refreshes once when two calls race with an expired token, and keeps the newest refresh token', async () => {
      const credentials = consentedCredentials(sim, { expiresAt: new Date(Date.now() - 1000).toISOString() });
      const original = await credentials.get();
      sim.clock.advance(31 * 60_000);
      const counted = countingFetch();
      const { customers } = connect(sim, { credentials, fetch: counted.fetch });
      await Promise.all([customers.findCustomer({ accountId: 'A' }), customers.findCustomer({ email: 'b@x.example' })]);
      expect(counted.calls.token).toBe(1);
      const stored = await credentials.get();
      expect(stored.refreshToken).not.toBe(original.refreshToken);
      expect(sim.state.refreshTokens.get(stored.refreshToken as string)?.usedAtMs).toBeUndefined();
      expect(sim.state.refreshTokens.get(original.refreshToken as string)?.usedAtMs).toBeDefined();
      expect(sim.state.requests.map((r) => r.status)).toEqual([200, 200]);
    });

    it('refreshes once when Xero refuses a token whose expiry Tandem did not know, then retries the calls', async () => {
      const tokens = sim.connect();
      const credentials = memoryCredentials({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token, apiSecret: sim.clientSecret });
      sim.clock.advance(31 * 60_000);
      const counted = countingFetch();
      const { customers } = connect(sim, { credentials, fetch: counted.fetch });
      await Promise.all([customers.findCustomer({ accountId: 'A' }), customers.findCustomer({ accountId: 'B' })]);
      expect(counted.calls.token).toBe(1);
      expect(sim.state.requests.map((r) => r.status).sort()).toEqual([200, 200, 401, 401]);
      expect((await credentials.get()).accessToken).not.toBe(tokens.access_token);
    });

    it('asks the merchant to reconnect when Xero refuses the refresh token', async () => {
      const credentials = memoryCredentials({ accessToken: 'expired', refreshToken: 'revoked', expiresAt: new Date(0).toISOString(), apiSecret: sim.clientSecret });
      const err = await rejection(connect(sim, { credentials }).customers.findCustomer({ accountId: 'A' }));
      expect(err.code).toBe('auth_expired');
      expect(err.merchantMessage).toBe('Xero’s sign-in for this connection has expired or was revoked. Reconnect Xero in Connectors.');
      expect(JSON.stringify(err.toJSON())).not.toContain(sim.clientSecret);
    });
  });
});
