import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Issuer } from 'openid-client';
import { Contact, Invoice, LineAmountTypes, XeroClient } from 'xero-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startXeroSimulator, signXeroPayload, type XeroSimulator } from './index.ts';

let sim: XeroSimulator;

/** The official client, unmodified, pointed at the simulator through its public seams. */
async function officialClient(scopes = ['openid', 'profile', 'email', 'offline_access', 'accounting.transactions', 'accounting.contacts', 'accounting.settings']) {
  const redirectUri = 'http://localhost:3000/auth/xero/callback';
  const xero = new XeroClient({ clientId: sim.clientId, clientSecret: sim.clientSecret, redirectUris: [redirectUri], scopes, state: 'state-123' });
  const issuer = await Issuer.discover(sim.url);
  xero.openIdClient = new issuer.Client({ client_id: sim.clientId, client_secret: sim.clientSecret, redirect_uris: [redirectUri] });
  xero.accountingApi.basePath = sim.accountingBasePath;
  return xero;
}

/** Consent in the (simulated) browser: follow the consent URL to the redirect with the code. */
async function connectThroughConsent(xero: XeroClient) {
  const consent = await fetch(await xero.buildConsentUrl(), { redirect: 'manual' });
  expect(consent.status).toBe(302);
  return xero.apiCallback(consent.headers.get('location') as string);
}

/** xero-node rejects with a JSON string of { response: { statusCode, body, headers } }. */
async function xeroFailure(promise: Promise<unknown>) {
  const raw = await promise.then(
    () => expect.unreachable('the call should fail'),
    (e: unknown) => e,
  );
  return JSON.parse(raw as string).response as { statusCode: number; body: unknown; headers: Record<string, string> };
}

async function api(path: string, init: { method?: string; token?: string; tenant?: string | null; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json', ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.tenant !== null) headers['xero-tenant-id'] = init.tenant ?? sim.tenantId;
  const res = await fetch(`${sim.accountingBasePath}${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Xero answers some errors (429, 404) as plain text.
  }
  return { status: res.status, headers: res.headers, body: body as Record<string, unknown> };
}

async function tokenRequest(form: Record<string, string>) {
  const res = await fetch(`${sim.url}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

const invoiceFor = (contactId: string, extra: Partial<Invoice> = {}): Invoice =>
  ({
    type: Invoice.TypeEnum.ACCREC,
    contact: { contactID: contactId },
    date: '2026-11-23',
    dueDate: '2026-12-07',
    lineAmountTypes: LineAmountTypes.Exclusive,
    reference: 'Shopify #1001',
    status: Invoice.StatusEnum.AUTHORISED,
    lineItems: [{ itemCode: 'SKU-RED-M', quantity: 2 }],
    ...extra,
  }) as Invoice;

beforeAll(async () => {
  sim = await startXeroSimulator({ latencyMs: 0 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await fetch(`${sim.url}/_control/reset`, { method: 'POST' });
});

describe('when the official xero-node client is pointed at the simulator', () => {
  it('connects through consent, creates a contact, an item and an invoice, and reads them back', async () => {
    const xero = await officialClient();
    const consented = Math.floor(Date.now() / 1000);
    const tokenSet = await connectThroughConsent(xero);
    // openid-client derives expires_in from expires_at and the clock, so it counts down as the test runs.
    expect(tokenSet.expires_at! - consented).toBeGreaterThanOrEqual(1800);
    expect(tokenSet.expires_at! - consented).toBeLessThanOrEqual(1800 + Math.ceil(Date.now() / 1000) - consented);
    expect(tokenSet.claims().email).toBe('sim.user@example.com');

    const connections = (await (await fetch(`${sim.url}/connections`, { headers: { authorization: `Bearer ${tokenSet.access_token}` } })).json()) as { tenantId: string }[];
    expect(connections.map((c) => c.tenantId)).toEqual([sim.tenantId]);
    const tenantId = connections[0].tenantId;

    const contacts = await xero.accountingApi.createContacts(tenantId, { contacts: [{ name: 'Corner Store', emailAddress: 'buyer@corner.example' }] });
    const contact = contacts.body.contacts?.[0] as Contact;
    expect(contact.contactID).toMatch(/^[0-9a-f-]{36}$/);
    expect(contacts.response.headers['x-minlimit-remaining']).toBe('59');

    await xero.accountingApi.createItems(tenantId, { items: [{ code: 'SKU-RED-M', name: 'Red tee, medium', salesDetails: { unitPrice: 12.5, accountCode: '200' } }] });
    const created = await xero.accountingApi.createInvoices(tenantId, { invoices: [invoiceFor(contact.contactID as string)] }, true, undefined, 'order-1001-invoice');
    const invoice = created.body.invoices?.[0] as Invoice;
    expect(invoice).toMatchObject({ invoiceNumber: 'INV-0001', reference: 'Shopify #1001', status: Invoice.StatusEnum.AUTHORISED, total: 25, amountDue: 25 });

    const read = await xero.accountingApi.getInvoice(tenantId, invoice.invoiceID as string);
    expect(read.body.invoices?.[0].lineItems?.map((l) => [l.itemCode, l.quantity, l.unitAmount, l.lineAmount])).toEqual([['SKU-RED-M', 2, 12.5, 25]]);
    expect(read.body.invoices?.[0].contact?.contactID).toBe(contact.contactID);

    const byName = await xero.accountingApi.getContacts(tenantId, undefined, 'Name=="Corner Store"');
    expect(byName.body.contacts?.map((c) => c.contactID)).toEqual([contact.contactID]);
    const bySearch = await xero.accountingApi.getContacts(tenantId, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 'corner');
    expect(bySearch.body.contacts).toHaveLength(1);
  });

  it('returns only what changed since If-Modified-Since, with line items when paged', async () => {
    const xero = await officialClient();
    const tokens = sim.connect();
    xero.setTokenSet(tokens);
    const api = xero.accountingApi;
    const { body } = await api.createContacts(sim.tenantId, { contacts: [{ name: 'Early' }] });
    await api.createItems(sim.tenantId, { items: [{ code: 'SKU-RED-M', name: 'Red tee' }] });
    await api.createInvoices(sim.tenantId, { invoices: [invoiceFor(body.contacts?.[0].contactID as string, { reference: 'old' })] });
    const since = new Date(sim.clock.nowMs() + 1000);
    sim.clock.advance(60_000);
    await api.createInvoices(sim.tenantId, { invoices: [invoiceFor(body.contacts?.[0].contactID as string, { reference: 'new' })] });

    const changed = await api.getInvoices(sim.tenantId, since);
    expect(changed.body.invoices?.map((i) => i.reference)).toEqual(['new']);
    expect(changed.body.invoices?.[0].lineItems).toEqual([]);
    const paged = await api.getInvoices(sim.tenantId, since, undefined, undefined, undefined, undefined, undefined, undefined, 1);
    expect(paged.body.invoices?.[0].lineItems).toHaveLength(1);
    expect(paged.body.pagination).toMatchObject({ page: 1, pageCount: 1, itemCount: 1 });
  });

  it('refuses an invoice for an unknown item with a ValidationException naming it', async () => {
    const xero = await officialClient();
    xero.setTokenSet(sim.connect());
    const { body } = await xero.accountingApi.createContacts(sim.tenantId, { contacts: [{ name: 'Corner Store' }] });
    const failure = await xeroFailure(xero.accountingApi.createInvoices(sim.tenantId, { invoices: [invoiceFor(body.contacts?.[0].contactID as string)] }));
    expect(failure.statusCode).toBe(400);
    expect(failure.body).toMatchObject({ ErrorNumber: 10, Type: 'ValidationException', Elements: [{ ValidationErrors: [{ Message: "Item code 'SKU-RED-M' is not valid." }] }] });
    expect(sim.snapshot().invoices).toHaveLength(0);
  });
});

describe('when a sale moves tracked stock', () => {
  it('takes QuantityOnHand down on approval, puts it back on void, and ignores writes to it', async () => {
    const xero = await officialClient();
    xero.setTokenSet(sim.connect());
    const api = xero.accountingApi;
    const { body: contacts } = await api.createContacts(sim.tenantId, { contacts: [{ name: 'Corner Store' }] });
    await api.createItems(sim.tenantId, {
      items: [{ code: 'SKU-RED-M', name: 'Red tee', isTrackedAsInventory: true, inventoryAssetAccountCode: '630', quantityOnHand: 99, salesDetails: { unitPrice: 10 } }],
    });
    const onHand = async () => (await api.getItem(sim.tenantId, 'SKU-RED-M')).body.items?.[0].quantityOnHand;
    expect(await onHand()).toBe(0);
    const { body } = await api.createInvoices(sim.tenantId, { invoices: [invoiceFor(contacts.contacts?.[0].contactID as string, { lineItems: [{ itemCode: 'SKU-RED-M', quantity: 3 }] })] });
    expect(await onHand()).toBe(-3);
    const invoiceId = body.invoices?.[0].invoiceID as string;
    const voided = await api.updateInvoice(sim.tenantId, invoiceId, { invoices: [{ status: Invoice.StatusEnum.VOIDED } as Invoice] });
    expect(voided.body.invoices?.[0]).toMatchObject({ status: Invoice.StatusEnum.VOIDED, amountDue: 0 });
    expect(await onHand()).toBe(0);
  });

  it('refuses to reopen a voided invoice', async () => {
    const { access_token: token } = sim.connect();
    const contact = await api('/Contacts', { method: 'PUT', token, body: { Contacts: [{ Name: 'Corner Store' }] } });
    const contactId = (contact.body.Contacts as { ContactID: string }[])[0].ContactID;
    const created = await api('/Invoices', { method: 'PUT', token, body: { Invoices: [{ Type: 'ACCREC', Contact: { ContactID: contactId }, Status: 'AUTHORISED', LineItems: [{ Description: 'Fee', Quantity: 1, UnitAmount: 5 }] }] } });
    const id = (created.body.Invoices as { InvoiceID: string }[])[0].InvoiceID;
    expect((await api(`/Invoices/${id}`, { method: 'POST', token, body: { Invoices: [{ Status: 'VOIDED' }] } })).status).toBe(200);
    const reopened = await api(`/Invoices/${id}`, { method: 'POST', token, body: { Invoices: [{ Status: 'AUTHORISED' }] } });
    expect(reopened.status).toBe(400);
    expect(JSON.stringify(reopened.body.Elements)).toContain('Invoice not of valid status for modification');
  });
});

describe('when items break Xero’s limits', () => {
  it.each([
    ['a code longer than 30 characters', { Code: 'X'.repeat(31), Name: 'Ok' }, 'too long: item codes must be 30 characters or fewer'],
    ['a name longer than 50 characters', { Code: 'SKU-1', Name: 'N'.repeat(51) }, 'too long: item names must be 50 characters or fewer'],
    ['a duplicate code', { Code: 'DUP', Name: 'Second' }, "Item code 'DUP' already exists."],
  ])('refuses %s with a ValidationException', async (_name, item, message) => {
    const { access_token: token } = sim.connect();
    await api('/Items', { method: 'PUT', token, body: { Items: [{ Code: 'DUP', Name: 'First' }] } });
    const res = await api('/Items', { method: 'PUT', token, body: { Items: [item] } });
    expect(res.status).toBe(400);
    expect(res.body.Type).toBe('ValidationException');
    expect(JSON.stringify(res.body.Elements)).toContain(message);
  });

  it('saves the good elements and marks the bad ones when summarizeErrors is false', async () => {
    const { access_token: token } = sim.connect();
    const res = await api('/Items?summarizeErrors=false', { method: 'PUT', token, body: { Items: [{ Code: 'OK-1', Name: 'Fine' }, { Code: 'Y'.repeat(31), Name: 'Too long' }] } });
    expect(res.status).toBe(200);
    expect((res.body.Items as { StatusAttributeString: string }[]).map((i) => i.StatusAttributeString)).toEqual(['OK', 'ERROR']);
    expect(sim.snapshot().items.map((i) => i.Code)).toEqual(['OK-1']);
  });
});

describe('when the access token or tenant is wrong', () => {
  it('answers a missing token with 401 and an unknown tenant with 403 AuthenticationUnsuccessful', async () => {
    const { access_token: token } = sim.connect();
    expect((await api('/Contacts')).status).toBe(401);
    const noTenant = await api('/Contacts', { token, tenant: null });
    expect(noTenant.status).toBe(403);
    expect(noTenant.body).toMatchObject({ Title: 'Forbidden', Status: 403, Detail: 'AuthenticationUnsuccessful' });
    expect((await api('/Contacts', { token, tenant: '00000000-0000-0000-0000-000000000000' })).status).toBe(403);
  });

  it('expires access tokens after 30 minutes with TokenExpired', async () => {
    const { access_token: token } = sim.connect();
    expect((await api('/Contacts', { token })).status).toBe(200);
    sim.clock.advance(30 * 60 * 1000);
    const expired = await api('/Contacts', { token });
    expect(expired.status).toBe(401);
    expect(String(expired.body.Detail)).toMatch(/^TokenExpired: token expired at \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
  });
});

describe('when refresh tokens rotate', () => {
  it('issues a new pair through xero-node and keeps the used token valid only for the 30-minute grace period', async () => {
    const xero = await officialClient();
    const first = await connectThroughConsent(xero);
    const second = await xero.refreshToken();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);

    // The response was "lost": the old token still works inside the grace period.
    const retry = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string });
    expect(retry.status).toBe(200);

    sim.clock.advance(30 * 60 * 1000 + 1000);
    const late = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string });
    expect(late).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const fresh = await tokenRequest({ grant_type: 'refresh_token', refresh_token: second.refresh_token as string });
    expect(fresh.status).toBe(200);
  });

  it('refuses an authorization code used twice', async () => {
    const xero = await officialClient(['offline_access', 'accounting.transactions']);
    const consent = await fetch(await xero.buildConsentUrl(), { redirect: 'manual' });
    const code = new URL(consent.headers.get('location') as string).searchParams.get('code') as string;
    const exchange = () => tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:3000/auth/xero/callback' });
    expect((await exchange()).status).toBe(200);
    expect(await exchange()).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });
});

describe('when a tenant goes over its API limits', () => {
  it('answers the 61st call in a minute with 429 minute and serves it again once the minute has passed', async () => {
    const { access_token: token } = sim.connect();
    const windowOpened = Date.now();
    for (let i = 1; i <= 60; i++) {
      const ok = await api('/Contacts', { token });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-minlimit-remaining')).toBe(String(60 - i));
    }
    const limited = await api('/Contacts', { token });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-problem')).toBe('minute');
    // The rest of the minute that opened with the first call (the 60 calls take a moment on a busy machine).
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(retryAfter).toBeGreaterThanOrEqual(59 - Math.ceil((Date.now() - windowOpened) / 1000));
    expect(limited.headers.get('x-daylimit-remaining')).toBe('4940');
    sim.clock.advance(60_000);
    const again = await api('/Contacts', { token });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-minlimit-remaining')).toBe('59');
  });

  it('answers 429 day once the configured day cap is spent', async () => {
    const { access_token: token } = sim.connect();
    await fetch(`${sim.url}/_control/limits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ perDay: 3 }) });
    for (let i = 0; i < 3; i++) expect((await api('/Contacts', { token })).status).toBe(200);
    sim.clock.advance(5 * 60_000);
    const limited = await api('/Contacts', { token });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-problem')).toBe('day');
    expect(limited.headers.get('x-daylimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
  });

  it('answers 429 concurrent when more than five calls are in progress at once', async () => {
    const { access_token: token } = sim.connect();
    sim.latency.ms = 400;
    try {
      const results = await Promise.all(Array.from({ length: 6 }, () => api('/Contacts', { token })));
      const limited = results.filter((r) => r.status === 429);
      expect(limited).toHaveLength(1);
      expect(limited[0].headers.get('x-rate-limit-problem')).toBe('concurrent');
    } finally {
      sim.latency.ms = 0;
    }
  });
});

describe('when an invoice is posted with an Idempotency-Key', () => {
  async function seedBooks(token: string) {
    const contact = await api('/Contacts', { method: 'PUT', token, body: { Contacts: [{ Name: 'Corner Store' }] } });
    await api('/Items', { method: 'PUT', token, body: { Items: [{ Code: 'SKU-RED-M', Name: 'Red tee', SalesDetails: { UnitPrice: 10 } }] } });
    return (contact.body.Contacts as { ContactID: string }[])[0].ContactID;
  }
  const body = (contactId: string, reference = 'Shopify #1001') => ({
    Invoices: [{ Type: 'ACCREC', Contact: { ContactID: contactId }, Reference: reference, Status: 'AUTHORISED', LineItems: [{ ItemCode: 'SKU-RED-M', Quantity: 1 }] }],
  });

  it('replays the first answer to a retry and creates one invoice', async () => {
    const { access_token: token } = sim.connect();
    const contactId = await seedBooks(token);
    const headers = { 'idempotency-key': 'invoice-order-1001' };
    const a = await api('/Invoices', { method: 'PUT', token, body: body(contactId), headers });
    const b = await api('/Invoices', { method: 'PUT', token, body: body(contactId), headers });
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(sim.snapshot().invoices).toHaveLength(1);
  });

  it('refuses the same key with a different body', async () => {
    const { access_token: token } = sim.connect();
    const contactId = await seedBooks(token);
    const headers = { 'idempotency-key': 'invoice-order-1002' };
    await api('/Invoices', { method: 'PUT', token, body: body(contactId), headers });
    const other = await api('/Invoices', { method: 'PUT', token, body: body(contactId, 'Shopify #9999'), headers });
    expect(other.status).toBe(400);
    expect(String(other.body.Detail)).toContain('already used for a different request');
    expect(sim.snapshot().invoices).toHaveLength(1);
  });

  it('creates one invoice when Xero saved it but the response was lost and the client retries', async () => {
    const { access_token: token } = sim.connect();
    const contactId = await seedBooks(token);
    sim.lostResponses.add({ route: '^PUT /api.xro/2.0/Invoices$', times: 1 });
    const headers = { 'idempotency-key': 'invoice-order-1003' };
    await expect(api('/Invoices', { method: 'PUT', token, body: body(contactId), headers })).rejects.toThrow();
    expect(sim.snapshot().invoices).toHaveLength(1);
    const retry = await api('/Invoices', { method: 'PUT', token, body: body(contactId), headers });
    expect(retry.status).toBe(200);
    expect((retry.body.Invoices as { InvoiceID: string }[])[0].InvoiceID).toBe(sim.snapshot().invoices[0].InvoiceID);
    expect(sim.snapshot().invoices).toHaveLength(1);
  });
});

describe('when webhooks are subscribed', () => {
  let receiver: Server;
  let key = '';
  const received: { body: string; signature: string }[] = [];

  beforeAll(async () => {
    // A receiver that does what Xero asks: 200 for a valid signature, 401 otherwise.
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const signature = String(req.headers['x-xero-signature']);
        if (signature !== signXeroPayload(raw, key)) {
          res.statusCode = 401;
          return res.end();
        }
        received.push({ body: raw, signature });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('passes intent-to-receive and then delivers signed INVOICE and CONTACT events', async () => {
    received.length = 0;
    key = sim.state.apps.get(sim.clientId)?.webhookKey as string;
    const { port } = receiver.address() as AddressInfo;
    const subscription = await sim.subscribeWebhooks(`http://127.0.0.1:${port}/webhooks/xero`);
    expect(subscription.status).toBe('OK');
    expect(received.map((r) => JSON.parse(r.body).events)).toEqual([[]]);

    received.length = 0;
    const { access_token: token } = sim.connect();
    const contact = await api('/Contacts', { method: 'PUT', token, body: { Contacts: [{ Name: 'Corner Store' }] } });
    const contactId = (contact.body.Contacts as { ContactID: string }[])[0].ContactID;
    await api('/Invoices', { method: 'PUT', token, body: { Invoices: [{ Type: 'ACCREC', Contact: { ContactID: contactId }, LineItems: [{ Description: 'Fee', Quantity: 1, UnitAmount: 5 }] }] } });
    await sim.webhooks.drain();
    const payloads = received.map((r) => JSON.parse(r.body));
    expect(payloads.map((p) => p.events.map((e: { eventCategory: string; eventType: string }) => `${e.eventCategory} ${e.eventType}`))).toEqual([['CONTACT CREATE'], ['INVOICE CREATE']]);
    expect(payloads.map((p) => [p.firstEventSequence, p.lastEventSequence])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(payloads[0].events[0]).toMatchObject({ resourceId: contactId, tenantId: sim.tenantId, tenantType: 'ORGANISATION' });
  });

  it('marks the subscription FAILED when the receiver accepts a wrong signature', async () => {
    const lax = createServer((_req, res) => res.end());
    await new Promise<void>((resolve) => lax.listen(0, '127.0.0.1', resolve));
    const { port } = lax.address() as AddressInfo;
    const subscription = await sim.subscribeWebhooks(`http://127.0.0.1:${port}/hooks`);
    await new Promise<void>((resolve) => lax.close(() => resolve()));
    expect(subscription.status).toBe('FAILED');
  });
});
