// Stock at the connection's location: read levels, and set them in batches of 250 (Shopify's
// input-array limit) with compare-and-swap and an idempotency key per batch.
import { createHash, randomUUID } from 'node:crypto';
import type { InventoryLevel, InventoryWrite, InventoryWriteResult, VariantRef } from '../sdk/types.ts';
import type { ShopifyClient } from './client.ts';
import { InventoryLevels, InventorySetQuantities, PrimaryLocation, VariantInventoryItems } from './documents.ts';
import { InventoryLevelsData, InventorySetData, PrimaryLocationData, VariantInventoryItemsData } from './schemas.ts';
import { NotFound } from '../sdk/errors.ts';

/** Shopify input arrays hold at most 250 items (shopify.dev/docs/api/usage/limits). */
export const INVENTORY_BATCH = 250;
const NODES_BATCH = 100;
/**
 * Writes without `compare` repeat the same content when the stock is pushed unchanged; a key made
 * of content alone would make Shopify replay the first result for hours. A ten-minute window keeps
 * a retried batch deduplicated while letting a later push apply again.
 */
const KEY_WINDOW_MS = 10 * 60_000;

/**
 * Primary locations by shop and grant, for this process. Each job builds its own connector, and
 * the oversell job is on the clock: without this every job spent one round trip per shop asking
 * again. Kept ten minutes, so a merchant's change of primary location is followed soon.
 */
const primaryLocations = new Map<string, { id: string; until: number }>();
const PRIMARY_LOCATION_TTL_MS = 10 * 60_000;

export class Location {
  private id: string | undefined;
  constructor(
    private readonly client: ShopifyClient,
    configured?: string,
  ) {
    this.id = configured;
  }

  async get(): Promise<string> {
    if (this.id) return this.id;
    const key = await this.client.grantKey();
    const known = primaryLocations.get(key);
    if (known && known.until > Date.now()) {
      this.id = known.id;
      return this.id;
    }
    const data = await this.client.request(PrimaryLocation, {}, PrimaryLocationData);
    if (!data.location) throw NotFound(`Shopify ${this.client.shop} has no active location`, { connectorId: 'shopify' });
    this.id = data.location.id;
    primaryLocations.set(key, { id: this.id, until: Date.now() + PRIMARY_LOCATION_TTL_MS });
    return this.id;
  }
}

/** Fills in inventory item ids for refs that only know the variant. */
async function inventoryItemIds(client: ShopifyClient, refs: VariantRef[]): Promise<Map<VariantRef, string>> {
  const out = new Map<VariantRef, string>();
  const missing = refs.filter((r) => {
    if (r.inventoryItemId) out.set(r, r.inventoryItemId);
    return !r.inventoryItemId;
  });
  for (let i = 0; i < missing.length; i += NODES_BATCH) {
    const batch = missing.slice(i, i + NODES_BATCH);
    const data = await client.request(VariantInventoryItems, { ids: batch.map((r) => r.variantId) }, VariantInventoryItemsData);
    const byVariant = new Map(data.nodes.flatMap((n) => (n?.id && n.inventoryItem ? [[n.id, n.inventoryItem.id] as const] : [])));
    for (const ref of batch) {
      const item = byVariant.get(ref.variantId);
      if (item) out.set(ref, item);
    }
  }
  return out;
}

export async function readInventory(client: ShopifyClient, location: Location, refs: VariantRef[]): Promise<InventoryLevel[]> {
  const locationId = await location.get();
  const items = await inventoryItemIds(client, refs);
  const levels: InventoryLevel[] = [];
  const known = refs.filter((r) => items.has(r));
  for (let i = 0; i < known.length; i += NODES_BATCH) {
    const batch = known.slice(i, i + NODES_BATCH);
    const data = await client.request(InventoryLevels, { ids: batch.map((r) => items.get(r)!), locationId }, InventoryLevelsData);
    const byItem = new Map(data.nodes.flatMap((n) => (n?.id ? [[n.id, n] as const] : [])));
    for (const ref of batch) {
      const itemId = items.get(ref)!;
      const level = byItem.get(itemId)?.inventoryLevel;
      if (!level) continue;
      const available = level.quantities.find((q) => q.name === 'available')?.quantity ?? 0;
      levels.push({ variant: { ...ref, inventoryItemId: itemId }, locationId, available });
    }
  }
  return levels;
}

export function idempotencyKey(shop: string, locationId: string, quantities: Array<{ inventoryItemId: string; quantity: number; changeFromQuantity: number | null }>, now = Date.now(), call = ''): string {
  const content = JSON.stringify([shop, locationId, Math.floor(now / KEY_WINDOW_MS), call, quantities.map((q) => [q.inventoryItemId, q.quantity, q.changeFromQuantity])]);
  return `tandem-inventory-${createHash('sha256').update(content).digest('hex').slice(0, 40)}`;
}

export async function writeInventory(client: ShopifyClient, location: Location, writes: InventoryWrite[]): Promise<InventoryWriteResult> {
  const locationId = await location.get();
  const items = await inventoryItemIds(client, writes.map((w) => w.variant));
  const unknown = writes.filter((w) => !items.has(w.variant));
  if (unknown.length > 0) {
    throw NotFound(`Shopify ${client.shop} has no variant ${unknown.map((w) => w.variant.sku ?? w.variant.variantId).join(', ')}`, {
      connectorId: 'shopify',
      details: { variants: unknown.map((w) => w.variant) },
    });
  }
  const result: InventoryWriteResult = { written: 0, stale: [] };
  // One id per writeInventory call: its HTTP retries replay, but a later call writing the same
  // figures (a retailer oversold twice to the same count) is a new operation and must apply.
  const call = randomUUID();
  for (let i = 0; i < writes.length; i += INVENTORY_BATCH) {
    let batch = writes.slice(i, i + INVENTORY_BATCH);
    // A stale compare fails the whole call; drop those writes and send the rest again (each round
    // removes at least one write, so this ends).
    while (batch.length > 0) {
      const quantities = batch.map((w) => ({
        inventoryItemId: items.get(w.variant)!,
        locationId,
        quantity: w.quantity,
        changeFromQuantity: w.compare ?? null,
      }));
      const key = idempotencyKey(client.shop, locationId, quantities, Date.now(), call);
      const data = await client.request(
        InventorySetQuantities,
        { input: { name: 'available', reason: 'correction', referenceDocumentUri: `tandem://inventory-push/${key}`, quantities }, key },
        InventorySetData,
        { retrySafe: true, doing: `setting stock for ${batch.length} variants` },
      );
      const errors = data.inventorySetQuantities?.userErrors ?? [];
      const staleIndexes = new Set(
        errors.filter((e) => e.code === 'CHANGE_FROM_QUANTITY_STALE').map((e) => Number(e.field?.[2])).filter((n) => Number.isInteger(n)),
      );
      const unplaced = errors.length > 0 && staleIndexes.size === 0;
      const others = unplaced ? errors : errors.filter((e) => e.code !== 'CHANGE_FROM_QUANTITY_STALE');
      client.assertNoUserErrors(others, 'TandemInventorySetQuantities', `setting stock for ${batch.length} variants`);
      if (staleIndexes.size === 0) {
        result.written += batch.length;
        break;
      }
      result.stale.push(...batch.filter((_, idx) => staleIndexes.has(idx)));
      batch = batch.filter((_, idx) => !staleIndexes.has(idx));
    }
  }
  return result;
}
