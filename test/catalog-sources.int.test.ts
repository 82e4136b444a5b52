// The catalog source need not be Shopify: a supplier selling on WooCommerce, BigCommerce or
// Lightspeed X-Series feeds a retailer's Shopify through the same engine (issue 5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from '../simulators/shopify/index.ts';
import { startWooCommerceSimulator } from '../simulators/woocommerce/index.ts';
import { startBigCommerceSimulator } from '../simulators/bigcommerce/index.ts';
import { startLightspeedSimulator } from '../simulators/lightspeed/index.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { createSyncContext, sealCredentials } from '../app/sync/connections.server.ts';
import { syncCatalogToPartner } from '../app/sync/listings.server.ts';
import { approveListings } from '../app/sync/approvals.server.ts';
import { pushInventory } from '../app/sync/inventory-push.server.ts';

interface Source {
  platform: string;
  externalAccount: string;
  credentials: Record<string, string>;
  config: Record<string, unknown>;
  close(): Promise<void>;
}

/** Each source platform's simulator holding the same two products: TOTE (20), and SHIRT-S (5) / SHIRT-M (7). */
const sources: Record<string, () => Promise<Source>> = {
  async woocommerce() {
    const sim = await startWooCommerceSimulator({ latencyMs: 0 });
    sim.createSite({ id: 'acme', consumerKey: 'ck_acme', consumerSecret: 'cs_acme' });
    sim.seedProduct('acme', { name: 'Canvas Tote', sku: 'TOTE', regular_price: '15.00', stock_quantity: 20 });
    sim.seedProduct('acme', {
      name: 'Linen Shirt',
      sku: 'SHIRT',
      attributes: [{ id: 0, name: 'Size', options: ['S', 'M'], variation: true, visible: true }],
      variations: [
        { sku: 'SHIRT-S', regular_price: '40.00', stock_quantity: 5, attributes: [{ id: 0, name: 'Size', option: 'S' }] },
        { sku: 'SHIRT-M', regular_price: '42.00', stock_quantity: 7, attributes: [{ id: 0, name: 'Size', option: 'M' }] },
      ],
    });
    return {
      platform: 'woocommerce',
      externalAccount: `${sim.url}/sites/acme`,
      credentials: { apiKey: 'ck_acme', apiSecret: 'cs_acme' },
      config: { siteUrl: `${sim.url}/sites/acme` },
      close: () => sim.close(),
    };
  },
  async bigcommerce() {
    const sim = await startBigCommerceSimulator({ latencyMs: 0 });
    sim.createStore({ hash: 'acme', accessToken: 'bc-acme' });
    sim.seedProduct('acme', { name: 'Canvas Tote', sku: 'TOTE', price: 15, inventory_level: 20 });
    sim.seedProduct('acme', {
      name: 'Linen Shirt',
      sku: 'SHIRT',
      price: 40,
      variants: [
        { sku: 'SHIRT-S', inventory_level: 5, option_values: [{ option_display_name: 'Size', label: 'S' }] },
        { sku: 'SHIRT-M', price: 42, inventory_level: 7, option_values: [{ option_display_name: 'Size', label: 'M' }] },
      ],
    });
    return {
      platform: 'bigcommerce',
      externalAccount: 'acme',
      credentials: { accessToken: 'bc-acme' },
      config: { storeHash: 'acme', locationId: 1, baseUrlOverride: sim.url },
      close: () => sim.close(),
    };
  },
  async lightspeed() {
    const sim = await startLightspeedSimulator({ latencyMs: 0 });
    const { accessToken, refreshToken } = sim.createRetailer({ domainPrefix: 'acme' });
    sim.seedProduct('acme', { name: 'Canvas Tote', price_excluding_tax: 15, variants: [{ sku: 'TOTE', price_excluding_tax: 15, inventory: 20, variant_options: [] }] });
    sim.seedProduct('acme', {
      name: 'Linen Shirt',
      price_excluding_tax: 40,
      variants: [
        { sku: 'SHIRT-S', price_excluding_tax: 40, inventory: 5, variant_options: [{ name: 'Size', value: 'S' }] },
        { sku: 'SHIRT-M', price_excluding_tax: 42, inventory: 7, variant_options: [{ name: 'Size', value: 'M' }] },
      ],
    });
    return {
      platform: 'lightspeed-x',
      externalAccount: 'acme',
      credentials: { accessToken, refreshToken, apiSecret: sim.oauthApp.clientSecret },
      config: { domainPrefix: 'acme', clientId: sim.oauthApp.clientId, baseUrlOverride: sim.url },
      close: () => sim.close(),
    };
  },
};

let t: TestDatabase;
let shopify: ShopifySimulator;

beforeAll(async () => {
  t = await createTestDatabase('sources');
  shopify = await startShopifySimulator({ latencyMs: 0 });
});
afterAll(async () => {
  await shopify.close();
  await t.drop();
});

describe.each(Object.keys(sources))('when the supplier sells on %s', (platform) => {
  let source: Source;
  let partnershipId: string;
  let retailerShopId: string;
  const retailerDomain = `retailer-of-${platform}.myshopify.com`;

  beforeAll(async () => {
    source = await sources[platform]();
    const supplier = await t.db.shop.create({ data: { domain: `supplier-${platform}.myshopify.com`, role: 'SUPPLIER' } });
    const sourceConnection = await t.db.connection.create({
      data: { shopId: supplier.id, platform: source.platform, externalAccount: source.externalAccount, credentials: sealCredentials(source.credentials), config: source.config as object, purposes: ['catalog_source'] },
    });
    shopify.createShop({ domain: retailerDomain });
    const retailer = await t.db.shop.create({ data: { domain: retailerDomain, role: 'RETAILER' } });
    retailerShopId = retailer.id;
    const target = await t.db.connection.create({
      data: {
        shopId: retailer.id,
        platform: 'shopify',
        externalAccount: retailerDomain,
        credentials: sealCredentials({ accessToken: shopify.issueToken(retailerDomain).access_token }),
        config: { shop: retailerDomain, baseUrlOverride: shopify.url },
      },
    });
    const partnership = await t.db.partnership.create({
      data: {
        supplierShopId: supplier.id,
        retailerShopId: retailer.id,
        invitedByShopId: supplier.id,
        status: 'ACTIVE',
        pricingRule: { markupPercent: 100 },
        sourceConnectionId: sourceConnection.id,
        targetConnectionId: target.id,
      },
    });
    partnershipId = partnership.id;
  });
  afterAll(async () => source.close());

  it('creates the products unpublished at the retailer, priced by the rule, waiting for approval', async () => {
    const run = await syncCatalogToPartner(createSyncContext(t.db), partnershipId, { mode: 'FULL', trigger: 'manual' });
    expect(run.errors).toEqual([]);
    const products = shopify.products(retailerDomain);
    expect(products.map((p) => p.status)).toEqual(['DRAFT', 'DRAFT']);
    const prices = Object.fromEntries(products.flatMap((p) => p.variants.map((v) => [v.sku, v.price])));
    expect(prices).toEqual({ TOTE: '30.00', 'SHIRT-S': '80.00', 'SHIRT-M': '84.00' });
    const listings = await t.db.listing.findMany({ where: { partnershipId } });
    expect(listings.map((l) => l.approval)).toEqual(['PENDING', 'PENDING', 'PENDING']);
  });

  it('once approved, shows the supplier platform\'s stock at the retailer', async () => {
    const ctx = createSyncContext(t.db);
    const listings = await t.db.listing.findMany({ where: { partnershipId } });
    await approveListings(ctx, retailerShopId, listings.map((l) => l.id));
    await pushInventory(ctx, partnershipId, { mode: 'FULL', trigger: 'manual' });
    const stock = Object.fromEntries(['TOTE', 'SHIRT-S', 'SHIRT-M'].map((sku) => [sku, shopify.inventoryBySku(retailerDomain, sku)[0]?.available]));
    expect(stock).toEqual({ TOTE: 20, 'SHIRT-S': 5, 'SHIRT-M': 7 });
    expect(shopify.products(retailerDomain).map((p) => p.status)).toEqual(['ACTIVE', 'ACTIVE']);
  });
});
