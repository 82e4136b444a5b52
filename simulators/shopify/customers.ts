// Customers found by email or created, shared by orderCreate and storefront orders; orderCreate's
// customer.toUpsert also updates the customer it finds.
import { nowIso, type Sim } from './context.ts';
import { idOf } from './ids.ts';
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

export interface CustomerUpsert extends CustomerMatch {
  id?: string | null;
  note?: string | null;
}

/**
 * orderCreate's `customer.toUpsert` (2026-10 schema, OrderCreateUpsertCustomerAttributesInput: "A
 * new customer to create or update"): the customer by id, else by email, takes every field given;
 * without a match one is created. Null when an id names no customer.
 */
export function upsertCustomerRecord(sim: Sim, shop: ShopRecord, input: CustomerUpsert): CustomerRecord | null {
  const byId = input.id ? shop.customers.get(idOf('Customer', input.id) ?? -1) : undefined;
  if (input.id && !byId) return null;
  const byEmail = input.email ? [...shop.customers.values()].find((c) => c.email?.toLowerCase() === input.email!.toLowerCase()) : undefined;
  const existing = byId ?? byEmail;
  if (!existing) return findOrCreateCustomerRecord(sim, shop, input);
  for (const field of ['email', 'firstName', 'lastName', 'phone', 'note'] as const) {
    if (input[field] !== undefined) existing[field] = input[field] ?? null;
  }
  if (input.tags) existing.tags = [...input.tags];
  existing.updatedAt = nowIso(sim);
  return existing;
}
