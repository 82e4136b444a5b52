// Quantity names and how they relate (README "Inventory"): on_hand = available + committed;
// the other states are not modelled and read as 0.
import { levelKey, type InventoryLevelRecord, type ShopRecord } from '../state.ts';

export const QUANTITY_NAMES = ['available', 'committed', 'on_hand', 'incoming', 'reserved', 'damaged', 'safety_stock', 'quality_control'] as const;

export function quantityOf(level: InventoryLevelRecord | undefined, name: string): number {
  if (!level) return 0;
  if (name === 'available') return level.available;
  if (name === 'committed') return level.committed;
  if (name === 'on_hand') return level.available + level.committed;
  return 0;
}

/** Sets `available` or `on_hand`; returns the deltas per name that resulted. */
export function setQuantity(level: InventoryLevelRecord, name: 'available' | 'on_hand', quantity: number): { name: string; delta: number }[] {
  const before = quantityOf(level, name);
  const delta = quantity - before;
  level.available += delta;
  return name === 'available'
    ? [
        { name: 'available', delta },
        { name: 'on_hand', delta },
      ]
    : [
        { name: 'on_hand', delta },
        { name: 'available', delta },
      ];
}

/** An item's levels, looked up per location (a shop has few locations, many items). */
export function levelsOfItem(shop: ShopRecord, itemId: number): InventoryLevelRecord[] {
  const out: InventoryLevelRecord[] = [];
  for (const loc of shop.locations) {
    const level = shop.levels.get(levelKey(itemId, loc.id));
    if (level) out.push(level);
  }
  return out;
}

export function availableOfItem(shop: ShopRecord, itemId: number): number {
  return levelsOfItem(shop, itemId).reduce((sum, l) => sum + l.available, 0);
}
