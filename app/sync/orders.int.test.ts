import { beforeEach, describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/sdk/connector.ts';
import { Unavailable } from '../../connectors/sdk/errors.ts';
import type { OrderCreateInput } from '../../connectors/sdk/types.ts';
import type { ShopifySimulator } from '../../simulators/shopify/index.ts';
import { idOf } from '../../simulators/shopify/ids.ts';
import type { TestDatabase } from '../../test/support/db.ts';
import { usePartnerWorld } from '../../test/support/partner-world.ts';
import { editProduct, productWith, type Partners } from '../../test/support/partners.ts';
import type { Connection } from '../generated/prisma/client.ts';
import { pullSupplierCatalog } from './catalog.server.ts';
import type { SyncContext } from './connections.server.ts';
import { syncCatalogToPartner } from './listings.server.ts';
import { forwardOrder, forwardReference, orderFailedKey, pullRetailerOrders } from './orders.server.ts';
import { orderKeyOf } from './reservations.server.ts';

const world = usePartnerWorld('orders');
let database: TestDatabase;
let sim: ShopifySimulator;
let ctx: SyncContext;
let p: Partners;

const ADDRESS = { firstName: 'Ada', lastName: 'Lovelace', address1: '1 Main St', city: 'Portland', provinceCode: 'OR', countryCode: 'US', zip: '97201' };

beforeEach(() => void ({ database, sim, ctx, partners: p } = world));

/** Supplier catalog listed at the retailer: SHIRT-S, SHIRT-M at 20.00 and TOTE at 7.50 wholesale. */
beforeEach(async () => {
  sim.seedProducts(p.supplierDomain, [productWith('Linen Shirt', ['SHIRT-S', 'SHIRT-M'], '20.00'), productWith('Canvas Tote', ['TOTE'], '7.50')]);
  await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });
  await syncCatalogToPartner(ctx, p.partnershipId, { mode: 'PARTIAL', trigger: 'manual' });
});

const pull = (context: SyncContext = ctx) => pullRetailerOrders(context, p.partnershipId);
const supplierOrders = () => sim.orders(p.supplierDomain);
const links = () => database.db.orderLink.findMany({ where: { partnershipId: p.partnershipId }, include: { events: { orderBy: { at: 'asc' } } } });
const alertsOf = (shopId: string) => database.db.alert.findMany({ where: { shopId } });
const buy = (lines: { sku: string; quantity: number }[], extra: { shippingAddress?: typeof ADDRESS | undefined } = { shippingAddress: ADDRESS }) =>
  sim.placeOrder(p.retailerDomain, { lineItems: lines, email: 'ada@example.com', ...extra });

/** The supplier's connector with one method replaced: a worker that dies or a platform without a capability. */
function contextWithSupplier(change: (connector: Connector) => Connector): SyncContext {
  return {
    ...ctx,
    async connectorFor(connection: Connection) {
      const connector = await ctx.connectorFor(connection);
      return connection.id === p.supplierConnectionId ? change(connector) : connector;
    },
  };
}

describe('when a retailer sells a supplier product', () => {
  it('creates one supplier order at wholesale prices, with the reference, address and retailer order name', async () => {
    const placed = buy([{ sku: 'SHIRT-S', quantity: 2 }, { sku: 'TOTE', quantity: 1 }]);

    const result = await pull();

    expect(result).toMatchObject({ kept: 1, created: 1, forwarded: 1, failed: 0 });
    const [link] = await links();
    const orders = supplierOrders();
    expect(orders).toHaveLength(1);
    expect(orders[0]!.sourceIdentifier).toBe(forwardReference(link!.id));
    expect(orders[0]!.lineItems.map((l) => [l.sku, l.quantity]).sort()).toEqual([
      ['SHIRT-S', 2],
      ['TOTE', 1],
    ]);
    expect(orders[0]!.shippingAddress).toMatchObject({ address1: '1 Main St', city: 'Portland', countryCode: 'US' });
    expect(link).toMatchObject({ retailerOrderId: placed.id, retailerOrderName: placed.name, state: 'FORWARDED', supplierOrderId: orders[0]!.id, supplierOrderName: orders[0]!.name, failureReason: null });
    expect(link!.forwardedAt).toBeInstanceOf(Date);
    expect(link!.events.map((e) => e.state)).toEqual(['RECEIVED', 'FORWARDED']);
    const supplierOrder = sim.shop(p.supplierDomain).orders.get(idOf('Order', orders[0]!.id)!)!;
    expect(supplierOrder.lineItems.map((l) => [l.sku, l.price]).sort()).toEqual([
      ['SHIRT-S', '20.00'],
      ['TOTE', '7.50'],
    ]);
  });

  it('ignores retailer orders with no line of this supplier', async () => {
    sim.seedProducts(p.retailerDomain, [productWith('Own Mug', ['MUG'], '9.00')]);
    buy([{ sku: 'MUG', quantity: 1 }]);

    const result = await pull();

    expect(result).toMatchObject({ pulled: 1, kept: 0, created: 0 });
    expect(await links()).toHaveLength(0);
    expect(supplierOrders()).toHaveLength(0);
  });

  it('forwards the order once when it is pulled twice', async () => {
    buy([{ sku: 'SHIRT-M', quantity: 1 }]);

    await pull();
    const again = await pull();

    expect(again).toMatchObject({ created: 0, updated: 0, forwarded: 0 });
    expect(supplierOrders()).toHaveLength(1);
    const [link] = await links();
    expect(link!.events).toHaveLength(2);
  });

  it('forwards the order once when two workers forward it at the same time', async () => {
    buy([{ sku: 'SHIRT-M', quantity: 1 }]);
    // The first pull records the order but the supplier is down, so nothing is forwarded yet.
    await expect(pull(contextWithSupplier((c) => ({ ...c, capabilities: c.capabilities, createOrder: () => Promise.reject(Unavailable('Shopify is down')) })))).rejects.toThrow('Shopify is down');
    const [waiting] = await links();
    expect(waiting!.state).toBe('RECEIVED');

    const results = await Promise.all([forwardOrder(ctx, waiting!.id), forwardOrder(ctx, waiting!.id)]);

    expect(results.map((r) => r.outcome).sort()).toEqual(['already', 'forwarded']);
    expect(supplierOrders()).toHaveLength(1);
    const [link] = await links();
    expect(link!.events.filter((e) => e.state === 'FORWARDED')).toHaveLength(1);
  });

  it('finds the earlier supplier order when the worker died after creating it and before recording it', async () => {
    buy([{ sku: 'TOTE', quantity: 3 }]);
    const dying = contextWithSupplier((c) => ({
      ...c,
      async createOrder(input: OrderCreateInput) {
        await c.createOrder!(input);
        throw new Error('worker killed before the record');
      },
    }));
    await expect(pull(dying)).rejects.toThrow('worker killed before the record');
    expect(supplierOrders()).toHaveLength(1);
    expect((await links())[0]!.state).toBe('RECEIVED');

    const rerun = await pull();

    expect(rerun.forwarded).toBe(1);
    const orders = supplierOrders();
    expect(orders).toHaveLength(1);
    expect((await links())[0]).toMatchObject({ state: 'FORWARDED', supplierOrderId: orders[0]!.id });
  });

  it('updates Tandem’s copy and forwards when the retailer adds the missing address', async () => {
    const placed = buy([{ sku: 'SHIRT-S', quantity: 1 }], { shippingAddress: undefined });
    await pull();
    const [failed] = await links();
    expect(failed).toMatchObject({ state: 'FAILED', failureReason: 'MISSING_SHIPPING_ADDRESS' });

    const record = sim.shop(p.retailerDomain).orders.get(idOf('Order', placed.id)!)!;
    record.shippingAddress = ADDRESS;
    record.updatedAt = new Date(sim.clock.nowMs() + 1000).toISOString();
    const result = await pull();

    expect(result).toMatchObject({ updated: 1, forwarded: 1 });
    const [link] = await links();
    expect(link!.content).toMatchObject({ shippingAddress: { address1: '1 Main St', city: 'Portland' } });
    expect(link!.contentHash).not.toBe(failed!.contentHash);
    expect(link!.state).toBe('FORWARDED');
    expect(link!.events.map((e) => e.message)).toContain(`The retailer changed order ${placed.name}; Tandem's copy now follows it.`);
    expect(supplierOrders()).toHaveLength(1);
    expect((await alertsOf(p.retailerShopId)).every((a) => a.resolvedAt !== null)).toBe(true);
  });
});

describe('when an order cannot be forwarded', () => {
  const withoutOrderWrites = () => contextWithSupplier((c) => ({ ...c, capabilities: new Set([...c.capabilities].filter((x) => x !== 'orders.write')) }));

  it.each([
    {
      reason: 'MISSING_SHIPPING_ADDRESS',
      state: 'FAILED',
      arrange: () => buy([{ sku: 'TOTE', quantity: 1 }], { shippingAddress: undefined }),
      context: () => ctx,
      title: (name: string) => `Order ${name} has no shipping address`,
      message: (name: string) =>
        `retailer.myshopify.com order ${name} has no shipping address, so Tandem did not send it to supplier.myshopify.com. This is likely a test or in-store order; you may disregard it.`,
      fix: (name: string) => `If it should ship, add a shipping address to order ${name} in retailer.myshopify.com's admin, then press Retry in Activity (Tandem also sends it on the next order sync).`,
    },
    {
      reason: 'SKU_MISMATCH',
      state: 'FAILED',
      arrange: async () => {
        renameSupplierSku('SHIRT-S', 'SHIRT-SMALL');
        await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'PARTIAL' });
        return buy([{ sku: 'SHIRT-S', quantity: 1 }]);
      },
      context: () => ctx,
      title: (name: string) => `Order ${name}: SKU SHIRT-S not found at supplier.myshopify.com`,
      message: (name: string) =>
        `Order ${name} from retailer.myshopify.com was not sent to supplier.myshopify.com: no supplier.myshopify.com variant carries this SKU (renamed or removed?). SKU SHIRT-S ("Linen Shirt"): similar supplier SKUs SHIRT-M, SHIRT-SMALL.`,
      fix: () =>
        "Give the supplier.myshopify.com variant the SKU the order carries again, then press Retry in Activity (Tandem also retries on the next order sync), or enter the order at supplier.myshopify.com by hand. Then update retailer.myshopify.com's product to the supplier's current SKU so later orders match.",
    },
    {
      reason: 'DUPLICATE_SKU',
      state: 'FAILED',
      arrange: async () => {
        sim.seedProducts(p.supplierDomain, [productWith('Canvas Tote (old)', ['TOTE'], '7.00')]);
        await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'PARTIAL' });
        return buy([{ sku: 'TOTE', quantity: 1 }]);
      },
      context: () => ctx,
      title: (name: string) => `Order ${name}: SKU TOTE is on 2 supplier.myshopify.com variants`,
      message: (name: string) => expect.stringMatching(new RegExp(`^Order ${name} from retailer.myshopify.com was not sent to supplier.myshopify.com: Tandem does not guess which variant to order. SKU TOTE is on "Canvas Tote / S1" \\(gid://shopify/ProductVariant/\\d+\\) and "Canvas Tote \\(old\\) / S1" \\(gid://shopify/ProductVariant/\\d+\\)\\.$`)),
      fix: () => "Give each of these variants its own SKU in supplier.myshopify.com's catalog, then press Retry in Activity (Tandem also retries on the next order sync).",
    },
    {
      reason: 'UNSUPPORTED_PLATFORM',
      state: 'NEEDS_MANUAL_POSTING',
      arrange: () => buy([{ sku: 'SHIRT-M', quantity: 2 }]),
      context: withoutOrderWrites,
      title: (name: string) => `Order ${name} queued for manual posting`,
      message: (name: string) => `supplier.myshopify.com's shopify connection cannot receive orders, so order ${name} from retailer.myshopify.com is queued for manual posting: 2 × SHIRT-M.`,
      fix: (name: string) => `Enter order ${name} in shopify by hand, or connect a platform that can receive orders; Tandem then sends the next ones itself.`,
    },
  ])('records $reason and alerts both shops with the reason and the fix', async (row) => {
    const placed = await row.arrange();

    const result = await pull(row.context());

    expect(result.failed).toBe(1);
    expect(supplierOrders()).toHaveLength(0);
    const [link] = await links();
    expect(link).toMatchObject({ state: row.state, failureReason: row.reason, supplierOrderId: null });
    for (const shopId of [p.retailerShopId, p.supplierShopId]) {
      const alerts = await alertsOf(shopId);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ key: orderFailedKey(link!.id), title: row.title(placed.name), message: row.message(placed.name), fix: row.fix(placed.name), resolvedAt: null });
    }
  });

  it('shows the stale SKU and the supplier SKUs it was probably renamed to', async () => {
    renameSupplierSku('SHIRT-S', 'SHIRT-SMALL');
    await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'PARTIAL' });
    buy([{ sku: 'SHIRT-S', quantity: 1 }]);

    await pull();

    const [link] = await links();
    expect(link!.failureDetail).toEqual({ lines: [{ sku: 'SHIRT-S', title: 'Linen Shirt', candidates: ['SHIRT-M', 'SHIRT-SMALL'] }] });
  });

  it('forwards the order and clears both alerts once the supplier SKU is put back', async () => {
    renameSupplierSku('SHIRT-S', 'SHIRT-SMALL');
    await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'PARTIAL' });
    buy([{ sku: 'SHIRT-S', quantity: 1 }]);
    await pull();
    const again = await pull();
    expect(again.failed).toBe(1);
    const [failed] = await links();
    expect(failed!.events.filter((e) => e.state === 'FAILED')).toHaveLength(1);

    renameSupplierSku('SHIRT-SMALL', 'SHIRT-S');
    await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'PARTIAL' });
    const fixed = await pull();

    expect(fixed.forwarded).toBe(1);
    expect(supplierOrders()).toHaveLength(1);
    const [link] = await links();
    expect(link).toMatchObject({ state: 'FORWARDED', failureReason: null, failureDetail: null });
    for (const shopId of [p.retailerShopId, p.supplierShopId]) {
      const [alert] = await alertsOf(shopId);
      expect(alert!.resolvedAt).toBeInstanceOf(Date);
    }
  });
});

describe('when the oversell guard already took the units out of supplier stock', () => {
  it('consumes the hold and creates the supplier order without taking those units a second time', async () => {
    const placed = buy([{ sku: 'SHIRT-S', quantity: 2 }, { sku: 'TOTE', quantity: 1 }]);
    const shirt = await database.db.sourceVariant.findFirstOrThrow({ where: { connectionId: p.supplierConnectionId, sku: 'SHIRT-S' } });
    await database.db.reservation.create({ data: { orderKey: orderKeyOf(p.retailerDomain, placed.id), sourceVariantId: shirt.id, quantity: 2, state: 'HELD' } });
    const available = (s: string) => sim.inventoryBySku(p.supplierDomain, s)[0]!.available;
    const before = { shirt: available('SHIRT-S'), tote: available('TOTE') };

    await pull();

    expect({ shirt: available('SHIRT-S'), tote: available('TOTE') }).toEqual({ shirt: before.shirt, tote: before.tote - 1 });
    expect(supplierOrders()[0]!.lineItems.map((l) => [l.sku, l.quantity]).sort()).toEqual([
      ['SHIRT-S', 2],
      ['TOTE', 1],
    ]);
    const [reservation] = await database.db.reservation.findMany();
    expect(reservation!.state).toBe('CONSUMED');
  });
});

describe('when the supplier platform refuses the order', () => {
  it('records PLATFORM_ERROR with the platform’s words and alerts both shops', async () => {
    const connection = await database.db.connection.findUniqueOrThrow({ where: { id: p.supplierConnectionId } });
    const supplier = await ctx.connectorFor(connection);
    const tote = sim.inventoryBySku(p.supplierDomain, 'TOTE')[0]!;
    await supplier.writeInventory!([{ variant: { variantId: tote.variantId, inventoryItemId: tote.inventoryItemId }, quantity: 0 }]);
    const placed = buy([{ sku: 'TOTE', quantity: 1 }]);

    const result = await pull();

    expect(result.failed).toBe(1);
    expect(supplierOrders()).toHaveLength(0);
    const [link] = await links();
    expect(link).toMatchObject({ state: 'FAILED', failureReason: 'PLATFORM_ERROR', failureDetail: { code: 'invalid' } });
    for (const shopId of [p.retailerShopId, p.supplierShopId]) {
      const [alert] = await alertsOf(shopId);
      expect(alert).toMatchObject({ key: orderFailedKey(link!.id), title: `shopify refused order ${placed.name}` });
      expect(alert!.message).toMatch(/^supplier\.myshopify\.com's shopify refused order #\d+: .*Unable to reserve inventory for TOTE: not enough stock\./);
    }
  });
});

describe('when the retailer cancels an order that could not be sent', () => {
  it('marks it CANCELLED, never forwards it, and clears the alert', async () => {
    const placed = buy([{ sku: 'TOTE', quantity: 1 }], { shippingAddress: undefined });
    await pull();
    const record = sim.shop(p.retailerDomain).orders.get(idOf('Order', placed.id)!)!;
    record.cancelledAt = new Date(sim.clock.nowMs()).toISOString();
    record.updatedAt = new Date(sim.clock.nowMs() + 1000).toISOString();

    await pull();

    const [link] = await links();
    expect(link!.state).toBe('CANCELLED');
    expect(supplierOrders()).toHaveLength(0);
    for (const shopId of [p.retailerShopId, p.supplierShopId]) expect((await alertsOf(shopId))[0]!.resolvedAt).toBeInstanceOf(Date);
  });
});

describe('when the partnership starts after the retailer’s earlier sales', () => {
  it('does not forward orders placed before it began', async () => {
    buy([{ sku: 'TOTE', quantity: 1 }]);
    await database.db.partnership.update({ where: { id: p.partnershipId }, data: { acceptedAt: new Date(sim.clock.nowMs() + 3_600_000) } });

    const result = await pull();

    expect(result).toMatchObject({ pulled: 0, kept: 0 });
    expect(supplierOrders()).toHaveLength(0);
  });
});

function renameSupplierSku(from: string, to: string) {
  const product = sim.products(p.supplierDomain).find((x) => x.variants.some((v) => v.sku === from))!;
  sim.clock.advance(1000);
  editProduct(sim, p.supplierDomain, product.id, { skus: { [from]: to } });
}
