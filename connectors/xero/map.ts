// Tandem shapes ↔ xero-node models. Xero's limits are enforced here, before any call: item codes
// are at most 30 characters and item names 50 (contracts/xero README, xero_accounting.yaml Item).
import { createHash } from 'node:crypto';
import { CurrencyCode, Invoice, LineAmountTypes, Phone, type Contact, type Item, type LineItem } from 'xero-node';
import type { CustomerInput, InvoiceInput, InvoiceLine, PostedInvoice, Sku, TandemCustomer } from '../sdk/types.ts';
import type { XeroConfig } from './manifest.ts';
import type { XeroContact, XeroInvoice } from './schemas.ts';

export const ITEM_CODE_MAX = 30;
const ITEM_NAME_MAX = 50;
/** Xero accepts Idempotency-Key values of at most 128 characters (xero_accounting.yaml). */
const IDEMPOTENCY_KEY_MAX = 128;

export function toTandemCustomer(contact: XeroContact): TandemCustomer {
  return {
    externalId: contact.contactID,
    email: contact.emailAddress || null,
    accountId: contact.contactNumber || null,
    firstName: contact.firstName || null,
    lastName: contact.lastName || null,
    company: contact.name,
    phone: contact.phones?.find((p) => p.phoneNumber)?.phoneNumber ?? null,
  };
}

/** Xero needs a unique contact name: the company, else the person, else the email. */
export function contactName(input: Pick<CustomerInput, 'company' | 'firstName' | 'lastName' | 'email' | 'accountId'>): string {
  const person = [input.firstName, input.lastName].filter(Boolean).join(' ');
  return (input.company || person || input.email || input.accountId || 'Tandem customer').slice(0, 255);
}

export function toXeroContact(input: CustomerInput, name = contactName(input)): Contact {
  const contact: Contact = { name, isCustomer: true };
  if (input.email) contact.emailAddress = input.email;
  // The partner's account id lives in ContactNumber, which Xero lets integrations set and look up.
  if (input.accountId) contact.contactNumber = input.accountId;
  if (input.firstName) contact.firstName = input.firstName;
  if (input.lastName) contact.lastName = input.lastName;
  if (input.phone) contact.phones = [{ phoneType: Phone.PhoneTypeEnum.DEFAULT, phoneNumber: input.phone }];
  return contact;
}

export function toXeroItem(line: InvoiceLine & { sku: Sku }, config: Pick<XeroConfig, 'salesAccountCode'>): Item {
  return {
    code: line.sku,
    name: (line.description || line.sku).slice(0, ITEM_NAME_MAX),
    description: line.description,
    salesDetails: { unitPrice: Number(line.unitPrice), accountCode: line.accountCode ?? config.salesAccountCode },
  };
}

export function toXeroInvoice(input: InvoiceInput, contactId: string, config: Pick<XeroConfig, 'salesAccountCode' | 'invoiceStatus'>): Invoice {
  const lineItems: LineItem[] = input.lines.map((line) => {
    const out: LineItem = {
      description: line.description,
      quantity: line.quantity,
      unitAmount: Number(line.unitPrice),
      accountCode: line.accountCode ?? config.salesAccountCode,
    };
    if (line.sku) out.itemCode = line.sku;
    if (line.taxType) out.taxType = line.taxType;
    return out;
  });
  const invoice: Invoice = {
    type: Invoice.TypeEnum.ACCREC,
    contact: { contactID: contactId },
    date: isoDay(input.issuedOn),
    reference: input.reference,
    currencyCode: CurrencyCode[input.currency as keyof typeof CurrencyCode],
    lineAmountTypes: LineAmountTypes.Exclusive,
    status: config.invoiceStatus === 'DRAFT' ? Invoice.StatusEnum.DRAFT : Invoice.StatusEnum.AUTHORISED,
    lineItems,
  };
  if (input.dueOn) invoice.dueDate = isoDay(input.dueOn);
  return invoice;
}

export function toPostedInvoice(invoice: XeroInvoice): PostedInvoice {
  return { externalId: invoice.invoiceID, number: invoice.invoiceNumber || null, status: invoice.status };
}

/** Xero reads `YYYY-MM-DD` as the organisation's local day. */
function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A key per step of one piece of work (`<invoice key>:contact`), hashed when Xero's 128 would be exceeded. */
export function stepKey(workKey: string, step: string): string {
  const key = `${workKey}:${step}`;
  return key.length <= IDEMPOTENCY_KEY_MAX ? key : createHash('sha256').update(key).digest('hex');
}

/** A short stable digest of what a step sends, so a different body never reuses a key. */
export function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** A string literal inside Xero's `where` filter: quotes and backslashes escaped. */
export function whereString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
