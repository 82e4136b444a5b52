// Embedded PGlite has one connection: engine work that holds a row lock across a platform call
// (forwarding an order, copying a shipment back) must not need a second one, or it waits for
// itself until the transaction times out. The demo runs on PGlite, so this is its path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { createPartners, productWith, type Partners } from '../../test/support/partners.ts';
import { openPglite, type OpenDatabase } from '../db.server.ts';
import { pullSupplierCatalog } from './catalog.server.ts';
import { createSyncContext, type SyncContext } from './connections.server.ts';
import { pushFulfillments } from './fulfillments.server.ts';
import { syncCatalogToPartner } from './listings.server.ts';
import { protectAgainstOversell } from './oversell.server.ts';
import { pullRetailerOrders } from './orders.server.ts';

const ADDRESS = { firstName: 'Ada', lastName: 'Lovelace', address1: '1 Main St', city: 'Portland', provinceCode: 'OR', countryCode: 'US', zip: '97201' };

let pglite: OpenDatabase;
let sim: ShopifySimulator;
let ctx: SyncContext;
let p: Partners;

beforeAll(async () => {
  pglite = await openPglite('memory://');
  sim = await startShopifySimulator({ latencyMs: 0 });
  ctx = createSyncContext(pglite.db);
  p = await createPartners(pglite.db, sim);
  sim.seedProducts(p.supplierDomain, [productWith('Canvas Tote', ['TOTE'], '7.50')]);
  await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });
  await syncCatalogToPartner(ctx, p.partnershipId, { mode: 'PARTIAL', trigger: 'manual' });
}, 120_000);
afterAll(async () => {
  await sim.close();
  await pglite?.close();
});

describe('when the engine runs on embedded PGlite', () => {
  it('nets a retailer order, forwards it once and copies the supplier’s shipment back', async () => {
    const order = sim.placeOrder(p.retailerDomain, { lineItems: [{ sku: 'TOTE', quantity: 2 }], shippingAddress: ADDRESS });
    const guard = await protectAgainstOversell(ctx, { shopDomain: p.retailerDomain, order: { externalId: order.id, lineItems: [{ sku: 'TOTE', variantExternalId: null, quantity: 2 }], tags: [], externalReference: null } });
    expect(guard.outcome).toBe('protected');

    expect(await pullRetailerOrders(ctx, p.partnershipId)).toMatchObject({ created: 1, forwarded: 1, failed: 0 });
    const link = await pglite.db.orderLink.findFirstOrThrow({ where: { partnershipId: p.partnershipId } });
    expect(link.state).toBe('FORWARDED');
    // The units the guard held were consumed in the forwarding transaction.
    expect(await pglite.db.reservation.findMany({ select: { state: true, quantity: true } })).toEqual([{ state: 'CONSUMED', quantity: 2 }]);

    sim.shipOrder(p.supplierDomain, link.supplierOrderId!, { company: 'UPS', number: '1Z1' });
    expect(await pushFulfillments(ctx, p.partnershipId)).toMatchObject({ pushed: 1, fulfilledOrders: 1 });
    expect(sim.orders(p.retailerDomain)[0]!.fulfillments.flatMap((f) => f.tracking)).toEqual([{ company: 'UPS', number: '1Z1', url: null }]);
  }, 90_000);
});
