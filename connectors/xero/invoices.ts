// Posting a Tandem invoice to Xero as an ACCREC (sales) invoice: the contact and any missing items
// are created first, then the invoice, each step with an Idempotency-Key derived from the
// invoice's own key, so a retry after a crash (even one between Xero's answer and Tandem's record
// of it) gets the first invoice back instead of a second one
// (developer.xero.com/documentation/guides/idempotent-requests).
import { Invalid, isConnectorError } from '../sdk/errors.ts';
import type { InvoiceInput, InvoiceLine, PostedInvoice, Sku } from '../sdk/types.ts';
import type { XeroClient } from './client.ts';
import { createNewContact, findContact } from './customers.ts';
import { validationMessages } from './errors.ts';
import type { XeroConfig } from './manifest.ts';
import { digest, ITEM_CODE_MAX, stepKey, toPostedInvoice, toXeroInvoice, toXeroItem, whereString } from './map.ts';
import { XeroInvoices, XeroItems } from './schemas.ts';

/** Codes per `where` lookup, to keep the query string short. */
const CODES_PER_LOOKUP = 25;

export async function postInvoice(xero: XeroClient, config: XeroConfig, input: InvoiceInput, idempotencyKey: string): Promise<PostedInvoice> {
  const subject = `invoice ${input.reference}`;
  refuseLongSkus(input, subject);

  // A contact the engine linked is billed as it is: no look-up, and never an update.
  const contactId =
    input.contact.externalId ??
    (
      (await findContact(xero, { accountId: input.contact.accountId, email: input.contact.email, name: input.contact.name })) ??
      (await createNewContact(
        xero,
        { company: input.contact.name, email: input.contact.email, accountId: input.contact.accountId, firstName: null, lastName: null, phone: null },
        stepKey(idempotencyKey, 'contact'),
      ))
    ).contactID;

  const createdItemCodes = await ensureItems(xero, config, input, idempotencyKey, subject);

  const invoice = toXeroInvoice(input, contactId, config);
  // PUT /Invoices (createInvoices) with the invoice's Idempotency-Key.
  const { invoices } = await xero.call(subject, (api, tenant) => api.createInvoices(tenant, { invoices: [invoice] }, true, undefined, stepKey(idempotencyKey, 'invoice')), XeroInvoices);
  const posted = invoices?.[0];
  if (!posted) throw new Error(`Xero answered ${subject} without the invoice`);
  return { ...toPostedInvoice(posted), createdItemCodes };
}

/**
 * The sales invoice carrying exactly `reference` (deleted ones are left out, as Xero lists them).
 * GET /Invoices?where=Type=="ACCREC"&&Reference=="…" (getInvoices).
 */
export async function findInvoiceByReference(xero: XeroClient, reference: string): Promise<PostedInvoice | null> {
  const where = `Type==${whereString('ACCREC')}&&Reference==${whereString(reference)}`;
  const { invoices } = await xero.call(`invoice ${reference}`, (api, tenant) => api.getInvoices(tenant, undefined, where), XeroInvoices);
  const found = invoices?.find((i) => i.reference === reference);
  return found ? toPostedInvoice(found) : null;
}

/** Xero item codes hold at most 30 characters: such a SKU cannot be invoiced as an item. */
function refuseLongSkus(input: InvoiceInput, subject: string) {
  const long = [...new Set(input.lines.flatMap((l) => (l.sku && l.sku.length > ITEM_CODE_MAX ? [l.sku] : [])))];
  if (long.length === 0) return;
  const list = long.map((s) => `"${s}" (${s.length})`).join(', ');
  throw Invalid(`Xero item codes are at most ${ITEM_CODE_MAX} characters; ${subject} has SKU ${list}`, { skus: long }, {
    connectorId: 'xero',
    merchantMessage: `Xero cannot post ${subject}: SKU ${list} is longer than the ${ITEM_CODE_MAX} characters Xero allows for an item code. Shorten the SKU (or create the item in Xero under a shorter code and use that SKU), then press Retry in Activity.`,
  });
}

/** Creates the items the invoice's SKUs name that Xero does not have yet; returns their codes. */
async function ensureItems(xero: XeroClient, config: XeroConfig, input: InvoiceInput, idempotencyKey: string, subject: string): Promise<string[]> {
  const bySku = new Map<string, InvoiceLine & { sku: Sku }>();
  for (const line of input.lines) if (line.sku && !bySku.has(line.sku)) bySku.set(line.sku, { ...line, sku: line.sku });
  if (bySku.size === 0) return [];
  const known = new Set<string>();
  const codes = [...bySku.keys()];
  for (let i = 0; i < codes.length; i += CODES_PER_LOOKUP) {
    const where = codes
      .slice(i, i + CODES_PER_LOOKUP)
      .map((c) => `Code==${whereString(c)}`)
      .join('||');
    // GET /Items?where=… (getItems)
    const { items } = await xero.call(subject, (api, tenant) => api.getItems(tenant, undefined, where), XeroItems);
    for (const item of items ?? []) known.add(item.code.toLowerCase());
  }
  const missing = codes.filter((c) => !known.has(c.toLowerCase())).map((c) => toXeroItem(bySku.get(c) as InvoiceLine & { sku: Sku }, config));
  if (missing.length === 0) return [];
  try {
    // PUT /Items creates only; the key carries a digest of the body so a different set never reuses it.
    await xero.call(subject, (api, tenant) => api.createItems(tenant, { items: missing }, true, undefined, stepKey(idempotencyKey, `items-${digest(missing)}`)), XeroItems);
  } catch (err) {
    // Another worker created the same item meanwhile: it exists, which is all the invoice needs.
    const raced = isConnectorError(err) && err.code === 'invalid' && validationMessages((err.details as { body?: unknown })?.body).every((m) => /already exists/i.test(m));
    if (!raced) throw err;
    return [];
  }
  return missing.map((item) => item.code);
}
