// Forwarded orders posted on to the supplier's system of record (a WooCommerce, BigCommerce or
// Lightspeed store it keeps its books in), over the Shopify simulator and the store's simulator.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ShopifySimulator } from '../../simulators/shopify/index.ts';
import { idOf } from '../../simulators/shopify/ids.ts';
import { backOffices, connectXero, type BackOffice } from '../../test/support/back-office.ts';
import type { TestDatabase } from '../../test/support/db.ts';
import { usePartnerWorld } from '../../test/support/partner-world.ts';
import { productWith, type Partners } from '../../test/support/partners.ts';
import { pullSupplierCatalog } from './catalog.server.ts';
import type { SyncContext } from './connections.server.ts';
import { syncCatalogToPartner } from './listings.server.ts';
import { forwardReference, pullRetailerOrders } from './orders.server.ts';
import { postingFailedKey, postToSystemOfRecord, systemOfRecordReference } from './system-of-record.server.ts';

const world = usePartnerWorld('system_of_record');
let database: TestDatabase;
let shopify: ShopifySimulator;
let ctx: SyncContext;
let p: Partners;
let office: BackOffice | undefined;
const closing: Array<() => Promise<void>> = [];

const ADDRESS = { firstName: 'Ada', lastName: 'Lovelace', address1: '1 Main St', city: 'Portland', provinceCode: 'OR', countryCode: 'US', zip: '97201', phone: '555-0100' };

beforeEach(() => void ({ database, sim: shopify, ctx, partners: p } = world));

/** The supplier's Shopify catalog (SHIRT-S, SHIRT-M at 20.00, TOTE at 7.50) listed at the retailer, which is "Corner Store". */
beforeEach(async () => {
  await database.db.shop.update({ where: { id: p.retailerShopId }, data: { name: 'Corner Store', email: 'buyer@corner.example' } });
  await database.db.shop.update({ where: { id: p.supplierShopId }, data: { name: 'Acme Supply' } });
  shopify.seedProducts(p.supplierDomain, [productWith('Linen Shirt', ['SHIRT-S', 'SHIRT-M'], '20.00'), productWith('Canvas Tote', ['TOTE'], '7.50')]);
  await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });
  await syncCatalogToPartner(ctx, p.partnershipId, { mode: 'PARTIAL', trigger: 'manual' });
});
afterEach(async () => {
  await office?.close();
  office = undefined;
  for (const close of closing.splice(0)) await close();
});

const pull = () => pullRetailerOrders(ctx, p.partnershipId);
const buy = (lines: { sku: string; quantity: number }[]) => shopify.placeOrder(p.retailerDomain, { lineItems: lines, email: 'ada@example.com', shippingAddress: ADDRESS });
const links = () => database.db.orderLink.findMany({ where: { partnershipId: p.partnershipId }, include: { events: { orderBy: { at: 'asc' } } } });
const supplierAlerts = () => database.db.alert.findMany({ where: { shopId: p.supplierShopId } });
const loaded = () => database.db.partnership.findUniqueOrThrow({ where: { id: p.partnershipId }, include: { supplier: true, retailer: true } });

describe.each(['woocommerce', 'bigcommerce', 'lightspeed'] as const)('when the supplier keeps its books in %s', (platform) => {
  beforeEach(async () => {
    office = await backOffices[platform](database.db, p.supplierShopId);
  });

  it('posts the forwarded order there once, with the supplier order’s lines at wholesale and Tandem’s reference', async () => {
    buy([{ sku: 'SHIRT-S', quantity: 2 }, { sku: 'TOTE', quantity: 1 }]);

    const result = await pull();

    expect(result).toMatchObject({ forwarded: 1, posted: 1, needsManualPosting: 0, postingRefused: 0 });
    const [link] = await links();
    const booked = office!.orders();
    expect(booked).toEqual([{ id: expect.any(String), reference: systemOfRecordReference(link!.id), customerId: platform === 'lightspeed' ? expect.any(String) : null, lines: ['SHIRT-S × 2 @ 20.00', 'TOTE × 1 @ 7.50'] }]);
    expect(link).toMatchObject({ state: 'POSTED', systemOfRecordId: booked[0]!.id, failureReason: null });
    const posted = link!.events.filter((e) => e.state === 'POSTED');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.message).toMatch(new RegExp(`^Posted to Acme Supply's system of record \\(.+\\) as order .+ \\(${booked[0]!.id}\\)\\.$`));
  });

  it('posts it once when the job runs again and when two workers post it at the same time', async () => {
    await database.db.connection.update({ where: { id: office!.connectionId }, data: { purposes: [] } });
    buy([{ sku: 'SHIRT-M', quantity: 1 }]);
    await pull();
    const [forwarded] = await links();
    expect(forwarded).toMatchObject({ state: 'FORWARDED', systemOfRecordId: null });
    const sor = await database.db.connection.update({ where: { id: office!.connectionId }, data: { purposes: ['system_of_record'] } });

    const partnership = await loaded();
    const both = await Promise.all([1, 2].map(() => postToSystemOfRecord(ctx, forwarded!.id, sor, partnership, forwardReference(forwarded!.id))));
    const again = await pull();

    expect(both.map((r) => r.outcome).sort()).toEqual(['already', 'posted']);
    expect(again).toMatchObject({ forwarded: 0, posted: 0 });
    expect(office!.orders()).toHaveLength(1);
    const [link] = await links();
    expect(link!.events.filter((e) => e.state === 'POSTED')).toHaveLength(1);
  });

  it('finds the earlier order instead of posting a second when the platform’s answer was lost', async () => {
    buy([{ sku: 'TOTE', quantity: 3 }]);
    office!.loseNextOrderAnswer();

    await expect(pull()).rejects.toMatchObject({ code: 'unavailable' });
    expect(office!.orders()).toHaveLength(1);
    expect((await links())[0]).toMatchObject({ state: 'FORWARDED', systemOfRecordId: null });

    const rerun = await pull();

    expect(rerun.posted).toBe(1);
    const booked = office!.orders();
    expect(booked).toHaveLength(1);
    expect((await links())[0]).toMatchObject({ state: 'POSTED', systemOfRecordId: booked[0]!.id });
    expect(shopify.orders(p.supplierDomain)).toHaveLength(1);
  });
});

describe('when the system of record cannot receive orders', () => {
  it('forwards the order, queues it for manual posting with an alert naming the lines and the fix, and never forwards it twice', async () => {
    const xero = await connectXero(database.db, p.supplierShopId, ['system_of_record']);
    closing.push(() => xero.sim.close());
    const placed = buy([{ sku: 'SHIRT-M', quantity: 2 }]);

    const result = await pull();
    const again = await pull();

    expect(result).toMatchObject({ forwarded: 1, needsManualPosting: 1, posted: 0 });
    expect(again).toMatchObject({ forwarded: 0, needsManualPosting: 1 });
    const supplierOrders = shopify.orders(p.supplierDomain);
    expect(supplierOrders).toHaveLength(1);
    const [link] = await links();
    expect(link).toMatchObject({ state: 'NEEDS_MANUAL_POSTING', failureReason: 'UNSUPPORTED_PLATFORM', supplierOrderId: supplierOrders[0]!.id, systemOfRecordId: null });
    expect(link!.events.filter((e) => e.state === 'NEEDS_MANUAL_POSTING').map((e) => e.message)).toEqual([
      `Order ${placed.name} queued for manual posting. Enter order ${placed.name} in Xero by hand, or mark a connection that can receive orders as the system of record in Connectors; Tandem then posts the next ones itself.`,
    ]);
    expect(await supplierAlerts()).toEqual([
      expect.objectContaining({
        key: postingFailedKey(link!.id),
        severity: 'WARNING',
        title: `Order ${placed.name} queued for manual posting`,
        message: `Acme Supply's system of record (Xero) cannot receive orders, so order ${placed.name} from Corner Store, forwarded to Acme Supply as ${supplierOrders[0]!.id}, is queued for manual posting: 2 × SHIRT-M.`,
        resolvedAt: null,
      }),
    ]);
    expect(await database.db.alert.count({ where: { shopId: p.retailerShopId } })).toBe(0);
    expect(xero.sim.state.requests).toHaveLength(0);
  });
});

describe('when the system of record refuses the order', () => {
  it('keeps the order FORWARDED with the platform’s words and a fix, then posts it and clears the alert once fixed', async () => {
    office = await backOffices.woocommerce(database.db, p.supplierShopId);
    // The store's TOTE was renamed: WooCommerce has no product for the line.
    office.renameSku!('TOTE', 'TOTE-OLD');
    const placed = buy([{ sku: 'TOTE', quantity: 1 }]);

    const result = await pull();
    const again = await pull();

    expect(result).toMatchObject({ forwarded: 1, postingRefused: 1 });
    expect(again).toMatchObject({ forwarded: 0, postingRefused: 1 });
    const [link] = await links();
    expect(link).toMatchObject({ state: 'FORWARDED', failureReason: 'PLATFORM_ERROR', systemOfRecordId: null });
    expect(link!.events.filter((e) => e.message.startsWith('Acme Supply\'s system of record (WooCommerce) refused'))).toHaveLength(1);
    const [alert] = await supplierAlerts();
    expect(alert).toMatchObject({
      key: postingFailedKey(link!.id),
      title: `WooCommerce refused order ${placed.name}`,
      message: `Acme Supply's system of record (WooCommerce) refused order ${placed.name} (forwarded to Acme Supply as ${link!.supplierOrderId}): Tandem could not forward order ${systemOfRecordReference(link!.id)} to WooCommerce: SKU TOTE matches no product. Give exactly one product that SKU, then press Retry in Activity.`,
      fix: 'Fix what WooCommerce names above, then press Retry in Activity (Tandem also posts the order on the next order sync).',
      resolvedAt: null,
    });
    expect(office.orders()).toHaveLength(0);

    office.renameSku!('TOTE-OLD', 'TOTE');
    const fixed = await pull();

    expect(fixed).toMatchObject({ posted: 1, postingRefused: 0 });
    expect((await links())[0]).toMatchObject({ state: 'POSTED', failureReason: null, failureDetail: null });
    expect(office.orders()).toHaveLength(1);
    expect((await supplierAlerts())[0]!.resolvedAt).toBeInstanceOf(Date);
  });
});

describe('when the retailer changes an order after it was posted', () => {
  it('updates Tandem’s copy from the retailer and leaves the supplier’s and the system of record’s orders alone', async () => {
    office = await backOffices.woocommerce(database.db, p.supplierShopId);
    const placed = buy([{ sku: 'SHIRT-S', quantity: 1 }]);
    await pull();
    const [posted] = await links();
    expect(posted!.state).toBe('POSTED');

    const record = shopify.shop(p.retailerDomain).orders.get(idOf('Order', placed.id)!)!;
    record.shippingAddress = { ...ADDRESS, address1: '9 Harbour Rd', city: 'Seattle', provinceCode: 'WA' };
    record.updatedAt = new Date(shopify.clock.nowMs() + 1000).toISOString();
    const result = await pull();

    expect(result).toMatchObject({ updated: 1, forwarded: 0, posted: 0 });
    const [link] = await links();
    expect(link).toMatchObject({ state: 'POSTED', systemOfRecordId: posted!.systemOfRecordId, content: expect.objectContaining({ shippingAddress: expect.objectContaining({ address1: '9 Harbour Rd', city: 'Seattle' }) }) });
    expect(link!.contentHash).not.toBe(posted!.contentHash);
    expect(link!.events.at(-1)!.message).toBe(`The retailer changed order ${placed.name} after it was sent to the supplier; Tandem's copy now follows it, the supplier's order is unchanged.`);
    expect(shopify.orders(p.supplierDomain)).toHaveLength(1);
    expect(office.orders()).toHaveLength(1);
  });
});

describe('when the supplier’s own store is its system of record', () => {
  it('records the forwarded order as posted without writing it a second time', async () => {
    await database.db.connection.update({ where: { id: p.supplierConnectionId }, data: { purposes: ['catalog_source', 'system_of_record'] } });
    buy([{ sku: 'TOTE', quantity: 1 }]);

    const result = await pull();

    expect(result).toMatchObject({ forwarded: 1, posted: 1 });
    const supplierOrders = shopify.orders(p.supplierDomain);
    expect(supplierOrders).toHaveLength(1);
    const [link] = await links();
    expect(link).toMatchObject({ state: 'POSTED', supplierOrderId: supplierOrders[0]!.id, systemOfRecordId: supplierOrders[0]!.id });
    expect(link!.events.at(-1)!.message).toBe(`Already in Acme Supply's system of record (Shopify) as the forwarded order ${supplierOrders[0]!.id}.`);
  });
});
