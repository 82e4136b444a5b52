// Shops, store connections and partnerships for a scenario: one supplier and its retailers, each a
// Shopify shop on the Standard plan in the simulator, wired to Tandem as installing would.
import type { Db } from '../app/db.server.ts';
import type { ShopifySimulator } from '../simulators/shopify/index.ts';
import { connectShopifyStore } from '../test/support/partners.ts';

export interface BenchShop {
  domain: string;
  shopId: string;
  connectionId: string;
}

/** A Standard-plan simulator shop installed in Tandem, as the tests install theirs. */
export async function addShop(db: Db, sim: ShopifySimulator, domain: string, role: 'SUPPLIER' | 'RETAILER'): Promise<BenchShop> {
  const { shop, connection } = await connectShopifyStore(db, sim, domain, role, 'Standard');
  return { domain, shopId: shop.id, connectionId: connection.id };
}

/** An ACTIVE partnership with oversell protection and inventory push on (the defaults). */
export async function partner(db: Db, supplier: BenchShop, retailer: BenchShop): Promise<string> {
  const partnership = await db.partnership.create({
    data: {
      supplierShopId: supplier.shopId,
      retailerShopId: retailer.shopId,
      invitedByShopId: supplier.shopId,
      status: 'ACTIVE',
      acceptedAt: new Date(),
      pricingRule: { markupPercent: 100 },
      sourceConnectionId: supplier.connectionId,
      targetConnectionId: retailer.connectionId,
    },
  });
  return partnership.id;
}
