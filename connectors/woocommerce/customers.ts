// Customers (wp-api-v3_customers.md). A WooCommerce customer's account id is its user id.
import { z } from 'zod';
import { isConnectorError } from '../sdk/errors.ts';
import type { CustomerInput, TandemCustomer } from '../sdk/types.ts';
import type { WooClient } from './client.ts';
import { toTandemCustomer, toWooCustomer } from './map.ts';
import { WooCustomer } from './schemas.ts';

export async function findCustomer(woo: WooClient, query: { email?: string | null; accountId?: string | null }): Promise<TandemCustomer | null> {
  if (query.accountId && /^\d+$/.test(query.accountId)) {
    try {
      // GET /customers/<id>: https://woocommerce.github.io/woocommerce-rest-api-docs/#retrieve-a-customer
      return toTandemCustomer((await woo.get(`customers/${query.accountId}`, {}, WooCustomer)).items);
    } catch (err) {
      if (!(isConnectorError(err) && err.code === 'not_found')) throw err;
    }
  }
  if (query.email) {
    // GET /customers?email= (https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-customers); role=all,
    // since the default lists only the "customer" role and a wholesale buyer may have another.
    const { items } = await woo.get('customers', { email: query.email.toLowerCase(), role: 'all' }, z.array(WooCustomer));
    const match = items.find((c) => c.email.toLowerCase() === query.email!.toLowerCase());
    if (match) return toTandemCustomer(match);
  }
  return null;
}

export async function createCustomer(woo: WooClient, input: CustomerInput): Promise<TandemCustomer> {
  const existing = input.email ? await findCustomer(woo, { email: input.email }) : null;
  if (existing) return existing;
  try {
    // POST /customers: https://woocommerce.github.io/woocommerce-rest-api-docs/#create-a-customer
    return toTandemCustomer(await woo.send('POST', 'customers', toWooCustomer(input), WooCustomer));
  } catch (err) {
    // "An account is already registered with your email address" (a concurrent create): the existing one is the answer.
    if (isConnectorError(err) && err.code === 'conflict' && input.email) {
      const found = await findCustomer(woo, { email: input.email });
      if (found) return found;
    }
    throw err;
  }
}
