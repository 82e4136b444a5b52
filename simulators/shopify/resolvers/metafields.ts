// metafieldsSet (≤ 25 per call, upsert by owner + namespace + key), tagsAdd, customerCreate.
import { randomUUID } from 'node:crypto';
import { touchProduct } from '../catalog.ts';
import { nowIso, type GqlContext } from '../context.ts';
import { parseGid } from '../ids.ts';
import { customerPayload, orderPayload } from '../payloads.ts';
import { nextId, type MetafieldRecord } from '../state.ts';
import { userError, type UserErrorShape } from './user-errors.ts';
import { customerView, metafieldView, nodeView } from './views.ts';

export const MAX_METAFIELDS_SET = 25;

export interface MetafieldWrite {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
  compareDigest?: string | null;
}

function ownerExists(ctx: GqlContext, ownerId: string): boolean {
  return nodeView(ctx, ownerId) !== null;
}

/** Writes metafields (no validation beyond owner and type); returns the records written. */
export function upsertMetafields(ctx: GqlContext, writes: MetafieldWrite[]): MetafieldRecord[] {
  const at = nowIso(ctx.sim);
  return writes.map((w) => {
    const namespace = w.namespace ?? '$app';
    const existing = [...ctx.shop.metafields.values()].find((m) => m.ownerGid === w.ownerId && m.namespace === namespace && m.key === w.key);
    if (existing) {
      existing.value = w.value;
      if (w.type) existing.type = w.type;
      existing.updatedAt = at;
      return existing;
    }
    const record: MetafieldRecord = { id: nextId(ctx.sim.state), ownerGid: w.ownerId, namespace, key: w.key, type: w.type ?? 'single_line_text_field', value: w.value, createdAt: at, updatedAt: at };
    ctx.shop.metafields.set(record.id, record);
    return record;
  });
}

function metafieldsSet(ctx: GqlContext, args: { metafields: MetafieldWrite[] }) {
  const errors: UserErrorShape[] = [];
  if (args.metafields.length > MAX_METAFIELDS_SET) {
    return { metafields: null, userErrors: [{ ...userError(['metafields'], `Exceeded the maximum metafields input limit of ${MAX_METAFIELDS_SET}.`, 'LESS_THAN_OR_EQUAL_TO'), elementIndex: null }] };
  }
  for (const [i, m] of args.metafields.entries()) {
    const at = (field: string, message: string, code: string) => errors.push({ ...userError(['metafields', i, field], message, code), elementIndex: i });
    if (!ownerExists(ctx, m.ownerId)) at('ownerId', 'Owner does not exist.', 'INVALID');
    if (!m.key || m.key.length < 2) at('key', 'Key is too short (minimum is 2 characters)', 'TOO_SHORT');
    const namespace = m.namespace ?? '$app';
    const existing = [...ctx.shop.metafields.values()].find((x) => x.ownerGid === m.ownerId && x.namespace === namespace && x.key === m.key);
    if (!existing && !m.type) at('type', "Type can't be blank", 'BLANK');
    if (existing && m.compareDigest && m.compareDigest !== (metafieldView(ctx, existing).compareDigest as string)) at('compareDigest', 'The resource has been updated since it was loaded.', 'STALE_OBJECT');
    if (m.type && /json/.test(m.type)) {
      try {
        JSON.parse(m.value);
      } catch {
        at('value', 'Value is invalid JSON.', 'INVALID_VALUE');
      }
    }
  }
  if (errors.length) return { metafields: null, userErrors: errors };
  const written = upsertMetafields(ctx, args.metafields);
  return { metafields: written.map((m) => metafieldView(ctx, m)), userErrors: [] };
}

function tagsAdd(ctx: GqlContext, args: { id: string; tags: string[] }) {
  return changeTags(ctx, args, (record, tags) => {
    for (const t of tags) if (!record.tags.includes(t)) record.tags.push(t);
  });
}

function tagsRemove(ctx: GqlContext, args: { id: string; tags: string[] }) {
  return changeTags(ctx, args, (record, tags) => {
    record.tags = record.tags.filter((t) => !tags.includes(t));
  });
}

function changeTags(ctx: GqlContext, args: { id: string; tags: string[] }, change: (record: { tags: string[] }, tags: string[]) => void) {
  const parsed = parseGid(args.id);
  const s = ctx.shop;
  const record = parsed?.type === 'Product' ? s.products.get(parsed.id) : parsed?.type === 'Order' ? s.orders.get(parsed.id) : parsed?.type === 'Customer' ? s.customers.get(parsed.id) : undefined;
  if (!parsed || !record) return { node: null, userErrors: [userError(['id'], 'Resource does not exist')] };
  const tags = args.tags.flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  change(record, tags);
  record.updatedAt = nowIso(ctx.sim);
  if (parsed.type === 'Order') ctx.sim.webhooks.emit(s, 'orders/updated', orderPayload(s, s.orders.get(parsed.id)!), randomUUID());
  if (parsed.type === 'Product') touchProduct(ctx.sim, s, s.products.get(parsed.id)!);
  return { node: nodeView(ctx, args.id), userErrors: [] };
}

interface CustomerInput {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  note?: string | null;
  tags?: string[] | null;
}

function customerCreate(ctx: GqlContext, args: { input: CustomerInput }) {
  const input = args.input;
  if (!input.email && !input.phone && !input.firstName && !input.lastName) {
    return { customer: null, userErrors: [userError(['customer'], 'A name, phone number, or email address must be present')] };
  }
  if (input.email && [...ctx.shop.customers.values()].some((c) => c.email?.toLowerCase() === input.email!.toLowerCase())) {
    return { customer: null, userErrors: [userError(['email'], 'Email has already been taken')] };
  }
  if (input.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(input.email)) return { customer: null, userErrors: [userError(['email'], 'Email is invalid')] };
  const at = nowIso(ctx.sim);
  const customer = { id: nextId(ctx.sim.state), email: input.email ?? null, firstName: input.firstName ?? null, lastName: input.lastName ?? null, phone: input.phone ?? null, note: input.note ?? null, tags: input.tags ?? [], createdAt: at, updatedAt: at };
  ctx.shop.customers.set(customer.id, customer);
  ctx.sim.webhooks.emit(ctx.shop, 'customers/create', customerPayload(customer));
  return { customer: customerView(ctx, customer), userErrors: [] };
}

export function metafieldMutations(ctx: GqlContext) {
  return {
    metafieldsSet: (args: { metafields: MetafieldWrite[] }) => metafieldsSet(ctx, args),
    tagsAdd: (args: { id: string; tags: string[] }) => tagsAdd(ctx, args),
    tagsRemove: (args: { id: string; tags: string[] }) => tagsRemove(ctx, args),
    customerCreate: (args: { input: CustomerInput }) => customerCreate(ctx, args),
  };
}
