// Customers: found by Tandem's account tag, then by email; created once.
import { NotFound } from '../sdk/errors.ts';
import type { CustomerInput, TandemCustomer } from '../sdk/types.ts';
import type { ShopifyClient } from './client.ts';
import { CustomerCreate, FindCustomers } from './documents.ts';
import { ACCOUNT_TAG_PREFIX, searchValue, toTandemCustomer } from './map.ts';
import { CustomerCreateData, FindCustomersData } from './schemas.ts';

export async function findCustomer(client: ShopifyClient, query: { email?: string | null; accountId?: string | null }): Promise<TandemCustomer | null> {
  if (query.accountId) {
    const tag = `${ACCOUNT_TAG_PREFIX}${query.accountId}`;
    const data = await client.request(FindCustomers, { query: `tag:${searchValue(tag)}` }, FindCustomersData);
    const match = data.customers.nodes.find((c) => c.tags.includes(tag));
    if (match) return toTandemCustomer(match);
  }
  if (query.email) {
    const email = query.email.toLowerCase();
    const data = await client.request(FindCustomers, { query: `email:${searchValue(email)}` }, FindCustomersData);
    const match = data.customers.nodes.find((c) => c.email?.toLowerCase() === email);
    if (match) return toTandemCustomer(match);
  }
  return null;
}

export async function createCustomer(client: ShopifyClient, input: CustomerInput): Promise<TandemCustomer> {
  const existing = await findCustomer(client, { email: input.email, accountId: input.accountId });
  if (existing) return existing;
  const doing = `creating customer ${input.email ?? input.accountId ?? ''}`.trim();
  const data = await client.request(
    CustomerCreate,
    {
      input: {
        email: input.email ?? undefined,
        firstName: input.firstName ?? undefined,
        lastName: input.lastName ?? undefined,
        phone: input.phone ?? undefined,
        tags: input.accountId ? [`${ACCOUNT_TAG_PREFIX}${input.accountId}`] : [],
        note: input.company ? `Company: ${input.company}` : undefined,
      },
    },
    CustomerCreateData,
    { doing },
  );
  client.assertNoUserErrors(data.customerCreate?.userErrors, 'TandemCustomerCreate', doing);
  const customer = data.customerCreate?.customer;
  if (!customer) throw NotFound(`Shopify returned no customer while ${doing}`, { connectorId: 'shopify' });
  return toTandemCustomer(customer);
}
