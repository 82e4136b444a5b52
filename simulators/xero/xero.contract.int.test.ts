// The simulator's answers checked against Xero's own OpenAPI documents (XeroAPI/Xero-OpenAPI, in
// ../shared/contracts/xero), for every operation Tandem uses. Skips, saying so, without them.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import yaml from 'js-yaml';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractsDir, contractsPresent, missingContractsMessage, responseValidator } from '../common/openapi.ts';
import { startXeroSimulator, type XeroSimulator } from './index.ts';

const ACCOUNTING = 'xero/xero_accounting.yaml';
const IDENTITY = 'xero/xero-identity.yaml';
const WEBHOOKS = 'xero/xero-webhooks.yaml';
const present = contractsPresent(ACCOUNTING) && contractsPresent(IDENTITY) && contractsPresent(WEBHOOKS);
const title = present ? 'when answers are checked against the Xero OpenAPI documents' : `when answers are checked against the Xero OpenAPI documents (skipped: ${missingContractsMessage(ACCOUNTING)})`;

describe.skipIf(!present)(title, () => {
  let sim: XeroSimulator;
  let token = '';
  let contactId = '';
  let invoiceId = '';

  async function call(method: string, path: string, body?: unknown) {
    const res = await fetch(`${sim.accountingBasePath}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'xero-tenant-id': sim.tenantId, accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  function expectValid(spec: string, method: string, template: string, response: { status: number; body: unknown }) {
    const check = responseValidator(spec).check(method, template, response.status, response.body);
    expect(check.valid, `${method} ${template} ${response.status}:\n${check.message}`).toBe(true);
  }

  beforeAll(async () => {
    sim = await startXeroSimulator({ latencyMs: 0 });
    token = sim.connect().access_token;
    const contact = await call('PUT', '/Contacts', { Contacts: [{ Name: 'Corner Store', EmailAddress: 'buyer@corner.example' }] });
    contactId = contact.body.Contacts[0].ContactID;
    await call('PUT', '/Items', { Items: [{ Code: 'SKU-RED-M', Name: 'Red tee', SalesDetails: { UnitPrice: 12.5, AccountCode: '200' } }] });
    const invoice = await call('PUT', '/Invoices', {
      Invoices: [{ Type: 'ACCREC', Contact: { ContactID: contactId }, Date: '2026-11-23', DueDate: '2026-12-07', Reference: 'Shopify #1001', Status: 'AUTHORISED', LineItems: [{ ItemCode: 'SKU-RED-M', Quantity: 2 }] }],
    });
    invoiceId = invoice.body.Invoices[0].InvoiceID;
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each([
    ['GET', '/Contacts', '/Contacts'],
    ['GET', '/Contacts?page=1', '/Contacts'],
    ['GET', '/Contacts?where=Name%3D%3D%22Corner%20Store%22', '/Contacts'],
    ['GET', '/Items', '/Items'],
    ['GET', '/Invoices', '/Invoices'],
    ['GET', '/Invoices?page=1', '/Invoices'],
    ['GET', '/Organisation', '/Organisation'],
  ])('%s %s matches the documented 200 response', async (method, path, template) => {
    const res = await call(method, path);
    expect(res.status).toBe(200);
    expectValid(ACCOUNTING, method, template, res);
  });

  it('reads one contact and one invoice in the documented shape', async () => {
    expectValid(ACCOUNTING, 'GET', '/Contacts/{ContactID}', await call('GET', `/Contacts/${contactId}`));
    expectValid(ACCOUNTING, 'GET', '/Invoices/{InvoiceID}', await call('GET', `/Invoices/${invoiceId}`));
  });

  it('creates and updates in the documented shape', async () => {
    const contact = await call('PUT', '/Contacts', { Contacts: [{ Name: 'Second Store' }] });
    expectValid(ACCOUNTING, 'PUT', '/Contacts', contact);
    const item = await call('POST', '/Items', { Items: [{ Code: 'SKU-BLUE-S', Name: 'Blue tee' }] });
    expectValid(ACCOUNTING, 'POST', '/Items', item);
    const invoice = await call('PUT', '/Invoices', { Invoices: [{ Type: 'ACCREC', Contact: { ContactID: contactId }, LineItems: [{ Description: 'Fee', Quantity: 1, UnitAmount: 3 }] }] });
    expectValid(ACCOUNTING, 'PUT', '/Invoices', invoice);
    const updated = await call('POST', `/Invoices/${invoiceId}`, { Invoices: [{ Reference: 'Shopify #1001 (edited)' }] });
    expect(updated.status).toBe(200);
    expectValid(ACCOUNTING, 'POST', '/Invoices/{InvoiceID}', updated);
  });

  it('answers validation failures with the documented Error schema', async () => {
    const res = await call('PUT', '/Items', { Items: [{ Code: 'X'.repeat(31), Name: 'Too long' }] });
    expect(res.status).toBe(400);
    expectValid(ACCOUNTING, 'PUT', '/Items', res);
    const invoice = await call('PUT', '/Invoices', { Invoices: [{ Type: 'ACCREC', Contact: { ContactID: contactId }, LineItems: [{ ItemCode: 'NOPE' }] }] });
    expect(invoice.status).toBe(400);
    expectValid(ACCOUNTING, 'PUT', '/Invoices', invoice);
  });

  it('lists connections in the identity document’s shape', async () => {
    const res = await fetch(`${sim.url}/connections`, { headers: { authorization: `Bearer ${token}` } });
    expectValid(IDENTITY, 'GET', '/Connections', { status: res.status, body: await res.json() });
  });

  describe('when a webhook is delivered', () => {
    let receiver: Server;
    const bodies: string[] = [];
    beforeAll(async () => {
      receiver = createServer((req, res) => {
        let raw = '';
        req.on('data', (c) => (raw += c));
        req.on('end', () => {
          bodies.push(raw);
          // Answer the intent-to-receive check as Xero requires: 401 for the wrong signature.
          res.statusCode = bodies.length === 2 ? 401 : 200;
          res.end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    });
    afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

    it('sends the WebhookEvent envelope of xero-webhooks.yaml', async () => {
      const { port } = receiver.address() as AddressInfo;
      expect((await sim.subscribeWebhooks(`http://127.0.0.1:${port}/hook`)).status).toBe('OK');
      await call('POST', `/Invoices/${invoiceId}`, { Invoices: [{ Reference: 'edited again' }] });
      await sim.webhooks.drain();
      const doc = yaml.load(readFileSync(resolve(contractsDir, WEBHOOKS), 'utf8')) as { components: { schemas: Record<string, unknown> } };
      const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
      const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
      // The document's own example sends eventDateUtc without a zone ("2025-12-02T00:44:09.923"),
      // as Xero does; accept that form of date-time.
      ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/);
      const validate = ajv.compile(doc.components.schemas.WebhookEvent as object);
      const payload = JSON.parse(bodies.at(-1) as string);
      expect(validate(payload), JSON.stringify(validate.errors)).toBe(true);
      expect(payload.events[0]).toMatchObject({ eventCategory: 'INVOICE', eventType: 'UPDATE', resourceId: invoiceId });
    });
  });
});
