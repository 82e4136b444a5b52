// A supplier and its retailers, linked as Tandem links them: shops in the Shopify simulator, and
// the matching Shop, Connection, Partnership, SourceVariant and Listing rows in a test database.
// Retailers start as a catalog sync leaves them: the supplier's SKUs, showing the supplier's count.
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import type { Db } from '../db.server.ts';
import { createSyncContext, sealCredentials } from './connections.server.ts';
import type { OversellInput } from './oversell.server.ts';
import { inMemoryStockLock, stockConnector, type StockContext } from './stock-context.server.ts';

export const SUPPLIER = 'supplier.myshopify.com';

export interface NetworkOptions {
  retailers: number;
  /** SKU → supplier stock. */
  stock: Record<string, number>;
  /** Partnerships (by retailer index) with oversell protection off. */
  unprotected?: number[];
}

export interface StockNetwork {
  sim: ShopifySimulator;
  db: Db;
  ctx: StockContext;
  retailers: string[];
  partnershipIds: string[];
  /** Rebuilds shops and rows from scratch (call in beforeEach). */
  reset(options: NetworkOptions): Promise<void>;
  /** What a shop's storefront shows for a SKU. */
  available(shop: string, sku: string): number;
  /** A merchant edits a count in their own admin (no Tandem involved). */
  setStockDirectly(shop: string, sku: string, quantity: number): Promise<void>;
  /** A storefront checkout at `shop`, returned as the oversell job's input. */
  order(shop: string, lines: Record<string, number>): OversellInput;
  close(): Promise<void>;
}

export async function startStockNetwork(label: string): Promise<StockNetwork> {
  const sim = await startShopifySimulator({ latencyMs: 0 });
  const database: TestDatabase = await createTestDatabase(label);
  const { db } = database;
  const network: StockNetwork = {
    sim,
    db,
    ctx: { ...createSyncContext(db), lock: inMemoryStockLock() },
    retailers: [],
    partnershipIds: [],
    async reset(options) {
      sim.reset();
      await db.$executeRawUnsafe('TRUNCATE "Shop", "WebhookEvent" CASCADE');
      network.ctx = { ...createSyncContext(db), lock: inMemoryStockLock() };
      network.retailers = Array.from({ length: options.retailers }, (_, i) => `retailer-${i + 1}.myshopify.com`);
      const products = Object.entries(options.stock).map(([sku, available]) => ({ title: `Product ${sku}`, variants: [{ sku, price: '10.00', available }] }));
      const domains = [SUPPLIER, ...network.retailers];
      const connections = new Map<string, string>();
      const shopIds = new Map<string, string>();
      for (const domain of domains) {
        sim.createShop({ domain });
        sim.seedProducts(domain, products);
        const shop = await db.shop.create({ data: { domain, role: domain === SUPPLIER ? 'SUPPLIER' : 'RETAILER' } });
        shopIds.set(domain, shop.id);
        const connection = await db.connection.create({
          data: {
            shopId: shop.id,
            platform: 'shopify',
            externalAccount: domain,
            credentials: sealCredentials({ accessToken: sim.issueToken(domain).access_token }),
            config: { shop: domain, baseUrlOverride: sim.url },
          },
        });
        connections.set(domain, connection.id);
      }
      const supplierVariants = new Map<string, string>();
      for (const product of sim.products(SUPPLIER)) {
        for (const v of product.variants) {
          const row = await db.sourceVariant.create({
            data: {
              connectionId: connections.get(SUPPLIER)!,
              externalProductId: product.id,
              externalVariantId: v.id,
              inventoryItemId: v.inventoryItemId,
              sku: v.sku,
              productTitle: product.title,
              price: v.price,
              available: v.available,
              contentHash: `hash-${v.sku}`,
            },
          });
          supplierVariants.set(v.sku!, row.id);
        }
      }
      network.partnershipIds = [];
      for (const [index, domain] of network.retailers.entries()) {
        const partnership = await db.partnership.create({
          data: {
            supplierShopId: shopIds.get(SUPPLIER)!,
            retailerShopId: shopIds.get(domain)!,
            invitedByShopId: shopIds.get(SUPPLIER)!,
            status: 'ACTIVE',
            oversellProtection: !(options.unprotected ?? []).includes(index),
            sourceConnectionId: connections.get(SUPPLIER)!,
          },
        });
        network.partnershipIds.push(partnership.id);
        for (const product of sim.products(domain)) {
          for (const v of product.variants) {
            await db.listing.create({
              data: {
                partnershipId: partnership.id,
                sourceVariantId: supplierVariants.get(v.sku!)!,
                partnerProductId: product.id,
                partnerVariantId: v.id,
                partnerInventoryItemId: v.inventoryItemId,
                partnerSku: v.sku,
                approval: 'APPROVED',
                lastPushedQuantity: v.available,
                observedQuantity: v.available,
                lastSyncedAt: new Date(),
              },
            });
          }
        }
      }
    },
    available(shop, sku) {
      const rows = sim.inventoryBySku(shop, sku);
      if (rows.length !== 1) throw new Error(`${shop} has ${rows.length} rows for ${sku}`);
      return rows[0]!.available;
    },
    async setStockDirectly(shop, sku, quantity) {
      const connection = await db.connection.findFirstOrThrow({ where: { externalAccount: shop } });
      const connector = await stockConnector(network.ctx, connection);
      const row = sim.inventoryBySku(shop, sku)[0]!;
      await connector.writeInventory([{ variant: { variantId: row.variantId, inventoryItemId: row.inventoryItemId }, quantity }]);
    },
    order(shop, lines) {
      const placed = sim.placeOrder(shop, { lineItems: Object.entries(lines).map(([sku, quantity]) => ({ sku, quantity })) });
      return {
        shopDomain: shop,
        order: {
          externalId: placed.id,
          tags: placed.tags,
          externalReference: placed.sourceIdentifier,
          lineItems: placed.lineItems.map((li) => ({ sku: li.sku, quantity: li.quantity, variantExternalId: sim.inventoryBySku(shop, li.sku!)[0]!.variantId })),
        },
      };
    },
    async close() {
      await sim.close();
      await database.drop();
    },
  };
  return network;
}
