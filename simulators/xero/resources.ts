// Contacts, Items, Invoices and Organisation of the Accounting API, in Xero's JSON shape
// (xero_accounting.yaml). Batches are validated in a staging copy: with summarizeErrors=true (the
// default) one bad element fails the whole call with a 400 ValidationException and nothing is
// saved; with summarizeErrors=false the good elements are saved and each element carries
// StatusAttributeString OK or ERROR with its ValidationErrors.
import { randomUUID } from 'node:crypto';
import { msDate, parseXeroDate, startOfDay, utcString, xeroDateString } from './dates.ts';
import { envelope, notFound, validationException, type Json, type XeroCall, type XeroRouter } from './server.ts';
import type { Stored, XeroRecord, XeroTenant } from './state.ts';
import { compileWhere, WhereError } from './where.ts';

export interface ChangeEvent {
  category: 'CONTACT' | 'INVOICE';
  type: 'CREATE' | 'UPDATE';
  id: string;
}

/** A working copy of a tenant's books: the batch writes here, then commits or is dropped. */
class Staging {
  contacts: Map<string, Stored>;
  items: Map<string, Stored>;
  invoices: Map<string, Stored>;
  invoiceSequence: number;
  changes: ChangeEvent[] = [];

  constructor(private readonly tenant: XeroTenant) {
    this.contacts = new Map(tenant.contacts);
    this.items = new Map(tenant.items);
    this.invoices = new Map(tenant.invoices);
    this.invoiceSequence = tenant.invoiceSequence;
  }

  commit() {
    Object.assign(this.tenant, { contacts: this.contacts, items: this.items, invoices: this.invoices, invoiceSequence: this.invoiceSequence });
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined);
const round2 = (n: number) => Math.round(n * 100) / 100;
const sameText = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();

/** The list inside a request body: `{ "Invoices": [...] }`, or a single bare object. */
function elementsOf(body: unknown, key: string): XeroRecord[] {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const list = (body as Json)[key];
    if (Array.isArray(list)) return list as XeroRecord[];
    if (Object.keys(body).length > 0) return [body as XeroRecord];
  }
  throw validationException([{ ValidationErrors: [{ Message: `The request body must contain ${key}.` }] }]);
}

function withDate(s: Stored): XeroRecord {
  return { ...s.data, UpdatedDateUTC: msDate(s.updatedMs) };
}

type Outcome = { stored: Stored; created: boolean } | { errors: string[] };

/** Runs a batch through `apply`, honouring summarizeErrors, and answers in Xero's envelope. */
function runBatch(call: XeroCall, key: 'Contacts' | 'Items' | 'Invoices', apply: (input: XeroRecord, staging: Staging) => Outcome, onCommit: (changes: ChangeEvent[]) => void) {
  const inputs = elementsOf(call.body, key);
  const staging = new Staging(call.tenant);
  const results = inputs.map((input) => ({ input, outcome: apply(input, staging) }));
  const failed = results.filter((r) => 'errors' in r.outcome);
  if (failed.length > 0 && call.summarizeErrors) {
    throw validationException(
      results.map(({ input, outcome }) => ({ ...input, ValidationErrors: 'errors' in outcome ? outcome.errors.map((Message) => ({ Message })) : [] })),
    );
  }
  staging.commit();
  onCommit(staging.changes);
  const out = results.map(({ input, outcome }) =>
    'errors' in outcome
      ? { ...input, StatusAttributeString: 'ERROR', HasErrors: true, HasValidationErrors: true, ValidationErrors: outcome.errors.map((Message) => ({ Message })) }
      : { ...withDate(outcome.stored), ...(call.summarizeErrors ? {} : { StatusAttributeString: 'OK' }) },
  );
  return { body: envelope(call.nowMs, key, out) };
}

/** Filters and pages a GET list the way the Accounting API does. */
function listOf(call: XeroCall, all: Stored[], key: string, options: { search: string[]; defaultFilter?: (r: XeroRecord) => boolean; summary?: (r: XeroRecord) => XeroRecord }) {
  let records = all.filter((s) => call.ifModifiedSinceMs === undefined || s.updatedMs > call.ifModifiedSinceMs).map(withDate);
  if (options.defaultFilter && call.query.includeArchived !== 'true') records = records.filter(options.defaultFilter);
  const ids = call.query.IDs?.split(',').map((s) => s.trim().toLowerCase());
  if (ids) records = records.filter((r) => ids.includes(String(r[`${key.slice(0, -1)}ID`]).toLowerCase()));
  if (call.query.where) {
    try {
      records = records.filter(compileWhere(call.query.where));
    } catch (err) {
      if (err instanceof WhereError) throw validationException([{ ValidationErrors: [{ Message: `The where filter is not supported by the simulator: ${err.message}` }] }]);
      throw err;
    }
  }
  const term = call.query.searchTerm?.toLowerCase();
  if (term) records = records.filter((r) => options.search.some((f) => String(r[f] ?? '').toLowerCase().includes(term)));
  const order = call.query.order?.match(/^(\w+)(?:\s+(ASC|DESC))?$/i);
  if (order) {
    const [, field, dir] = order;
    const sign = dir?.toUpperCase() === 'DESC' ? -1 : 1;
    const val = (r: XeroRecord) => {
      const v = r[field];
      const ms = typeof v === 'string' ? v.match(/^\/Date\((-?\d+)/) : null;
      return ms ? Number(ms[1]) : (v as string | number);
    };
    records.sort((a, b) => (val(a) > val(b) ? sign : val(a) < val(b) ? -sign : 0));
  }
  const page = call.query.page === undefined ? undefined : Math.max(1, Number(call.query.page) || 1);
  if (page === undefined) return { body: envelope(call.nowMs, key, options.summary ? records.map(options.summary) : records) };
  const pageSize = Math.min(1000, Math.max(1, Number(call.query.pageSize) || 100));
  const slice = records.slice((page - 1) * pageSize, page * pageSize);
  return {
    body: envelope(call.nowMs, key, slice, {
      pagination: { page, pageSize, pageCount: Math.ceil(records.length / pageSize), itemCount: records.length },
    }),
  };
}

// Contacts ------------------------------------------------------------------------------------

const CONTACT_FIELDS = ['Name', 'FirstName', 'LastName', 'EmailAddress', 'ContactNumber', 'AccountNumber', 'CompanyNumber', 'TaxNumber', 'Addresses', 'Phones', 'ContactPersons', 'IsSupplier', 'IsCustomer', 'DefaultCurrency', 'Website'];

function applyContact(input: XeroRecord, staging: Staging, nowMs: number): Outcome {
  const id = str(input.ContactID);
  const existing = id ? staging.contacts.get(id.toLowerCase()) : undefined;
  if (id && !existing) return { errors: [`The ContactID ${id} could not be found.`] };
  const name = str(input.Name) ?? (existing?.data.Name as string | undefined);
  const errors: string[] = [];
  if (!name?.trim()) errors.push('The contact name must be specified.');
  else if (name.length > 255) errors.push('The contact name must not be more than 255 characters long.');
  else {
    const clash = [...staging.contacts.values()].find((c) => c !== existing && c.data.ContactStatus === 'ACTIVE' && sameText(c.data.Name, name));
    if (clash) errors.push(`The contact name ${name} is already assigned to another contact. The contact name must be unique across all active contacts.`);
  }
  const status = str(input.ContactStatus);
  if (status && !['ACTIVE', 'ARCHIVED'].includes(status)) errors.push(`The ContactStatus ${status} is not valid.`);
  if (errors.length) return { errors };
  const picked = Object.fromEntries(CONTACT_FIELDS.filter((f) => input[f] !== undefined).map((f) => [f, input[f]]));
  const data: XeroRecord = existing
    ? { ...existing.data, ...picked, ...(status ? { ContactStatus: status } : {}) }
    : {
        ContactID: randomUUID(),
        ContactStatus: status ?? 'ACTIVE',
        Name: name,
        EmailAddress: '',
        Addresses: [],
        Phones: [],
        ContactGroups: [],
        ContactPersons: [],
        IsSupplier: false,
        IsCustomer: false,
        HasAttachments: false,
        HasValidationErrors: false,
        ...picked,
      };
  const stored = { data, updatedMs: nowMs };
  staging.contacts.set(String(data.ContactID).toLowerCase(), stored);
  staging.changes.push({ category: 'CONTACT', type: existing ? 'UPDATE' : 'CREATE', id: String(data.ContactID) });
  return { stored, created: !existing };
}

// Items ---------------------------------------------------------------------------------------

const ITEM_FIELDS = ['Code', 'Name', 'Description', 'PurchaseDescription', 'IsSold', 'IsPurchased', 'SalesDetails', 'PurchaseDetails', 'IsTrackedAsInventory', 'InventoryAssetAccountCode'];

function applyItem(input: XeroRecord, staging: Staging, nowMs: number, method: string): Outcome {
  const id = str(input.ItemID);
  const code = str(input.Code);
  let existing = id ? staging.items.get(id.toLowerCase()) : undefined;
  if (id && !existing) return { errors: [`The ItemID ${id} could not be found.`] };
  const byCode = code ? [...staging.items.values()].find((i) => sameText(i.data.Code, code)) : undefined;
  // POST matches an item by Code and updates it; PUT only creates.
  if (!existing && byCode) {
    if (method === 'PUT') return { errors: [`Item code '${code}' already exists.`] };
    existing = byCode;
  }
  const finalCode = code ?? (existing?.data.Code as string | undefined);
  const name = str(input.Name) ?? (existing?.data.Name as string | undefined);
  const errors: string[] = [];
  if (!finalCode) errors.push('Item code must be specified.');
  else if (finalCode.length > 30) errors.push(`The item code '${finalCode}' is too long: item codes must be 30 characters or fewer.`);
  if (name !== undefined && name.length > 50) errors.push(`The item name '${name}' is too long: item names must be 50 characters or fewer.`);
  if (byCode && existing && byCode !== existing) errors.push(`Item code '${code}' already exists.`);
  if (input.IsTrackedAsInventory === true && !str(input.InventoryAssetAccountCode) && !existing?.data.InventoryAssetAccountCode) {
    errors.push('An Inventory Asset Account must be specified for a tracked item.');
  }
  if (errors.length) return { errors };
  // QuantityOnHand and TotalCostPool are read-only: stock moves only through transactions.
  const picked = Object.fromEntries(ITEM_FIELDS.filter((f) => input[f] !== undefined).map((f) => [f, input[f]]));
  const data: XeroRecord = existing
    ? { ...existing.data, ...picked }
    : { ItemID: randomUUID(), Code: finalCode, Name: name ?? '', IsSold: true, IsPurchased: true, IsTrackedAsInventory: false, ...picked };
  if (data.IsTrackedAsInventory === true) {
    data.QuantityOnHand ??= 0;
    data.TotalCostPool ??= 0;
  }
  const stored = { data, updatedMs: nowMs };
  staging.items.set(String(data.ItemID).toLowerCase(), stored);
  return { stored, created: !existing };
}

// Invoices ------------------------------------------------------------------------------------

const INVOICE_TYPES = ['ACCPAY', 'ACCPAYCREDIT', 'APOVERPAYMENT', 'APPREPAYMENT', 'ACCREC', 'ACCRECCREDIT', 'AROVERPAYMENT', 'ARPREPAYMENT'];

function contactSummary(c: Stored): XeroRecord {
  const d = c.data;
  return { ContactID: d.ContactID, ContactStatus: d.ContactStatus, Name: d.Name, EmailAddress: d.EmailAddress, Addresses: [], Phones: [], ContactGroups: [], ContactPersons: [], HasValidationErrors: false };
}

/** Tracked stock moves with approved sales (out) and bills (in); voiding reverses it. */
function moveStock(staging: Staging, invoice: XeroRecord, direction: 1 | -1, nowMs: number) {
  const sign = invoice.Type === 'ACCREC' ? -1 : invoice.Type === 'ACCPAY' ? 1 : 0;
  if (!sign) return;
  for (const line of (invoice.LineItems as XeroRecord[]) ?? []) {
    const item = [...staging.items.values()].find((i) => i.data.IsTrackedAsInventory === true && sameText(i.data.Code, line.ItemCode));
    if (!item) continue;
    const qty = Number(item.data.QuantityOnHand ?? 0) + sign * direction * Number(line.Quantity ?? 0);
    staging.items.set(String(item.data.ItemID).toLowerCase(), { data: { ...item.data, QuantityOnHand: qty }, updatedMs: nowMs });
  }
}

function buildLines(input: XeroRecord, staging: Staging, errors: string[]): XeroRecord[] {
  const raw = Array.isArray(input.LineItems) ? (input.LineItems as XeroRecord[]) : [];
  return raw.map((line) => {
    const code = str(line.ItemCode);
    const item = code ? [...staging.items.values()].find((i) => sameText(i.data.Code, code)) : undefined;
    if (code && !item) errors.push(`Item code '${code}' is not valid.`);
    const sales = (item?.data.SalesDetails ?? {}) as XeroRecord;
    const description = str(line.Description) ?? (item?.data.Description as string | undefined) ?? (item?.data.Name as string | undefined);
    if (!description && !code) errors.push('Description is required for a line item without an item code.');
    const quantity = num(line.Quantity) ?? 1;
    const unit = num(line.UnitAmount) ?? num(sales.UnitPrice) ?? 0;
    const discount = num(line.DiscountRate) ?? 0;
    return {
      LineItemID: str(line.LineItemID) ?? randomUUID(),
      Description: description ?? '',
      Quantity: quantity,
      UnitAmount: unit,
      ...(code ? { ItemCode: item?.data.Code ?? code } : {}),
      AccountCode: str(line.AccountCode) ?? (sales.AccountCode as string | undefined) ?? '200',
      TaxType: str(line.TaxType) ?? 'NONE',
      TaxAmount: 0,
      LineAmount: round2(quantity * unit * (1 - discount / 100)),
      ...(discount ? { DiscountRate: discount } : {}),
      Tracking: Array.isArray(line.Tracking) ? line.Tracking : [],
    };
  });
}

function applyInvoice(input: XeroRecord, staging: Staging, call: XeroCall): Outcome {
  const nowMs = call.nowMs;
  const id = str(input.InvoiceID);
  let existing = id ? staging.invoices.get(id.toLowerCase()) : undefined;
  if (id && !existing) return { errors: [`The InvoiceID ${id} could not be found.`] };
  const number = str(input.InvoiceNumber);
  const type = str(input.Type) ?? (existing?.data.Type as string | undefined);
  const byNumber = number && type === 'ACCREC' ? [...staging.invoices.values()].find((i) => i.data.Type === 'ACCREC' && sameText(i.data.InvoiceNumber, number)) : undefined;
  if (!existing && byNumber && call.method === 'POST') existing = byNumber;
  const errors: string[] = [];
  if (!type || !INVOICE_TYPES.includes(type)) errors.push(type ? `'${type}' is not a valid invoice type.` : 'The invoice Type must be specified.');
  if (byNumber && byNumber !== existing) errors.push('Invoice # must be unique.');

  const previousStatus = existing?.data.Status as string | undefined;
  const status = str(input.Status) ?? previousStatus ?? 'DRAFT';
  if (!existing && !['DRAFT', 'SUBMITTED', 'AUTHORISED'].includes(status)) errors.push('Invoice not of valid status for creation');
  if (existing) {
    const allowed: Record<string, string[]> = {
      DRAFT: ['DRAFT', 'SUBMITTED', 'AUTHORISED', 'DELETED'],
      SUBMITTED: ['DRAFT', 'SUBMITTED', 'AUTHORISED', 'DELETED'],
      AUTHORISED: ['AUTHORISED', 'VOIDED'],
      PAID: ['PAID'],
      VOIDED: ['VOIDED'],
      DELETED: ['DELETED'],
    };
    if (!allowed[previousStatus ?? 'DRAFT'].includes(status)) errors.push('Invoice not of valid status for modification');
    if ((previousStatus === 'PAID' || previousStatus === 'VOIDED' || previousStatus === 'DELETED') && Object.keys(input).some((k) => !['InvoiceID', 'InvoiceNumber', 'Status', 'Type'].includes(k))) {
      errors.push('This document cannot be edited as it has a payment or credit note allocated to it.');
    }
  }

  // The contact: by ContactID, else by Name (Xero creates a new contact for an unknown name).
  let contact: Stored | undefined;
  const contactIn = input.Contact as XeroRecord | undefined;
  if (contactIn) {
    const contactId = str(contactIn.ContactID);
    if (contactId) {
      contact = staging.contacts.get(contactId.toLowerCase());
      if (!contact) errors.push(`The contact with ContactID ${contactId} could not be found.`);
      else if (contact.data.ContactStatus === 'ARCHIVED') errors.push(`The contact ${String(contact.data.Name)} is archived and cannot be used on a transaction.`);
    } else if (str(contactIn.Name)) {
      contact = [...staging.contacts.values()].find((c) => sameText(c.data.Name, contactIn.Name));
    } else errors.push('A Contact must be specified for this type of transaction');
  } else if (existing) {
    contact = staging.contacts.get(String((existing.data.Contact as XeroRecord).ContactID).toLowerCase());
  } else errors.push('A Contact must be specified for this type of transaction');

  const dateMs = input.Date !== undefined ? parseXeroDate(input.Date) : undefined;
  if (input.Date !== undefined && dateMs === undefined) errors.push(`The Date '${String(input.Date)}' is not a valid date.`);
  const dueMs = input.DueDate !== undefined ? parseXeroDate(input.DueDate) : undefined;
  if (input.DueDate !== undefined && dueMs === undefined) errors.push(`The DueDate '${String(input.DueDate)}' is not a valid date.`);
  const lines = input.LineItems !== undefined ? buildLines(input, staging, errors) : ((existing?.data.LineItems as XeroRecord[] | undefined) ?? []);
  if (status === 'AUTHORISED' && lines.length === 0) errors.push('An invoice must have at least one line item to be approved.');
  if (errors.length) return { errors };

  if (!contact && contactIn) {
    const created = applyContact({ Name: contactIn.Name, EmailAddress: contactIn.EmailAddress }, staging, nowMs);
    if ('errors' in created) return created;
    contact = created.stored;
  }
  let invoiceNumber = number ?? (existing?.data.InvoiceNumber as string | undefined);
  if (!invoiceNumber && type === 'ACCREC') {
    staging.invoiceSequence += 1;
    invoiceNumber = `INV-${String(staging.invoiceSequence).padStart(4, '0')}`;
  }
  const subTotal = round2(lines.reduce((s, l) => s + Number(l.LineAmount), 0));
  const day = startOfDay(dateMs ?? (existing ? (parseXeroDate(existing.data.Date) as number) : nowMs));
  const due = dueMs ?? (existing ? parseXeroDate(existing.data.DueDate) : undefined);
  const picked = Object.fromEntries(['Reference', 'Url', 'BrandingThemeID', 'SentToContact', 'ExpectedPaymentDate'].filter((f) => input[f] !== undefined).map((f) => [f, input[f]]));
  const data: XeroRecord = {
    Type: type,
    InvoiceID: existing?.data.InvoiceID ?? randomUUID(),
    InvoiceNumber: invoiceNumber ?? '',
    Reference: '',
    Payments: [],
    CreditNotes: [],
    Prepayments: [],
    Overpayments: [],
    AmountDue: status === 'VOIDED' || status === 'DELETED' ? 0 : subTotal,
    AmountPaid: 0,
    AmountCredited: 0,
    SentToContact: false,
    CurrencyRate: 1,
    HasErrors: false,
    IsDiscounted: lines.some((l) => l.DiscountRate !== undefined),
    HasAttachments: false,
    ...(existing ? existing.data : {}),
    ...picked,
    Contact: contactSummary(contact as Stored),
    DateString: xeroDateString(day),
    Date: msDate(day),
    ...(due !== undefined ? { DueDateString: xeroDateString(startOfDay(due)), DueDate: msDate(startOfDay(due)) } : {}),
    Status: status,
    LineAmountTypes: str(input.LineAmountTypes) ?? existing?.data.LineAmountTypes ?? 'Exclusive',
    LineItems: lines,
    SubTotal: subTotal,
    TotalTax: 0,
    Total: subTotal,
    CurrencyCode: str(input.CurrencyCode) ?? existing?.data.CurrencyCode ?? call.tenant.baseCurrency,
    UpdatedDateUTCString: utcString(nowMs),
  };
  data.AmountDue = status === 'VOIDED' || status === 'DELETED' ? 0 : round2(subTotal - Number(data.AmountPaid ?? 0));
  if (status === 'AUTHORISED' && previousStatus !== 'AUTHORISED') moveStock(staging, data, 1, nowMs);
  if (status === 'VOIDED' && previousStatus === 'AUTHORISED') moveStock(staging, data, -1, nowMs);
  const stored = { data, updatedMs: nowMs };
  staging.invoices.set(String(data.InvoiceID).toLowerCase(), stored);
  staging.changes.push({ category: 'INVOICE', type: existing ? 'UPDATE' : 'CREATE', id: String(data.InvoiceID) });
  return { stored, created: !existing };
}

/** Invoice lists without `page` leave line items out (the `page` parameter in xero_accounting.yaml). */
const invoiceSummary = (r: XeroRecord): XeroRecord => ({ ...r, LineItems: [] });

function findBy(map: Map<string, Stored>, idOrCode: string, codeField: string): Stored {
  const found = map.get(idOrCode.toLowerCase()) ?? [...map.values()].find((s) => sameText(s.data[codeField], idOrCode));
  if (!found) throw notFound();
  return found;
}

export function registerXeroResources(router: XeroRouter, onChanges: (tenant: XeroTenant, changes: ChangeEvent[]) => void) {
  router.get('/Organisation', (call) => ({
    body: envelope(call.nowMs, 'Organisations', [
      {
        OrganisationID: call.tenant.id,
        APIKey: '',
        Name: call.tenant.name,
        LegalName: call.tenant.name,
        PaysTax: true,
        Version: 'GLOBAL',
        OrganisationType: 'COMPANY',
        BaseCurrency: call.tenant.baseCurrency,
        CountryCode: 'US',
        IsDemoCompany: false,
        OrganisationStatus: 'ACTIVE',
        ShortCode: `!${call.tenant.id.slice(0, 5)}`,
        OrganisationEntityType: 'COMPANY',
        Timezone: 'UTC',
        CreatedDateUTC: msDate(call.tenant.createdMs),
        Addresses: [],
        Phones: [],
        ExternalLinks: [],
        PaymentTerms: {},
      },
    ]),
  }));

  const contactsWrite = (call: XeroCall) => runBatch(call, 'Contacts', (input, staging) => applyContact(input, staging, call.nowMs), (c) => onChanges(call.tenant, c));
  router.get('/Contacts', (call) =>
    listOf(call, [...call.tenant.contacts.values()], 'Contacts', {
      search: ['Name', 'FirstName', 'LastName', 'ContactNumber', 'CompanyNumber', 'EmailAddress'],
      defaultFilter: (r) => r.ContactStatus !== 'ARCHIVED',
    }),
  );
  router.put('/Contacts', (call) => {
    for (const input of elementsOf(call.body, 'Contacts')) {
      if (input.ContactID) throw validationException([{ ...input, ValidationErrors: [{ Message: 'A ContactID cannot be supplied when creating contacts with PUT.' }] }]);
    }
    return contactsWrite(call);
  });
  router.post('/Contacts', contactsWrite);
  router.get('/Contacts/:id', (call) => ({ body: envelope(call.nowMs, 'Contacts', [withDate(findBy(call.tenant.contacts, call.params.id, 'ContactNumber'))]) }));
  router.post('/Contacts/:id', (call) => {
    const target = findBy(call.tenant.contacts, call.params.id, 'ContactNumber');
    const [input] = elementsOf(call.body, 'Contacts');
    return runBatch({ ...call, body: { Contacts: [{ ...input, ContactID: target.data.ContactID }] } }, 'Contacts', (i, s) => applyContact(i, s, call.nowMs), (c) => onChanges(call.tenant, c));
  });

  const itemsWrite = (call: XeroCall) => runBatch(call, 'Items', (input, staging) => applyItem(input, staging, call.nowMs, call.method), () => undefined);
  router.get('/Items', (call) => listOf(call, [...call.tenant.items.values()], 'Items', { search: ['Code', 'Name', 'Description'] }));
  router.put('/Items', itemsWrite);
  router.post('/Items', itemsWrite);
  router.get('/Items/:id', (call) => ({ body: envelope(call.nowMs, 'Items', [withDate(findBy(call.tenant.items, call.params.id, 'Code'))]) }));
  router.post('/Items/:id', (call) => {
    const target = findBy(call.tenant.items, call.params.id, 'Code');
    const [input] = elementsOf(call.body, 'Items');
    return runBatch({ ...call, body: { Items: [{ ...input, ItemID: target.data.ItemID }] } }, 'Items', (i, s) => applyItem(i, s, call.nowMs, 'POST'), () => undefined);
  });

  const invoicesWrite = (call: XeroCall) => runBatch(call, 'Invoices', (input, staging) => applyInvoice(input, staging, call), (c) => onChanges(call.tenant, c));
  router.get('/Invoices', (call) => {
    const q = call.query;
    const numbers = q.InvoiceNumbers?.split(',').map((s) => s.trim().toLowerCase());
    const contactIds = q.ContactIDs?.split(',').map((s) => s.trim().toLowerCase());
    const statuses = q.Statuses?.split(',').map((s) => s.trim().toUpperCase());
    const all = [...call.tenant.invoices.values()].filter(
      (s) =>
        (!numbers || numbers.includes(String(s.data.InvoiceNumber).toLowerCase())) &&
        (!contactIds || contactIds.includes(String((s.data.Contact as XeroRecord).ContactID).toLowerCase())) &&
        (!statuses || statuses.includes(String(s.data.Status))),
    );
    return listOf(call, all, 'Invoices', {
      search: ['InvoiceNumber', 'Reference'],
      defaultFilter: (r) => r.Status !== 'DELETED',
      summary: invoiceSummary,
    });
  });
  router.put('/Invoices', (call) => {
    for (const input of elementsOf(call.body, 'Invoices')) {
      if (input.InvoiceID) throw validationException([{ ...input, ValidationErrors: [{ Message: 'An InvoiceID cannot be supplied when creating invoices with PUT.' }] }]);
    }
    return invoicesWrite(call);
  });
  router.post('/Invoices', invoicesWrite);
  router.get('/Invoices/:id', (call) => ({ body: envelope(call.nowMs, 'Invoices', [withDate(findBy(call.tenant.invoices, call.params.id, 'InvoiceNumber'))]) }));
  router.post('/Invoices/:id', (call) => {
    const target = findBy(call.tenant.invoices, call.params.id, 'InvoiceNumber');
    const [input] = elementsOf(call.body, 'Invoices');
    return runBatch({ ...call, body: { Invoices: [{ ...input, InvoiceID: target.data.InvoiceID }] } }, 'Invoices', (i, s) => applyInvoice(i, s, call), (c) => onChanges(call.tenant, c));
  });
}
