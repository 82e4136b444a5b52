// Invoices for forwarded orders, posted to the supplier's Xero: exactly once (Idempotency-Key,
// look-up by reference), retried with backoff on errors, given up after a bound. Over the Shopify
// and Xero simulators; the clock is the engine's (ctx.now), moved by the test, never waited for.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/sdk/connector.ts';
import type { InvoiceInput } from '../../connectors/sdk/types.ts';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import type { XeroSimulator } from '../../simulators/xero/index.ts';
import { connectXero } from '../../test/support/back-office.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { createPartners, productWith, type Partners } from '../../test/support/partners.ts';
import { startSmtpServer, textOf, type SmtpServer } from '../../test/support/smtp.ts';
import type { Connection } from '../generated/prisma/client.ts';
import { alertMailer, type AlertMailer } from './alert-email.server.ts';
import { pullSupplierCatalog } from './catalog.server.ts';
import { createSyncContext, type SyncContext } from './connections.server.ts';
import { INVOICE_MAX_ATTEMPTS, invoiceFailedKey, invoiceGaveUpKey, postDueInvoices, postInvoice } from './invoices.server.ts';
import { syncCatalogToPartner } from './listings.server.ts';
import { pullRetailerOrders } from './orders.server.ts';

const HOUR = 3_600_000;
const ADDRESS = { firstName: 'Ada', lastName: 'Lovelace', address1: '1 Main St', city: 'Portland', provinceCode: 'OR', countryCode: 'US', zip: '97201' };
const ARCHIVED = 'The contact Corner Store is archived and cannot be used on a transaction.';

let database: TestDatabase;
let shopify: ShopifySimulator;
let smtp: SmtpServer;
let mailer: AlertMailer;
let xero: XeroSimulator;
let xeroConnectionId: string;
let p: Partners;
let nowMs: number;
let ctx: SyncContext;

beforeAll(async () => {
  database = await createTestDatabase('invoices');
  shopify = await startShopifySimulator({ latencyMs: 0 });
  smtp = await startSmtpServer();
  mailer = alertMailer(smtp.url, 'alerts@tandem.test');
});
afterAll(async () => {
  mailer.transport.close();
  await smtp.close();
  await shopify.close();
  await database.drop();
});

/** A Shopify supplier "Acme Supply" (SHIRT-S, SHIRT-M at 20.00, TOTE at 7.50) keeping its accounts in Xero; the retailer is "Corner Store". */
beforeEach(async () => {
  // 19:00 on 1 December in Los Angeles, the supplier's zone (already the 2nd in UTC).
  nowMs = Date.parse('2026-12-02T03:00:00Z');
  ctx = createSyncContext(database.db, { now: () => new Date(nowMs), mailer });
  shopify.reset();
  smtp.received.length = 0;
  await database.db.shop.deleteMany();
  p = await createPartners(database.db, shopify);
  await database.db.shop.update({ where: { id: p.retailerShopId }, data: { name: 'Corner Store', email: 'buyer@corner.example' } });
  await database.db.shop.update({ where: { id: p.supplierShopId }, data: { name: 'Acme Supply', email: 'owner@acme.example', timezone: 'America/Los_Angeles' } });
  shopify.seedProducts(p.supplierDomain, [productWith('Linen Shirt', ['SHIRT-S', 'SHIRT-M'], '20.00'), productWith('Canvas Tote', ['TOTE'], '7.50')]);
  await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });
  await syncCatalogToPartner(ctx, p.partnershipId, { mode: 'PARTIAL', trigger: 'manual' });
  ({ sim: xero, connectionId: xeroConnectionId } = await connectXero(database.db, p.supplierShopId));
});
afterEach(async () => {
  await xero.close();
});

const pull = (context: SyncContext = ctx) => pullRetailerOrders(context, p.partnershipId);
const buy = (lines: { sku: string; quantity: number }[]) => shopify.placeOrder(p.retailerDomain, { lineItems: lines, email: 'ada@example.com', shippingAddress: ADDRESS });
const invoices = () => database.db.invoice.findMany({ orderBy: { createdAt: 'asc' } });
const events = async () => (await database.db.orderEvent.findMany({ orderBy: { at: 'asc' } })).map((e) => e.message);
const alerts = () => database.db.alert.findMany({ where: { shopId: p.supplierShopId }, orderBy: { createdAt: 'asc' } });
const invoicePuts = () => xero.state.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/Invoices'));
const refuseInvoices = (times?: number) =>
  xero.faults.add({
    route: '^PUT /api.xro/2.0/Invoices$',
    status: 400,
    times,
    body: { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: [{ ValidationErrors: [{ Message: ARCHIVED }] }] },
  });
/** Invoice posts Xero answered with the injected refusal (faults are answered before Xero logs a request). */
const refusals = () => (xero.faults.list() as { hits: number }[]).reduce((n, f) => n + f.hits, 0);
const at = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** Xero's connector with postInvoice replaced (a worker that dies after Xero answered). */
function contextWithXero(change: (connector: Connector) => Connector): SyncContext {
  return {
    ...ctx,
    async connectorFor(connection: Connection) {
      const connector = await ctx.connectorFor(connection);
      return connection.id === xeroConnectionId ? change(connector) : connector;
    },
  };
}

describe('when an order is forwarded to a supplier that keeps its accounts in Xero', () => {
  it('posts one invoice for the supplier order at wholesale, billed to the retailer, with an Idempotency-Key derived from its row', async () => {
    const placed = buy([{ sku: 'SHIRT-S', quantity: 2 }, { sku: 'TOTE', quantity: 1 }]);

    const result = await pull();

    expect(result).toMatchObject({ forwarded: 1, invoicesPosted: 1, invoicesRetrying: 0, customersCreated: 1 });
    const books = xero.snapshot();
    expect(books.invoices).toHaveLength(1);
    const reference = `${placed.name} from ${p.retailerDomain}`;
    expect(books.invoices[0]).toMatchObject({ Type: 'ACCREC', Reference: reference, Total: 47.5, Status: 'AUTHORISED', DateString: '2026-12-01T00:00:00', DueDateString: '2026-12-31T00:00:00' });
    expect((books.invoices[0]!.LineItems as { ItemCode: string; Quantity: number; UnitAmount: number }[]).map((l) => [l.ItemCode, l.Quantity, l.UnitAmount]).sort()).toEqual([
      ['SHIRT-S', 2, 20],
      ['TOTE', 1, 7.5],
    ]);
    expect(books.contacts).toEqual([expect.objectContaining({ Name: 'Corner Store', EmailAddress: 'buyer@corner.example', ContactNumber: p.retailerShopId })]);
    const [invoice] = await invoices();
    expect(invoice).toMatchObject({ status: 'POSTED', attempts: 1, externalInvoiceId: books.invoices[0]!.InvoiceID, lastError: null, nextAttemptAt: null, connectionId: xeroConnectionId });
    expect(invoicePuts().map((r) => r.idempotencyKey)).toEqual([`${invoice!.idempotencyKey}:1:invoice`]);
    expect(await events()).toEqual(
      expect.arrayContaining([
        `Created customer "Corner Store" in Xero (${books.contacts[0]!.ContactID}): Xero needs one for invoices. Tandem will not change it afterwards.`,
        `Invoice INV-0001 for order ${placed.name} posted to Xero (reference "${reference}").`,
        `Created items SHIRT-S, TOTE in Xero for it: Xero needs an item for each SKU invoiced.`,
      ]),
    );
    expect(await alerts()).toEqual([]);
  });

  it('posts it once when the job runs again and when two workers post it at the same time', async () => {
    await database.db.connection.update({ where: { id: xeroConnectionId }, data: { purposes: [] } });
    buy([{ sku: 'TOTE', quantity: 4 }]);
    await pull();
    await database.db.connection.update({ where: { id: xeroConnectionId }, data: { purposes: ['accounting'] } });
    // Accounting was connected after that order: only orders forwarded from now on are invoiced.
    expect(await invoices()).toEqual([]);
    buy([{ sku: 'SHIRT-M', quantity: 1 }]);
    await pull(contextWithXero((c) => ({ ...c, postInvoice: () => Promise.reject(new Error('not this run')) }))).catch(() => undefined);
    const [pending] = await invoices();
    expect(pending).toMatchObject({ status: 'PENDING', attempts: 1 });
    nowMs += HOUR;

    const both = await Promise.all([postInvoice(ctx, pending!.id), postInvoice(ctx, pending!.id)]);
    const again = await postDueInvoices(ctx);

    expect(both.map((r) => r.outcome).sort()).toEqual(['posted', 'skipped']);
    expect(again).toMatchObject({ posted: 0, found: 0, retrying: 0 });
    expect(xero.snapshot().invoices).toHaveLength(1);
    expect(invoicePuts()).toHaveLength(1);
  });

  it('posts it once when Xero saved it but its answer was lost', async () => {
    buy([{ sku: 'SHIRT-S', quantity: 1 }]);
    xero.lostResponses.add({ route: '^PUT /api.xro/2.0/Invoices$', times: 1 });

    const result = await pull();

    expect(result.invoicesPosted).toBe(1);
    const books = xero.snapshot();
    expect(books.invoices).toHaveLength(1);
    expect(invoicePuts().map((r) => r.replayed)).toEqual([false, true]);
    expect((await invoices())[0]).toMatchObject({ status: 'POSTED', externalInvoiceId: books.invoices[0]!.InvoiceID });
  });

  it('finds the invoice by its reference instead of posting again when the worker died after Xero created it', async () => {
    const placed = buy([{ sku: 'SHIRT-M', quantity: 2 }]);
    const dying = contextWithXero((c) => ({
      ...c,
      async postInvoice(input: InvoiceInput, key: string) {
        await c.postInvoice!(input, key);
        throw new Error('worker killed before the record');
      },
    }));
    await expect(pull(dying)).rejects.toThrow('worker killed before the record');
    expect((await invoices())[0]).toMatchObject({ status: 'PENDING', attempts: 1, nextAttemptAt: new Date(nowMs + 15 * 60_000) });

    // Not before the dead worker's claim runs out: nobody posts it meanwhile.
    expect(await postDueInvoices(ctx)).toMatchObject({ posted: 0, found: 0 });
    nowMs += 15 * 60_000;
    const rerun = await postDueInvoices(ctx);

    expect(rerun).toMatchObject({ posted: 0, found: 1 });
    const books = xero.snapshot();
    expect(books.invoices).toHaveLength(1);
    expect(invoicePuts()).toHaveLength(1);
    expect((await invoices())[0]).toMatchObject({ status: 'POSTED', attempts: 2, externalInvoiceId: books.invoices[0]!.InvoiceID });
    expect(await events()).toContain(`Invoice INV-0001 for order ${placed.name} found in Xero by its reference "${placed.name} from ${p.retailerDomain}": an earlier attempt had posted it.`);
  });
});

describe('when Xero refuses the invoice', () => {
  it('alerts and emails the merchant, then retries 2 h, 4 h, 8 h, 16 h and 32 h later, never before', async () => {
    refuseInvoices();
    const placed = buy([{ sku: 'TOTE', quantity: 1 }]);
    const reference = `${placed.name} from ${p.retailerDomain}`;
    const said = `Xero rejected invoice ${reference}: ${ARCHIVED} Unarchive it in Xero, then press Retry in Activity.`;

    const result = await pull();

    expect(result).toMatchObject({ forwarded: 1, invoicesPosted: 0, invoicesRetrying: 1 });
    const waits: number[] = [];
    let [invoice] = await invoices();
    expect(invoice).toMatchObject({ status: 'RETRYING', attempts: 1, lastError: `invalid: ${said}` });
    expect(await alerts()).toEqual([
      expect.objectContaining({
        key: invoiceFailedKey(invoice!.id),
        severity: 'WARNING',
        title: `Invoice for order ${placed.name} not posted to Xero yet`,
        message: `Xero did not take the invoice for order ${placed.name} from Corner Store (attempt 1 of 6): ${said}`,
        fix: `Fix what Xero names above. Tandem tries again at ${at(nowMs + 2 * HOUR)} UTC, or press Retry in Activity to try now.`,
        resolvedAt: null,
      }),
    ]);
    expect(smtp.received.map((m) => m.to)).toEqual([['owner@acme.example']]);
    expect(textOf(smtp.received[0]!)).toContain(`Invoice for order ${placed.name} not posted to Xero yet`);

    for (let attempt = 2; attempt <= 5; attempt++) {
      waits.push(invoice!.nextAttemptAt!.getTime() - nowMs);
      nowMs = invoice!.nextAttemptAt!.getTime() - 1;
      expect(await postDueInvoices(ctx)).toMatchObject({ retrying: 0 });
      nowMs += 1;
      expect(await postDueInvoices(ctx)).toMatchObject({ retrying: 1 });
      [invoice] = await invoices();
      expect(invoice).toMatchObject({ status: 'RETRYING', attempts: attempt });
    }
    waits.push(invoice!.nextAttemptAt!.getTime() - nowMs);

    expect(waits).toEqual([2, 4, 8, 16, 32].map((h) => h * HOUR));
    expect(refusals()).toBe(5);
    expect(xero.snapshot().invoices).toHaveLength(0);
    expect((await alerts()).map((a) => [a.key, a.message])).toEqual([[invoiceFailedKey(invoice!.id), `Xero did not take the invoice for order ${placed.name} from Corner Store (attempt 5 of 6): ${said}`]]);
    // One email for the open alert, not one per retry.
    expect(smtp.received).toHaveLength(1);
  });

  it(`gives up after ${INVOICE_MAX_ATTEMPTS} attempts with a CRITICAL alert naming the order, Xero’s error and the fix`, async () => {
    refuseInvoices();
    const placed = buy([{ sku: 'SHIRT-S', quantity: 3 }]);
    const reference = `${placed.name} from ${p.retailerDomain}`;
    await pull();
    for (let attempt = 2; attempt <= INVOICE_MAX_ATTEMPTS; attempt++) {
      nowMs = (await invoices())[0]!.nextAttemptAt!.getTime();
      await postDueInvoices(ctx);
    }

    const [invoice] = await invoices();
    expect(invoice).toMatchObject({ status: 'GAVE_UP', attempts: INVOICE_MAX_ATTEMPTS, nextAttemptAt: null, givenUpAt: new Date(nowMs) });
    const open = (await alerts()).filter((a) => a.resolvedAt === null);
    expect(open).toEqual([
      expect.objectContaining({
        key: invoiceGaveUpKey(invoice!.id),
        severity: 'CRITICAL',
        title: `Invoice for order ${placed.name} was not posted to Xero`,
        message: `Tandem gave up posting the invoice for order ${placed.name} from Corner Store to Xero after 6 attempts. Xero's last answer: Xero rejected invoice ${reference}: ${ARCHIVED} Unarchive it in Xero, then press Retry in Activity.`,
        fix: `Fix what Xero names above. Then press Retry in Activity, or enter the invoice in Xero by hand with the reference "${reference}": Tandem has stopped trying on its own.`,
      }),
    ]);
    expect(smtp.received.map((m) => textOf(m).includes('[Tandem] Action needed'))).toEqual([false, true]);

    nowMs += 100 * HOUR;
    expect(await postDueInvoices(ctx)).toMatchObject({ posted: 0, retrying: 0, gaveUp: 0 });
    expect(refusals()).toBe(INVOICE_MAX_ATTEMPTS);
  });

  it('posts it on a later attempt and clears the alert', async () => {
    refuseInvoices(2);
    const placed = buy([{ sku: 'SHIRT-M', quantity: 1 }]);
    await pull();
    nowMs = (await invoices())[0]!.nextAttemptAt!.getTime();
    await postDueInvoices(ctx);
    expect((await alerts()).map((a) => a.resolvedAt)).toEqual([null]);

    nowMs = (await invoices())[0]!.nextAttemptAt!.getTime();
    const result = await postDueInvoices(ctx);

    expect(result).toMatchObject({ posted: 1, retrying: 0 });
    const [invoice] = await invoices();
    expect(invoice).toMatchObject({ status: 'POSTED', attempts: 3, lastError: null, nextAttemptAt: null });
    expect(xero.snapshot().invoices.map((i) => i.Reference)).toEqual([`${placed.name} from ${p.retailerDomain}`]);
    expect((await alerts()).map((a) => [a.key, a.resolvedAt])).toEqual([[invoiceFailedKey(invoice!.id), new Date(nowMs)]]);
  });
});

describe('when Xero’s daily limit is used up', () => {
  it('waits until Xero allows it again without counting an attempt or alerting', async () => {
    xero.faults.add({ route: '^PUT /api.xro/2.0/Invoices$', status: 429, times: 1, retryAfterS: 3600, headers: { 'X-Rate-Limit-Problem': 'day' } });
    buy([{ sku: 'TOTE', quantity: 2 }]);

    const result = await pull();

    expect(result).toMatchObject({ forwarded: 1, invoicesPosted: 0, invoicesRetrying: 0 });
    expect((await invoices())[0]).toMatchObject({ status: 'PENDING', attempts: 0, nextAttemptAt: new Date(nowMs + HOUR), lastError: null });
    expect(await alerts()).toEqual([]);

    nowMs += HOUR;
    expect(await postDueInvoices(ctx)).toMatchObject({ posted: 1 });
    expect((await invoices())[0]).toMatchObject({ status: 'POSTED', attempts: 1 });
  });
});
