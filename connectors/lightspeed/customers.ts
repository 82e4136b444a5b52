// Customers through the 2.0 search (`GET /api/2.0/search?type=customers&…`, search API: customers
// by `customer_code` or `email`). The partner's account id is stored as the customer_code, so it is
// looked up first; then the email, whatever its case.
import type { CustomerInput, TandemCustomer } from '../sdk/types.ts';
import type { LightspeedClient } from './client.ts';
import { about } from './errors.ts';
import { toLightspeedCustomer, toTandemCustomer } from './map.ts';
import { LightspeedCustomerOne, LightspeedCustomerSearch } from './schemas.ts';

export async function findCustomer(ls: LightspeedClient, query: { email?: string | null; accountId?: string | null }): Promise<TandemCustomer | null> {
  if (query.accountId) {
    const { data } = await ls.request({ path: '2.0/search', query: { type: 'customers', customer_code: query.accountId } }, LightspeedCustomerSearch);
    const byCode = data.data.find((c) => c.customer_code === query.accountId);
    if (byCode) return toTandemCustomer(byCode);
  }
  if (!query.email) return null;
  const { data } = await ls.request({ path: '2.0/search', query: { type: 'customers', email: query.email } }, LightspeedCustomerSearch);
  const match = data.data.find((c) => c.email?.toLowerCase() === query.email?.toLowerCase());
  return match ? toTandemCustomer(match) : null;
}

/** Creates the customer unless one with the email exists (then that one is returned as it is). */
export async function createCustomer(ls: LightspeedClient, input: CustomerInput): Promise<TandemCustomer> {
  const existing = await findCustomer(ls, input);
  if (existing) return existing;
  try {
    // POST /api/2026-07/customers
    const { data } = await ls.request({ method: 'POST', path: '2026-07/customers', json: toLightspeedCustomer(input) }, LightspeedCustomerOne);
    return toTandemCustomer(data.data);
  } catch (err) {
    throw about(err, `customer ${input.email ?? input.accountId ?? ''}`.trim(), 'Check the customer in Lightspeed (its customer code must be unique), then press Retry in Activity.');
  }
}
