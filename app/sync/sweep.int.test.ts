import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GHOST_MESSAGE, sweepOldest } from './sweep.server.ts';
import { startStockNetwork, type StockNetwork } from './stock-network.test-support.ts';

let net: StockNetwork;
beforeAll(async () => {
  net = await startStockNetwork('sweep');
}, 30_000);
afterAll(() => net.close());

const listingOf = (partnershipId: string, sku: string) => net.db.listing.findFirstOrThrow({ where: { partnershipId, partnerSku: sku } });

describe('when a retailer changed a count by hand', () => {
  beforeEach(() => net.reset({ retailers: 2, stock: { MUG: 10, CAP: 4, HAT: 7 } }));

  it('detects the drift and writes the supplier count back', async () => {
    const [retailer] = net.retailers;
    await net.setStockDirectly(retailer!, 'CAP', 40);

    const summary = await sweepOldest(net.ctx, net.partnershipIds[0]!, 10);

    expect(summary.counts).toEqual({ checked: 3, drifted: 1, fixed: 1, ghosts: 0, priceDrifted: 0 });
    expect(['MUG', 'CAP', 'HAT'].map((sku) => net.available(retailer!, sku))).toEqual([10, 4, 7]);
    const cap = await listingOf(net.partnershipIds[0]!, 'CAP');
    expect([cap.observedQuantity, cap.lastPushedQuantity, cap.quantityDrift]).toEqual([4, 4, false]);
  });

  it('re-reads only the N least recently synced listings', async () => {
    const pid = net.partnershipIds[1]!;
    await net.db.listing.updateMany({ where: { partnershipId: pid }, data: { lastSyncedAt: new Date('2026-11-01T00:00:00Z') } });
    await net.db.listing.updateMany({ where: { partnershipId: pid, partnerSku: 'HAT' }, data: { lastSyncedAt: new Date('2026-10-01T00:00:00Z') } });
    await net.setStockDirectly(net.retailers[1]!, 'HAT', 1);
    await net.setStockDirectly(net.retailers[1]!, 'MUG', 1);

    const summary = await sweepOldest(net.ctx, pid, 1);

    expect(summary.counts).toMatchObject({ checked: 1, drifted: 1, fixed: 1 });
    expect([net.available(net.retailers[1]!, 'HAT'), net.available(net.retailers[1]!, 'MUG')]).toEqual([7, 1]);
    const mug = await listingOf(pid, 'MUG');
    expect(mug.lastSyncedAt).toEqual(new Date('2026-11-01T00:00:00Z'));
  });
});

describe('when the partner deleted a listed variant', () => {
  beforeEach(() => net.reset({ retailers: 1, stock: { MUG: 10, CAP: 4 } }));

  it('marks the listing as a ghost and sweeps the rest', async () => {
    const pid = net.partnershipIds[0]!;
    await net.db.listing.updateMany({ where: { partnershipId: pid, partnerSku: 'CAP' }, data: { partnerVariantId: 'gid://shopify/ProductVariant/999999', partnerInventoryItemId: null } });

    const summary = await sweepOldest(net.ctx, pid, 10);

    expect(summary.counts).toMatchObject({ checked: 2, ghosts: 1, drifted: 0 });
    expect((await listingOf(pid, 'CAP')).lastError).toBe(GHOST_MESSAGE);
    expect((await listingOf(pid, 'MUG')).lastError).toBeNull();
  });
});
