// Xero contacts as Tandem customers: found by account id (ContactNumber) first, then by email.
// An existing contact is returned as it is: Tandem never overwrites a contact the merchant keeps
// in Xero (developer.xero.com/documentation/api/accounting/contacts).
import type { CustomerInput, TandemCustomer } from '../sdk/types.ts';
import type { XeroClient } from './client.ts';
import { validationMessages } from './errors.ts';
import { contactName, digest, toTandemCustomer, toXeroContact, whereString } from './map.ts';
import { XeroContacts, type XeroContact } from './schemas.ts';
import { isConnectorError } from '../sdk/errors.ts';

export async function findContact(xero: XeroClient, query: { email?: string | null; accountId?: string | null; name?: string | null }): Promise<XeroContact | null> {
  const filters: Array<[string, string]> = [];
  if (query.accountId) filters.push([`contact ${query.accountId}`, `ContactNumber==${whereString(query.accountId)}`]);
  if (query.email) filters.push([`contact ${query.email}`, `EmailAddress!=null&&EmailAddress.ToLower()==${whereString(query.email.toLowerCase())}`]);
  if (query.name) filters.push([`contact "${query.name}"`, `Name.ToLower()==${whereString(query.name.toLowerCase())}`]);
  for (const [subject, where] of filters) {
    // GET /Contacts?where=… (archived contacts are left out unless includeArchived)
    const { contacts } = await xero.call(subject, (api, tenant) => api.getContacts(tenant, undefined, where), XeroContacts);
    if (contacts?.length) return contacts[0];
  }
  return null;
}

export async function findCustomer(xero: XeroClient, query: { email?: string | null; accountId?: string | null }): Promise<TandemCustomer | null> {
  const contact = await findContact(xero, query);
  return contact ? toTandemCustomer(contact) : null;
}

/**
 * Creates the contact unless one with the account id or email exists. The Idempotency-Key comes
 * from the body, so a retry after a lost answer replays the first creation. A name already taken
 * by another contact (Xero names are unique) gets the email added to tell them apart.
 */
export async function createContact(xero: XeroClient, input: CustomerInput): Promise<XeroContact> {
  return (await findContact(xero, input)) ?? createNewContact(xero, input);
}

/** Creates the contact without looking it up first (the caller just did). */
export async function createNewContact(xero: XeroClient, input: CustomerInput, keyPrefix = 'contact'): Promise<XeroContact> {
  const name = contactName(input);
  try {
    return await putContact(xero, input, name, keyPrefix);
  } catch (err) {
    const clash = isConnectorError(err) && err.code === 'invalid' && validationMessages((err.details as { body?: unknown })?.body).some((m) => /already assigned to another contact/i.test(m));
    const tag = input.email ?? input.accountId;
    if (!clash || !tag) throw err;
    return putContact(xero, input, `${name} (${tag})`.slice(0, 255), keyPrefix);
  }
}

async function putContact(xero: XeroClient, input: CustomerInput, name: string, keyPrefix: string): Promise<XeroContact> {
  const contact = toXeroContact(input, name);
  const key = `${keyPrefix}-${digest(contact)}`;
  // PUT /Contacts with Idempotency-Key (xero_accounting.yaml createContacts)
  const { contacts } = await xero.call(`contact "${name}"`, (api, tenant) => api.createContacts(tenant, { contacts: [contact] }, true, key), XeroContacts);
  const created = contacts?.[0];
  if (!created) throw new Error(`Xero answered the creation of contact "${name}" without the contact`);
  return created;
}

export async function createCustomer(xero: XeroClient, input: CustomerInput): Promise<TandemCustomer> {
  return toTandemCustomer(await createContact(xero, input));
}
