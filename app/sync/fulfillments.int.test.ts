import { beforeEach, describe, expect, it } from 'vitest';
import { requireCapability, type Connector } from '../../connectors/sdk/connector.ts';
import type { FulfillmentCreateInput, Sku } from '../../connectors/sdk/types.ts';
import type { ShopifySimulator } from '../../simulators/shopify/index.ts';
import type { TestDatabase } from '../../test/support/db.ts';
import { usePartnerWorld } from '../../test/support/partner-world.ts';
import { productWith, type Partners } from '../../test/support/partners.ts';
import type { Connection } from '../generated/prisma/client.ts';
import { pullSupplierCatalog } from './catalog.server.ts';
import type { SyncContext } from './connections.server.ts';
import { pushFulfillments } from './fulfillments.server.ts';
import { syncCatalogToPartner } from './listings.server.ts';
import { pullRetailerOrders } from './orders.server.ts';

const world = usePartnerWorld('fulfillments');
let database: TestDatabase;
let sim: ShopifySimulator;
let ctx: SyncContext;
let p: Partners;
let supplierOrderId: string;
let retailerOrderId: string;

const ADDRESS = { firstName: 'Ada', lastName: 'Lovelace', address1: '1 Main St', city: 'Portland', provinceCode: 'OR', countryCode: 'US', zip: '97201' };
const sku = (s: string) => s as Sku;

beforeEach(() => void ({ database, sim, ctx, partners: p } = world));

/** A retailer order for 2 × SHIRT-S and 1 × TOTE, forwarded to the supplier. */
beforeEach(async () => {
  sim.seedProducts(p.supplierDomain, [productWith('Linen Shirt', ['SHIRT-S', 'SHIRT-M'], '20.00'), productWith('Canvas Tote', ['TOTE'], '7.50')]);
  // The retailer also sells its own mug on the same order: Tandem must leave that line open.
  sim.seedProducts(p.retailerDomain, [productWith('Own Mug', ['MUG'], '9.00')]);
  await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });
  await syncCatalogToPartner(ctx, p.partnershipId, { mode: 'PARTIAL', trigger: 'manual' });
  expect(await database.db.listing.count({ where: { partnershipId: p.partnershipId } })).toBe(3);
  retailerOrderId = sim.placeOrder(p.retailerDomain, { lineItems: [{ sku: 'SHIRT-S', quantity: 2 }, { sku: 'TOTE', quantity: 1 }, { sku: 'MUG', quantity: 1 }], shippingAddress: ADDRESS }).id;
  await pullRetailerOrders(ctx, p.partnershipId);
  const link = await database.db.orderLink.findFirstOrThrow({ where: { partnershipId: p.partnershipId } });
  expect(link.state).toBe('FORWARDED');
  supplierOrderId = link.supplierOrderId!;
});

/** The supplier ships from its own admin (or shipping app), on its own Shopify. */
async function supplierShips(input: Omit<FulfillmentCreateInput, 'orderExternalId'>) {
  const connection = await database.db.connection.findUniqueOrThrow({ where: { id: p.supplierConnectionId } });
  const supplier = requireCapability(await ctx.connectorFor(connection), 'fulfillments.write');
  return supplier.createFulfillment({ orderExternalId: supplierOrderId, ...input });
}
const retailerOrder = () => sim.orders(p.retailerDomain).find((o) => o.id === retailerOrderId)!;
const link = () => database.db.orderLink.findFirstOrThrow({ where: { partnershipId: p.partnershipId }, include: { fulfillments: { orderBy: { createdAt: 'asc' } }, events: true } });
const push = (context: SyncContext = ctx) => pushFulfillments(context, p.partnershipId);

describe('when the supplier ships a forwarded order', () => {
  it('puts the shipment with carrier, tracking number and URL on the retailer order, leaving the retailer’s own line open', async () => {
    await supplierShips({ lines: [], carrier: 'UPS', trackingNumber: '1Z999', trackingUrl: 'https://ups.example/1Z999' });

    const result = await push();

    expect(result).toMatchObject({ orders: 1, pushed: 1, unmatched: 0, fulfilledOrders: 1 });
    const order = retailerOrder();
    expect(order.fulfillments).toHaveLength(1);
    expect(order.fulfillments[0]!.tracking).toEqual([expect.objectContaining({ company: 'UPS', number: '1Z999', url: 'https://ups.example/1Z999' })]);
    expect(order.lineItems.map((l) => [l.sku, l.quantity, l.fulfilled]).sort()).toEqual([
      ['MUG', 1, 0],
      ['SHIRT-S', 2, 2],
      ['TOTE', 1, 1],
    ]);
    const recorded = await link();
    expect(recorded.state).toBe('FULFILLED');
    expect(recorded.fulfillments).toEqual([expect.objectContaining({ retailerFulfillmentId: order.fulfillments[0]!.id, carrier: 'UPS', trackingNumber: '1Z999', trackingUrl: 'https://ups.example/1Z999', lastError: null })]);
    expect(recorded.fulfillments[0]!.pushedAt).toBeInstanceOf(Date);
  });

  it('copies two partial shipments as two retailer fulfillments, PARTIALLY_FULFILLED then FULFILLED', async () => {
    await supplierShips({ lines: [{ sku: sku('SHIRT-S'), quantity: 1 }], carrier: 'UPS', trackingNumber: 'FIRST', trackingUrl: 'https://ups.example/FIRST' });
    await push();
    expect((await link()).state).toBe('PARTIALLY_FULFILLED');
    expect(retailerOrder().lineItems.find((l) => l.sku === 'SHIRT-S')!.fulfilled).toBe(1);

    await supplierShips({ lines: [{ sku: sku('SHIRT-S'), quantity: 1 }, { sku: sku('TOTE'), quantity: 1 }], carrier: 'USPS', trackingNumber: 'SECOND', trackingUrl: 'https://usps.example/SECOND' });
    const second = await push();

    expect(second.pushed).toBe(1);
    const order = retailerOrder();
    expect(order.fulfillments.map((f) => f.tracking[0]!.number)).toEqual(['FIRST', 'SECOND']);
    expect(order.lineItems.filter((l) => l.sku !== 'MUG').every((l) => l.fulfilled === l.quantity)).toBe(true);
    const recorded = await link();
    expect(recorded.state).toBe('FULFILLED');
    expect(recorded.fulfillments.map((f) => [f.trackingNumber, f.lines])).toEqual([
      ['FIRST', [{ sku: 'SHIRT-S', quantity: 1, retailerLineId: expect.any(String) }]],
      ['SECOND', [expect.objectContaining({ sku: 'SHIRT-S', quantity: 1 }), expect.objectContaining({ sku: 'TOTE', quantity: 1 })]],
    ]);
    expect(recorded.events.map((e) => e.state)).toEqual(expect.arrayContaining(['PARTIALLY_FULFILLED', 'FULFILLED']));
  });

  it('copies each shipment once when the push runs again', async () => {
    await supplierShips({ lines: [{ sku: sku('TOTE'), quantity: 1 }], carrier: 'UPS', trackingNumber: 'ONCE', trackingUrl: null });
    await push();

    const again = await push();

    expect(again.pushed).toBe(0);
    expect(retailerOrder().fulfillments).toHaveLength(1);
  });

  it('copies the shipment once when the worker died after the retailer write and before the record', async () => {
    await supplierShips({ lines: [{ sku: sku('TOTE'), quantity: 1 }], carrier: 'UPS', trackingNumber: 'CRASH', trackingUrl: null });
    const dying: SyncContext = {
      ...ctx,
      async connectorFor(connection: Connection): Promise<Connector> {
        const connector = await ctx.connectorFor(connection);
        if (connection.id !== p.retailerConnectionId) return connector;
        return {
          ...connector,
          async createFulfillment(input: FulfillmentCreateInput) {
            await connector.createFulfillment!(input);
            throw new Error('worker killed before the record');
          },
        };
      },
    };
    await expect(push(dying)).rejects.toThrow('worker killed before the record');

    await push();

    const order = retailerOrder();
    expect(order.fulfillments).toHaveLength(1);
    expect((await link()).fulfillments[0]!.retailerFulfillmentId).toBe(order.fulfillments[0]!.id);
  });

  it('copies the shipment once when two workers push at the same time', async () => {
    await supplierShips({ lines: [{ sku: sku('SHIRT-S'), quantity: 2 }], carrier: null, trackingNumber: null, trackingUrl: null });

    const results = await Promise.all([push(), push()]);

    expect(results.map((r) => r.pushed).sort()).toEqual([0, 1]);
    expect(retailerOrder().fulfillments).toHaveLength(1);
    expect((await link()).state).toBe('PARTIALLY_FULFILLED');
  });

  it('pushes only the supplier orders a webhook names', async () => {
    await supplierShips({ lines: [], carrier: 'UPS', trackingNumber: 'HOOK', trackingUrl: null });

    const other = await pushFulfillments(ctx, p.partnershipId, { supplierOrderIds: ['gid://shopify/Order/999999'] });
    expect(other.orders).toBe(0);
    const named = await pushFulfillments(ctx, p.partnershipId, { supplierOrderIds: [supplierOrderId] });

    expect(named).toMatchObject({ orders: 1, pushed: 1 });
  });
});
