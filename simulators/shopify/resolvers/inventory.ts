// inventorySetQuantities / inventoryAdjustQuantities (contracts README "Inventory"): all-or-nothing,
// input arrays ≤ 250, `changeFromQuantity` as compare-and-swap (mandatory on set: an integer is
// checked, null skips the check, omitting it is an error).
import { GraphQLError } from 'graphql';
import { levelAt, touchLevel } from '../catalog.ts';
import { nowIso, type GqlContext } from '../context.ts';
import { gid, idOf } from '../ids.ts';
import { levelKey, nextId, type InventoryLevelRecord } from '../state.ts';
import { quantityOf, setQuantity } from './inventory-math.ts';
import { userError, type UserErrorShape } from './user-errors.ts';
import { inventoryItemView, locationView } from './views.ts';
import { randomUUID } from 'node:crypto';

export const MAX_INPUT_ARRAY = 250;
const MAX_QUANTITY = 1_000_000_000;

// Reasons accepted by inventory mutations (shopify.dev "inventory states" reason list).
const REASONS = new Set(['correction', 'cycle_count_available', 'damaged', 'movement_created', 'movement_updated', 'movement_received', 'movement_canceled', 'other', 'promotion', 'quality_control', 'received', 'reservation_created', 'reservation_deleted', 'reservation_updated', 'restock', 'safety_stock', 'shrinkage']);

export function inputArrayLimit(size: number) {
  if (size > MAX_INPUT_ARRAY) {
    throw new GraphQLError(`The input array size of ${size} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`, { extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' } });
  }
}

interface Change {
  name: string;
  delta: number;
  quantityAfterChange: number;
  itemId: number;
  locationId: number;
  ledgerDocumentUri: string | null;
}

function adjustmentGroup(ctx: GqlContext, reason: string, referenceDocumentUri: string | null | undefined, changes: Change[]) {
  if (!changes.some((c) => c.delta !== 0)) return null;
  return {
    __typename: 'InventoryAdjustmentGroup',
    id: gid('InventoryAdjustmentGroup', nextId(ctx.sim.state)),
    createdAt: nowIso(ctx.sim),
    reason,
    referenceDocumentUri: referenceDocumentUri ?? null,
    app: null,
    staffMember: null,
    changes: (args: { inventoryItemIds?: string[] | null; locationIds?: string[] | null; quantityNames?: string[] | null }) =>
      changes
        .filter((c) => !args.inventoryItemIds || args.inventoryItemIds.includes(gid('InventoryItem', c.itemId)))
        .filter((c) => !args.locationIds || args.locationIds.includes(gid('Location', c.locationId)))
        .filter((c) => !args.quantityNames || args.quantityNames.includes(c.name))
        .map((c) => ({
          __typename: 'InventoryChange',
          name: c.name,
          delta: c.delta,
          quantityAfterChange: c.quantityAfterChange,
          ledgerDocumentUri: c.ledgerDocumentUri,
          item: () => {
            const item = ctx.shop.inventoryItems.get(c.itemId);
            return item ? inventoryItemView(ctx, item) : null;
          },
          location: () => {
            const loc = ctx.shop.locations.find((l) => l.id === c.locationId);
            return loc ? locationView(ctx, loc) : null;
          },
        })),
  };
}

interface Target {
  itemId: number;
  locationId: number;
}

function resolveTarget(ctx: GqlContext, itemGid: string, locationGid: string, path: (string | number)[], errors: UserErrorShape[], codes: { item: string; location: string }): Target | null {
  const itemId = idOf('InventoryItem', itemGid);
  const locationId = idOf('Location', locationGid);
  if (!itemId || !ctx.shop.inventoryItems.has(itemId)) {
    errors.push(userError([...path, 'inventoryItemId'], 'The specified inventory item could not be found.', codes.item));
    return null;
  }
  if (!locationId || !ctx.shop.locations.some((l) => l.id === locationId)) {
    errors.push(userError([...path, 'locationId'], 'The specified location could not be found.', codes.location));
    return null;
  }
  return { itemId, locationId };
}

function existingLevel(ctx: GqlContext, t: Target): InventoryLevelRecord | undefined {
  return ctx.shop.levels.get(levelKey(t.itemId, t.locationId));
}

interface SetInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  quantities: { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null }[];
}

function setQuantities(ctx: GqlContext, args: { input: SetInput }) {
  const input = args.input;
  inputArrayLimit(input.quantities.length);
  for (const [i, q] of input.quantities.entries()) {
    if (!('changeFromQuantity' in q)) {
      throw new GraphQLError(`InventoryQuantityInput.changeFromQuantity must be provided for quantities[${i}]: pass the quantity you expect, or null to skip the compare-and-swap check.`, {
        extensions: { code: 'BAD_USER_INPUT', path: ['input', 'quantities', i, 'changeFromQuantity'] },
      });
    }
  }
  const errors: UserErrorShape[] = [];
  if (input.name !== 'available' && input.name !== 'on_hand') errors.push(userError(['input', 'name'], "The quantity name must be either 'available' or 'on_hand'.", 'INVALID_NAME'));
  if (!REASONS.has(input.reason)) errors.push(userError(['input', 'reason'], 'The specified reason is invalid.', 'INVALID_REASON'));
  const seen = new Set<string>();
  const targets: { target: Target; quantity: number }[] = [];
  for (const [i, q] of input.quantities.entries()) {
    const path = ['input', 'quantities', i];
    const target = resolveTarget(ctx, q.inventoryItemId, q.locationId, path, errors, { item: 'INVALID_INVENTORY_ITEM', location: 'INVALID_LOCATION' });
    if (!target) continue;
    const key = levelKey(target.itemId, target.locationId);
    if (seen.has(key)) errors.push(userError(path, 'The combination of inventoryItemId and locationId must be unique.', 'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR'));
    seen.add(key);
    if (q.quantity > MAX_QUANTITY) errors.push(userError([...path, 'quantity'], `The quantity can't be higher than ${MAX_QUANTITY.toLocaleString('en-US')}.`, 'INVALID_QUANTITY_TOO_HIGH'));
    if (q.quantity < -MAX_QUANTITY) errors.push(userError([...path, 'quantity'], `The quantity can't be lower than -${MAX_QUANTITY.toLocaleString('en-US')}.`, 'INVALID_QUANTITY_TOO_LOW'));
    if (q.quantity < 0 && input.name === 'on_hand') errors.push(userError([...path, 'quantity'], 'The quantity can’t be negative.', 'INVALID_QUANTITY_NEGATIVE'));
    const current = quantityOf(existingLevel(ctx, target), input.name);
    if (q.changeFromQuantity !== null && q.changeFromQuantity !== undefined && q.changeFromQuantity !== current) {
      errors.push(userError([...path, 'changeFromQuantity'], `The specified changeFromQuantity (${q.changeFromQuantity}) does not match the current ${input.name} quantity (${current}).`, 'CHANGE_FROM_QUANTITY_STALE'));
    }
    targets.push({ target, quantity: q.quantity });
  }
  if (errors.length) return { inventoryAdjustmentGroup: null, userErrors: errors };
  const changes: Change[] = [];
  const eventId = randomUUID();
  for (const { target, quantity } of targets) {
    const level = levelAt(ctx.sim, ctx.shop, target.itemId, target.locationId);
    for (const d of setQuantity(level, input.name as 'available' | 'on_hand', quantity)) {
      changes.push({ name: d.name, delta: d.delta, quantityAfterChange: quantityOf(level, d.name), itemId: target.itemId, locationId: target.locationId, ledgerDocumentUri: null });
    }
    touchLevel(ctx.sim, ctx.shop, level, eventId);
  }
  return { inventoryAdjustmentGroup: adjustmentGroup(ctx, input.reason, input.referenceDocumentUri, changes), userErrors: [] };
}

interface AdjustInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  changes: { inventoryItemId: string; locationId: string; delta: number; changeFromQuantity?: number | null; ledgerDocumentUri?: string | null }[];
}

function adjustQuantities(ctx: GqlContext, args: { input: AdjustInput }) {
  const input = args.input;
  inputArrayLimit(input.changes.length);
  const errors: UserErrorShape[] = [];
  if (input.name !== 'available' && input.name !== 'on_hand') errors.push(userError(['input', 'name'], `The quantity name '${input.name}' is not supported here.`, 'INVALID_QUANTITY_NAME'));
  if (!REASONS.has(input.reason)) errors.push(userError(['input', 'reason'], 'The specified reason is invalid.', 'INVALID_REASON'));
  const targets: { target: Target; delta: number; ledger: string | null }[] = [];
  for (const [i, c] of input.changes.entries()) {
    const path = ['input', 'changes', i];
    const target = resolveTarget(ctx, c.inventoryItemId, c.locationId, path, errors, { item: 'INVALID_INVENTORY_ITEM', location: 'INVALID_LOCATION' });
    if (!target) continue;
    // ledgerDocumentUri is required except for `available`, and may not be a Shopify gid (schema).
    if (input.name === 'available' && c.ledgerDocumentUri) errors.push(userError([...path, 'ledgerDocumentUri'], 'A ledger document URI is not allowed when adjusting available.', 'INVALID_AVAILABLE_DOCUMENT'));
    if (input.name !== 'available' && !c.ledgerDocumentUri) errors.push(userError([...path, 'ledgerDocumentUri'], 'A ledger document URI is required for this quantity name.', 'INVALID_QUANTITY_DOCUMENT'));
    if (c.ledgerDocumentUri?.startsWith('gid://shopify/')) errors.push(userError([...path, 'ledgerDocumentUri'], 'The ledger document URI is reserved by Shopify.', 'INTERNAL_LEDGER_DOCUMENT'));
    const current = quantityOf(existingLevel(ctx, target), input.name);
    if (c.changeFromQuantity !== null && c.changeFromQuantity !== undefined && c.changeFromQuantity !== current) {
      errors.push(userError([...path, 'changeFromQuantity'], `The specified changeFromQuantity (${c.changeFromQuantity}) does not match the current ${input.name} quantity (${current}).`, 'CHANGE_FROM_QUANTITY_STALE'));
    }
    if (Math.abs(current + c.delta) > MAX_QUANTITY) errors.push(userError([...path, 'delta'], 'The resulting quantity is out of range.', current + c.delta > 0 ? 'INVALID_QUANTITY_TOO_HIGH' : 'INVALID_QUANTITY_TOO_LOW'));
    targets.push({ target, delta: c.delta, ledger: c.ledgerDocumentUri ?? null });
  }
  if (errors.length) return { inventoryAdjustmentGroup: null, userErrors: errors };
  const changes: Change[] = [];
  const eventId = randomUUID();
  for (const { target, delta, ledger } of targets) {
    const level = levelAt(ctx.sim, ctx.shop, target.itemId, target.locationId);
    level.available += delta;
    const names = input.name === 'available' ? ['available', 'on_hand'] : ['on_hand', 'available'];
    for (const name of names) changes.push({ name, delta, quantityAfterChange: quantityOf(level, name), itemId: target.itemId, locationId: target.locationId, ledgerDocumentUri: ledger });
    touchLevel(ctx.sim, ctx.shop, level, eventId);
  }
  return { inventoryAdjustmentGroup: adjustmentGroup(ctx, input.reason, input.referenceDocumentUri, changes), userErrors: [] };
}

export function inventoryMutations(ctx: GqlContext) {
  return {
    inventorySetQuantities: (args: { input: SetInput }) => setQuantities(ctx, args),
    inventoryAdjustQuantities: (args: { input: AdjustInput }) => adjustQuantities(ctx, args),
  };
}

/** Mutations that require `@idempotent(key:)` from 2026-04 (schema descriptions). */
export const IDEMPOTENT_REQUIRED = new Set(['inventorySetQuantities', 'inventoryAdjustQuantities', 'inventoryMoveQuantities', 'inventoryActivate', 'inventorySetOnHandQuantities', 'refundCreate']);
