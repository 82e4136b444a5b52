// Stock reads and writes. WooCommerce keeps one stock figure per simple product or variation (no
// locations). Writes go through the batch endpoints, 100 objects per call; a write sets an
// absolute quantity, so a retried batch lands on the same figure.
import type { InventoryLevel, InventoryWrite, InventoryWriteResult, VariantRef } from '../sdk/types.ts';
import { productsById, variationsById } from './catalog.ts';
import { MAX_BATCH, type WooClient } from './client.ts';
import { toConnectorError } from './errors.ts';
import { toWooStockTarget } from './map.ts';
import { WooBatchResult } from './schemas.ts';

export async function readInventory(woo: WooClient, refs: VariantRef[]): Promise<InventoryLevel[]> {
  const targets = refs.map((ref) => ({ ref, target: toWooStockTarget(ref) }));
  const simpleIds = [...new Set(targets.flatMap(({ target }) => (target.kind === 'product' ? [target.productId] : [])))];
  const parents = [...new Set(targets.flatMap(({ target }) => (target.kind === 'variation' ? [target.productId] : [])))];
  const stock = new Map<string, number | null>();
  for (const product of await productsById(woo, simpleIds)) {
    stock.set(String(product.id), product.manage_stock === true ? product.stock_quantity : null);
  }
  const sharingParentStock: { key: string; parent: number }[] = [];
  for (const parent of parents) {
    for (const variation of await variationsById(woo, parent)) {
      const key = `${parent}/${variation.id}`;
      if (variation.manage_stock === 'parent') sharingParentStock.push({ key, parent });
      else stock.set(key, variation.manage_stock ? variation.stock_quantity : null);
    }
  }
  // A variation answering manage_stock "parent" sells from its variable product's stock.
  if (sharingParentStock.length > 0) {
    const byId = new Map((await productsById(woo, [...new Set(sharingParentStock.map((v) => v.parent))])).map((p) => [p.id, p]));
    for (const { key, parent } of sharingParentStock) {
      const product = byId.get(parent);
      stock.set(key, product?.manage_stock === true ? product.stock_quantity : null);
    }
  }
  return targets.flatMap(({ ref, target }) => {
    const available = stock.get(target.kind === 'product' ? String(target.productId) : `${target.productId}/${target.variationId}`);
    return available === undefined || available === null ? [] : [{ variant: ref, locationId: null, available }];
  });
}

export async function writeInventory(woo: WooClient, writes: InventoryWrite[]): Promise<InventoryWriteResult> {
  // WooCommerce has no compare-and-swap: read the figures the writes compare against, just before.
  const checked = writes.filter((w) => w.compare !== undefined && w.compare !== null);
  const stale: InventoryWrite[] = [];
  if (checked.length > 0) {
    const levels = await readInventory(woo, checked.map((w) => w.variant));
    const now = new Map(levels.map((l) => [l.variant, l.available]));
    for (const w of checked) if (now.get(w.variant) !== w.compare) stale.push(w);
  }
  const go = writes.filter((w) => !stale.includes(w));

  // Group by endpoint: simple products share /products/batch, variations go per parent.
  const groups = new Map<string, { path: string; items: { id: number; write: InventoryWrite }[] }>();
  for (const write of go) {
    const target = toWooStockTarget(write.variant);
    const path = target.kind === 'product' ? 'products/batch' : `products/${target.productId}/variations/batch`;
    const id = target.kind === 'product' ? target.productId : target.variationId;
    if (!groups.has(path)) groups.set(path, { path, items: [] });
    groups.get(path)!.items.push({ id, write });
  }

  let written = 0;
  const refused: { item: string; code: string; message: string }[] = [];
  for (const { path, items } of groups.values()) {
    for (let i = 0; i < items.length; i += MAX_BATCH) {
      const batch = items.slice(i, i + MAX_BATCH);
      // https://woocommerce.github.io/woocommerce-rest-api-docs/#batch-update-products and https://woocommerce.github.io/woocommerce-rest-api-docs/#batch-update-product-variations:
      // POST …/batch { update: [{ id, stock_quantity }] }, at most 100 objects. manage_stock is
      // switched on, since WooCommerce ignores stock_quantity while it is off.
      const result = await woo.send(
        'POST',
        path,
        { update: batch.map(({ id, write }) => ({ id, manage_stock: true, stock_quantity: write.quantity })) },
        WooBatchResult,
        { idempotent: true },
      );
      for (const { id, write } of batch) {
        const answer = result.update.find((u) => u.id === id);
        if (answer && !answer.error) written++;
        else refused.push({ item: `stock of ${write.variant.sku ? `SKU ${write.variant.sku}` : `item ${id}`}`, code: answer?.error?.code ?? 'missing', message: answer?.error?.message ?? 'not in the batch answer' });
      }
    }
  }
  if (refused.length > 0) {
    // The rest of the batch was applied (absolute quantities: retrying it is harmless).
    throw toConnectorError({ kind: 'batch-item', ...refused[0], others: refused.length - 1, written }, { site: woo.site });
  }
  return { written, stale };
}
