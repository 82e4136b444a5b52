import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pushInventory } from './inventory-push.server.ts';
import { SUPPLIER, startStockNetwork, type StockNetwork } from './stock-network.test-support.ts';

let net: StockNetwork;
beforeAll(async () => {
  net = await startStockNetwork('inventory_push');
}, 30_000);
afterAll(() => net.close());

const stockWrites = (shop: string) => net.sim.calls(shop).counts.byRootField.inventorySetQuantities ?? 0;

describe('when the supplier sold one item since the last push', () => {
  beforeEach(async () => {
    await net.reset({ retailers: 2, stock: { MUG: 10, CAP: 4, HAT: 7 } });
    net.sim.placeOrder(SUPPLIER, { lineItems: [{ sku: 'MUG', quantity: 2 }] });
  });

  it('a Partial push writes that one listing, in one call, and nothing else', async () => {
    // A count changed directly at the partner is invisible to a Partial push: it proves CAP and
    // HAT were not part of the write.
    await net.setStockDirectly(net.retailers[0]!, 'CAP', 1);
    const before = stockWrites(net.retailers[0]!);

    const summary = await pushInventory(net.ctx, net.partnershipIds[0]!, { mode: 'PARTIAL', trigger: 'manual' });

    expect(summary.counts).toEqual({ listings: 3, pushed: 1, unchanged: 2, drifted: 0, missingAtSupplier: 0, missingAtPartner: 0 });
    expect(stockWrites(net.retailers[0]!) - before).toBe(1);
    expect(['MUG', 'CAP', 'HAT'].map((sku) => net.available(net.retailers[0]!, sku))).toEqual([8, 1, 7]);
    expect(stockWrites(net.retailers[1]!)).toBe(0);
    expect(net.available(net.retailers[1]!, 'MUG')).toBe(10);
  });

  it('a second Partial push finds nothing to write', async () => {
    await pushInventory(net.ctx, net.partnershipIds[0]!, { mode: 'PARTIAL', trigger: 'manual' });
    const before = stockWrites(net.retailers[0]!);
    const again = await pushInventory(net.ctx, net.partnershipIds[0]!, { mode: 'PARTIAL', trigger: 'schedule' });
    expect(again.counts.pushed).toBe(0);
    expect(stockWrites(net.retailers[0]!)).toBe(before);
  });

  it('a Full push writes every listing and repairs counts changed at the partner', async () => {
    await net.setStockDirectly(net.retailers[1]!, 'CAP', 1);
    const summary = await pushInventory(net.ctx, net.partnershipIds[1]!, { mode: 'FULL', trigger: 'nightly', pageSize: 2 });
    expect(summary.counts).toMatchObject({ listings: 3, pushed: 3, drifted: 1 });
    expect(['MUG', 'CAP', 'HAT'].map((sku) => net.available(net.retailers[1]!, sku))).toEqual([8, 4, 7]);
  });

  it('records the run with its counts and marks the listings pushed', async () => {
    const requests = () => net.sim.calls(SUPPLIER).counts.total + net.sim.calls(net.retailers[0]!).counts.total;
    const before = requests();
    const summary = await pushInventory(net.ctx, net.partnershipIds[0]!, { mode: 'PARTIAL', trigger: 'manual' });
    const run = await net.db.syncRun.findUniqueOrThrow({ where: { id: summary.syncRunId! } });
    expect(run).toMatchObject({ kind: 'inventory.push', mode: 'PARTIAL', trigger: 'manual', status: 'SUCCEEDED', apiCalls: requests() - before });
    expect(run.counts).toMatchObject({ listings: 3, pushed: 1 });
    const mug = await net.db.listing.findFirstOrThrow({ where: { partnershipId: net.partnershipIds[0]!, partnerSku: 'MUG' }, include: { sourceVariant: true } });
    expect([mug.lastPushedQuantity, mug.sourceVariant.available]).toEqual([8, 8]);
  });

  it('a Full push of one chosen product writes only its listing, even where others drifted', async () => {
    await net.setStockDirectly(net.retailers[0]!, 'CAP', 1);
    const hat = await net.db.sourceVariant.findFirstOrThrow({ where: { sku: 'HAT' } });
    net.sim.placeOrder(SUPPLIER, { lineItems: [{ sku: 'HAT', quantity: 3 }] });
    const before = stockWrites(net.retailers[0]!);

    const summary = await pushInventory(net.ctx, net.partnershipIds[0]!, { mode: 'FULL', trigger: 'manual', sourceVariantIds: [hat.id] });

    expect(summary.counts).toEqual({ listings: 1, pushed: 1, unchanged: 0, drifted: 0, missingAtSupplier: 0, missingAtPartner: 0 });
    expect(stockWrites(net.retailers[0]!) - before).toBe(1);
    expect(['MUG', 'CAP', 'HAT'].map((sku) => net.available(net.retailers[0]!, sku))).toEqual([10, 1, 4]);
  });

  it('a Partial push over a large partnership finds the sale through the supplier’s stock export and reads again only what it shows changed', async () => {
    await net.setStockDirectly(net.retailers[0]!, 'CAP', 1);
    const calls = (shop: string) => ({ ...net.sim.calls(shop).counts.byRootField });
    const before = calls(SUPPLIER);

    const summary = await pushInventory(net.ctx, net.partnershipIds[0]!, { mode: 'PARTIAL', trigger: 'schedule', snapshotFrom: 1 });

    const after = calls(SUPPLIER);
    const made = Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]).filter(([, n]) => (n as number) > 0));
    // One export (started, then polled until done), and one level read for the one variant it showed changed.
    expect(made).toMatchObject({ bulkOperationRunQuery: 1, nodes: 1 });
    expect(Object.keys(made).filter((k) => k !== 'location').sort()).toEqual(['bulkOperation', 'bulkOperationRunQuery', 'nodes']);
    expect(summary.counts).toEqual({ listings: 3, pushed: 1, unchanged: 2, drifted: 0, missingAtSupplier: 0, missingAtPartner: 0 });
    expect(['MUG', 'CAP', 'HAT'].map((sku) => net.available(net.retailers[0]!, sku))).toEqual([8, 1, 7]);
  });

  it('leaves the row to the job layer when it runs under a job SyncRun', async () => {
    const summary = await pushInventory(net.ctx, net.partnershipIds[0]!, { mode: 'PARTIAL', trigger: 'schedule', syncRunId: 'job-run' });
    expect(summary.syncRunId).toBe('job-run');
    expect(await net.db.syncRun.count()).toBe(0);
  });
});

describe('when some listings are not live at the partner', () => {
  beforeEach(() => net.reset({ retailers: 1, stock: { MUG: 10, CAP: 4, HAT: 7 } }));

  it('pushes approved and pending-but-created listings, never rejected or uncreated ones', async () => {
    const pid = net.partnershipIds[0]!;
    await net.db.listing.updateMany({ where: { partnershipId: pid, partnerSku: 'MUG' }, data: { approval: 'PENDING' } });
    await net.db.listing.updateMany({ where: { partnershipId: pid, partnerSku: 'CAP' }, data: { approval: 'REJECTED' } });
    await net.db.listing.updateMany({ where: { partnershipId: pid, partnerSku: 'HAT' }, data: { partnerVariantId: null } });
    net.sim.placeOrder(SUPPLIER, { lineItems: [{ sku: 'MUG', quantity: 1 }, { sku: 'CAP', quantity: 1 }] });

    const summary = await pushInventory(net.ctx, pid, { mode: 'FULL', trigger: 'manual' });

    expect(summary.counts).toMatchObject({ listings: 1, pushed: 1 });
    expect(['MUG', 'CAP'].map((sku) => net.available(net.retailers[0]!, sku))).toEqual([9, 4]);
  });
});

describe('when inventory push is off for the partnership', () => {
  beforeEach(() => net.reset({ retailers: 1, stock: { MUG: 10 } }));

  it('skips it without a call to either store', async () => {
    await net.db.partnership.update({ where: { id: net.partnershipIds[0]! }, data: { pushInventory: false } });
    net.sim.placeOrder(SUPPLIER, { lineItems: [{ sku: 'MUG', quantity: 1 }] });
    const summary = await pushInventory(net.ctx, net.partnershipIds[0]!, { mode: 'FULL', trigger: 'manual' });
    expect(summary.skipped).toBe('Inventory push is off for this partnership');
    expect([net.sim.calls(SUPPLIER).counts.total, net.sim.calls(net.retailers[0]!).counts.total]).toEqual([0, 0]);
    expect(net.available(net.retailers[0]!, 'MUG')).toBe(10);
  });
});
