// Customers (customers.v3: GET /v3/customers with `id:in` / `email:in`). A BigCommerce customer's
// account id is its customer id.
import type { TandemCustomer } from '../sdk/types.ts';
import type { BigCommerceClient } from './client.ts';
import { toTandemCustomer } from './map.ts';
import { BigCommerceCustomer, v3List } from './schemas.ts';

export async function findCustomer(bc: BigCommerceClient, query: { email?: string | null; accountId?: string | null }): Promise<TandemCustomer | null> {
  if (query.accountId && /^\d+$/.test(query.accountId)) {
    // GET /v3/customers?id:in= (https://developer.bigcommerce.com/docs/rest-management/customers#get-all-customers)
    const { data } = await bc.get('v3/customers', { 'id:in': query.accountId }, v3List(BigCommerceCustomer));
    const match = data.find((c) => String(c.id) === query.accountId);
    if (match) return toTandemCustomer(match);
  }
  if (query.email) {
    const email = query.email.toLowerCase();
    // GET /v3/customers?email:in= (https://developer.bigcommerce.com/docs/rest-management/customers#get-all-customers)
    const { data } = await bc.get('v3/customers', { 'email:in': email }, v3List(BigCommerceCustomer));
    const match = data.find((c) => c.email.toLowerCase() === email);
    if (match) return toTandemCustomer(match);
  }
  return null;
}
