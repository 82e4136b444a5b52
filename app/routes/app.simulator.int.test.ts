// The same first open as app.int.test.ts, against the Shopify simulator (simulators/shopify): the
// token exchange and the afterAuth GraphQL query must satisfy a faithful stand-in, not only ours.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSessionToken, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { requireCapability } from '../../connectors/sdk/connector.ts';
import { Sku } from '../../connectors/sdk/types.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { useDatabase } from '../db.server.ts';
import { env, resetEnvCache } from '../env.server.ts';
import { createSyncContext } from '../sync/connections.server.ts';
import { startAdminSimulator } from '../../test/support/admin-simulator.ts';

const SHOP = 'retailer-sim.myshopify.com';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

let t: TestDatabase;
let shopify: ShopifySimulator;

beforeAll(async () => {
  shopify = await startAdminSimulator([{ domain: SHOP, name: 'Retailer Sim', timezone: 'America/Toronto' }]);
  process.env.SHOPIFY_ADMIN_ORIGIN = shopify.url;
  resetEnvCache();
  t = await createTestDatabase('embedded_sim');
  useDatabase(t.db);
});
afterAll(async () => {
  await t.drop();
  await shopify.close();
  delete process.env.SHOPIFY_ADMIN_ORIGIN;
  resetEnvCache();
});

describe('when a merchant opens the embedded app against the Shopify simulator', () => {
  it('gets an offline token from the simulator and records the shop with its time zone', async () => {
    const { loader } = await import('./app._index.tsx');
    const host = Buffer.from(`${SHOP}/admin`).toString('base64url');
    const idToken = mintSessionToken(shopify.sim, SHOP);
    const url = `http://localhost:3000/app?shop=${SHOP}&host=${host}&embedded=1&id_token=${idToken}`;

    const data = await loader({ request: new Request(url, { headers: { 'User-Agent': BROWSER } }), params: {}, context: {} });

    expect(data).toMatchObject({ shopName: 'Retailer Sim', domain: SHOP });
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(shop).toMatchObject({ timezone: 'America/Toronto', email: `owner@${SHOP}` });
    expect(await t.db.session.count({ where: { shop: SHOP, refreshToken: { not: null } } })).toBe(1);
  });
});

describe('when the shop has installed Tandem', () => {
  // Imported late, like the loader above: shopify.server.ts reads SHOPIFY_ADMIN_ORIGIN when loaded.
  const offlineSession = async () => (await import('../shopify.server.ts')).sessionStorage.loadSession(`offline_${SHOP}`);
  const storeConnector = async () => {
    const connection = await t.db.connection.findFirstOrThrow({ where: { externalAccount: SHOP, platform: 'shopify' } });
    const ctx = createSyncContext(t.db, { baseUrlOverrides: { shopify: shopify.url } });
    return requireCapability(await ctx.connectorFor(connection), 'products.read');
  };

  it('connects its own store for the sync engine, with no copy of the token', async () => {
    const connection = await t.db.connection.findFirstOrThrow({ where: { externalAccount: SHOP } });
    expect(connection).toMatchObject({ platform: 'shopify', status: 'ACTIVE', config: { shop: SHOP, clientId: env().SHOPIFY_API_KEY } });
    const session = await offlineSession();
    expect(connection.credentials).not.toContain(session!.accessToken!);

    shopify.seedProducts(SHOP, [{ title: 'Enamel Mug', variants: [{ sku: 'MUG-1', price: '6.50', available: 4 }] }]);
    const found = await (await storeConnector()).findVariantsBySku([Sku.parse('MUG-1')]);
    expect(found.get(Sku.parse('MUG-1'))?.map((v) => v.available)).toEqual([4]);
  });

  it('refreshes an expired token once and leaves the new pair in the app’s session', async () => {
    const before = await offlineSession();
    // Two hours later: the hour-long offline token has expired, the refresh token has not.
    shopify.clock.advance(2 * 3_600_000);
    try {
      const found = await (await storeConnector()).findVariantsBySku([Sku.parse('MUG-1')]);
      expect(found.get(Sku.parse('MUG-1'))).toHaveLength(1);
    } finally {
      shopify.clock.reset();
    }
    const after = await offlineSession();
    expect(after!.accessToken).not.toBe(before!.accessToken);
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(shopify.sim.state.tokens.has(after!.accessToken!)).toBe(true);
    expect(shopify.sim.state.refreshTokens.has(before!.refreshToken!)).toBe(false);
  });
});

describe('when the shop installs Tandem again', () => {
  it('reactivates its store connection and keeps the stock location the merchant chose', async () => {
    const { connectInstalledStore } = await import('../sync/shop-lifecycle.server.ts');
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    const before = await t.db.connection.findFirstOrThrow({ where: { shopId: shop.id, platform: 'shopify' } });
    await t.db.connection.update({ where: { id: before.id }, data: { status: 'DISCONNECTED', config: { ...(before.config as object), locationId: 'gid://shopify/Location/2' } } });

    const after = await connectInstalledStore(t.db, { shop, offlineSessionId: `offline_${SHOP}`, clientId: env().SHOPIFY_API_KEY });

    expect(after).toMatchObject({ id: before.id, status: 'ACTIVE', config: { shop: SHOP, clientId: env().SHOPIFY_API_KEY, locationId: 'gid://shopify/Location/2' } });
    expect(await t.db.connection.count({ where: { shopId: shop.id } })).toBe(1);
  });
});

describe('when the simulator plays the admin (demo and test mode)', () => {
  it('lets the simulator’s admin page frame the app, besides the shop and admin.shopify.com', async () => {
    const { addDocumentResponseHeaders } = await import('../shopify.server.ts');
    const headers = new Headers();
    addDocumentResponseHeaders(new Request(`http://localhost:3000/app?shop=${SHOP}&embedded=1`), headers);
    expect(headers.get('Content-Security-Policy')).toBe(
      `frame-ancestors ${shopify.url} https://${SHOP} https://admin.shopify.com https://*.spin.dev https://admin.myshopify.io https://admin.shop.dev;`,
    );
  });

  it('loads App Bridge from the simulator’s stand-in instead of Shopify’s CDN', async () => {
    const { appBridgeScriptUrl } = await import('../shopify.server.ts');
    expect(appBridgeScriptUrl()).toBe(shopify.appBridgeUrl);
  });
});
