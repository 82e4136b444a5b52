// Stock at the connection's location (inventory.v3.yml). Writes are absolute adjustments, at most
// 2,000 items per call, each naming its location_id; an absolute quantity applied twice is the same
// quantity, so a retried batch is harmless.
import type { InventoryLevel, InventoryWrite, InventoryWriteResult, VariantRef } from '../sdk/types.ts';
import type { BigCommerceClient } from './client.ts';
import { BigCommerceInventoryItem, v3List } from './schemas.ts';
import { z } from 'zod';

export const MAX_ADJUSTMENT_ITEMS = 2_000;
const IDS_PER_QUERY = 50;

const variantIdOf = (ref: VariantRef) => Number(ref.inventoryItemId ?? ref.variantId);

export async function readInventory(bc: BigCommerceClient, refs: VariantRef[]): Promise<InventoryLevel[]> {
  const ids = [...new Set(refs.map(variantIdOf).filter((id) => Number.isInteger(id)))];
  const available = new Map<number, number>();
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    for (let page = 1; ; page++) {
      // GET /v3/inventory/items?variant_id:in=&location_id:in= (https://developer.bigcommerce.com/docs/rest-management/inventory/items, inventory.v3.yml)
      const { data, meta } = await bc.get(
        'v3/inventory/items',
        { 'variant_id:in': ids.slice(i, i + IDS_PER_QUERY).join(','), 'location_id:in': bc.locationId, limit: IDS_PER_QUERY, page },
        v3List(BigCommerceInventoryItem),
      );
      for (const item of data) {
        const here = item.locations.find((l) => l.location_id === bc.locationId);
        if (here) available.set(item.identity.variant_id, here.available_to_sell);
      }
      if (data.length === 0 || page >= (meta.pagination?.total_pages ?? page)) break;
    }
  }
  return refs.flatMap((ref) => {
    const quantity = available.get(variantIdOf(ref));
    return quantity === undefined ? [] : [{ variant: ref, locationId: String(bc.locationId), available: quantity }];
  });
}

export async function writeInventory(bc: BigCommerceClient, writes: InventoryWrite[]): Promise<InventoryWriteResult> {
  // BigCommerce has no compare-and-swap: read the figures the writes compare against, just before.
  const checked = writes.filter((w) => w.compare !== undefined && w.compare !== null);
  const stale: InventoryWrite[] = [];
  if (checked.length > 0) {
    const now = new Map((await readInventory(bc, checked.map((w) => w.variant))).map((l) => [l.variant, l.available]));
    for (const w of checked) if (now.get(w.variant) !== w.compare) stale.push(w);
  }
  const go = writes.filter((w) => !stale.includes(w));
  for (let i = 0; i < go.length; i += MAX_ADJUSTMENT_ITEMS) {
    // PUT /v3/inventory/adjustments/absolute { reason, items: [{ location_id, variant_id, quantity }] }
    // (https://developer.bigcommerce.com/docs/rest-management/inventory/adjustments, inventory.v3.yml)
    await bc.send(
      'PUT',
      'v3/inventory/adjustments/absolute',
      {
        reason: 'Tandem inventory sync',
        items: go.slice(i, i + MAX_ADJUSTMENT_ITEMS).map((w) => ({ location_id: bc.locationId, variant_id: variantIdOf(w.variant), quantity: w.quantity })),
      },
      z.object({ transaction_id: z.string() }),
    );
  }
  return { written: go.length, stale };
}
