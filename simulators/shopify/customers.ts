// Customers found by email or created, shared by orderCreate and storefront orders.
import { nowIso, type Sim } from './context.ts';
import { nextId, type CustomerRecord, type ShopRecord } from './state.ts';

export interface CustomerMatch {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  tags?: string[] | null;
}

export function findOrCreateCustomerRecord(sim: Sim, shop: ShopRecord, input: CustomerMatch): CustomerRecord {
  const existing = input.email ? [...shop.customers.values()].find((c) => c.email?.toLowerCase() === input.email!.toLowerCase()) : undefined;
  if (existing) return existing;
  const at = nowIso(sim);
  const customer: CustomerRecord = { id: nextId(sim.state), email: input.email ?? null, firstName: input.firstName ?? null, lastName: input.lastName ?? null, phone: input.phone ?? null, note: null, tags: input.tags ?? [], createdAt: at, updatedAt: at };
  shop.customers.set(customer.id, customer);
  return customer;
}
