// Shopify global ids: `gid://shopify/Product/123`; inventory levels carry the item as a query
// parameter (`gid://shopify/InventoryLevel/{locationId}?inventory_item_id={itemId}`).

export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

export interface ParsedGid {
  type: string;
  id: number;
  params: URLSearchParams;
}

export function parseGid(value: unknown): ParsedGid | null {
  if (typeof value !== 'string') return null;
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?(.*))?$/.exec(value);
  if (!m) return null;
  return { type: m[1], id: Number(m[2]), params: new URLSearchParams(m[3] ?? '') };
}

/** The numeric id when `value` is a gid of `type`, else null. */
export function idOf(type: string, value: unknown): number | null {
  const parsed = parseGid(value);
  return parsed && parsed.type === type ? parsed.id : null;
}

export function inventoryLevelGid(locationId: number, itemId: number) {
  return `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${itemId}`;
}
