// Stock at the connection's outlet. Reads: GET /inventory/{product_id}. Writes: X-Series has no
// "set the count" call that keeps cost history (a direct product update corrupts it, vendor
// warning), only POST /stock_adjustments: 1–1000 RELATIVE adjustments with a reason. So to set an
// absolute count Tandem reads the level, then adjusts by the difference; a sale landing between
// the read and the adjustment still counts, as the adjustment is relative. A retried batch re-reads
// and finds nothing left to adjust, so it never applies twice.
import { isConnectorError } from '../sdk/errors.ts';
import type { InventoryLevel, InventoryWrite, InventoryWriteResult, VariantRef } from '../sdk/types.ts';
import type { LightspeedClient } from './client.ts';
import type { Outlet } from './outlet.ts';
import { LightspeedAdjustmentsAnswer, LightspeedInventoryList } from './schemas.ts';

/** CreateStockAdjustmentsRequest takes 1 to 1000 items. */
const ADJUSTMENTS_PER_CALL = 1000;
const READS_IN_PARALLEL = 8;

async function levelOf(ls: LightspeedClient, productId: string, outletId: string): Promise<number | null> {
  try {
    const { data } = await ls.request({ path: `2026-07/inventory/${encodeURIComponent(productId)}` }, LightspeedInventoryList);
    return data.find((r) => r.outlet_id === outletId)?.current_inventory_level ?? 0;
  } catch (err) {
    if (isConnectorError(err) && err.code === 'not_found') return null;
    throw err;
  }
}

/** Reads several levels at once (the budget still paces every call). */
async function levelsOf(ls: LightspeedClient, refs: VariantRef[], outletId: string): Promise<Array<number | null>> {
  const out: Array<number | null> = new Array(refs.length).fill(null);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < refs.length; i = next++) out[i] = await levelOf(ls, refs[i].variantId, outletId);
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_PARALLEL, refs.length) }, worker));
  return out;
}

export async function readInventory(ls: LightspeedClient, outlet: Outlet, refs: VariantRef[]): Promise<InventoryLevel[]> {
  const outletId = await outlet.id();
  const found = await levelsOf(ls, refs, outletId);
  return refs.flatMap((ref, i) => (found[i] === null ? [] : [{ variant: ref, locationId: outletId, available: found[i] as number }]));
}

export async function writeInventory(
  ls: LightspeedClient,
  outlet: Outlet,
  writes: InventoryWrite[],
  reasons: { customReasonId?: string },
): Promise<InventoryWriteResult> {
  const outletId = await outlet.id();
  const stale: InventoryWrite[] = [];
  const adjustments: Array<Record<string, string | number>> = [];
  let written = 0;
  const levels = await levelsOf(ls, writes.map((w) => w.variant), outletId);
  for (const [i, write] of writes.entries()) {
    const current = levels[i] ?? 0;
    if (write.compare !== undefined && write.compare !== null && write.compare !== current) {
      stale.push(write);
      continue;
    }
    written++;
    const difference = write.quantity - current;
    if (difference === 0) continue;
    adjustments.push({
      outlet_id: outletId,
      product_id: write.variant.variantId,
      quantity: difference,
      // A store-defined reason (e.g. "Tandem sync") reads best in Lightspeed's stock history;
      // otherwise the built-in reasons closest to a count correction.
      ...(reasons.customReasonId
        ? { reason: 'CUSTOM', custom_inventory_adjustment_reason_id: reasons.customReasonId }
        : { reason: difference > 0 ? 'STOCK_FOUND' : 'INTERNAL_USE' }),
    });
  }
  for (let i = 0; i < adjustments.length; i += ADJUSTMENTS_PER_CALL) {
    // POST /api/2026-07/stock_adjustments. Not retried after a 5xx: a relative adjustment sent twice
    // would apply twice (the next run re-reads instead).
    await ls.request({ method: 'POST', path: '2026-07/stock_adjustments', json: { stock_adjustments: adjustments.slice(i, i + ADJUSTMENTS_PER_CALL) } }, LightspeedAdjustmentsAnswer);
  }
  return { written, stale };
}
