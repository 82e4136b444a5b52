// Shops, store connections and partnerships for a scenario: one supplier and its retailers, each a
// Shopify shop on the Standard plan in the simulator, wired to Tandem as installing would.
import type { Db } from '../app/db.server.ts';
import { sealCredentials } from '../app/sync/connections.server.ts';
import type { ShopifySimulator } from '../simulators/shopify/index.ts';

export interface BenchShop {
  domain: string;
  shopId: string;
  connectionId: string;
}

export async function addShop(db: Db, sim: ShopifySimulator, domain: string, role: 'SUPPLIER' | 'RETAILER'): Promise<BenchShop> {
  sim.createShop({ domain, plan: 'Standard' });
  const token = sim.issueToken(domain).access_token;
  const shop = await db.shop.create({ data: { domain, role } });
  const connection = await db.connection.create({
    data: {
      shopId: shop.id,
      platform: 'shopify',
      externalAccount: domain,
      credentials: sealCredentials({ accessToken: token }),
      config: { shop: domain, baseUrlOverride: sim.url },
      purposes: [role === 'SUPPLIER' ? 'catalog_source' : 'catalog_target'],
    },
  });
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
