// Test support: a WooCommerce simulator site seeded for the connector's tests, and a connector
// pointed at it. Used only by this folder's *.int.test.ts files.
import { createWooConnector } from './index.ts';
import { memoryCredentials, silentLogger, type ConnectorDeps } from '../sdk/connector.ts';
import { unlimitedBudget } from '../sdk/budget.ts';
import { startWooCommerceSimulator, type WooCommerceSimulator } from '../../simulators/woocommerce/index.ts';

export const SITE = 'supplier';
export const KEY = 'ck_tandem_test';
export const SECRET = 'cs_tandem_test';
export const WEBHOOK_SECRET = 'whsec_tandem_test';
/** Simple products seeded besides the tote, shirt and mugs: enough for two pages and two batches. */
export const BULK = 120;

export async function startSite(): Promise<WooCommerceSimulator> {
  const sim = await startWooCommerceSimulator({ latencyMs: 0 });
  seedSite(sim);
  return sim;
}

export function seedSite(sim: WooCommerceSimulator) {
  sim.state.reset();
  sim.faults.clear();
  sim.createSite({ id: SITE, consumerKey: KEY, consumerSecret: SECRET });
  sim.seedProduct(SITE, { name: 'Canvas Tote', sku: 'TOTE', regular_price: '15.00', stock_quantity: 20 });
  const shirt = sim.seedProduct(SITE, {
    name: 'Linen Shirt',
    sku: 'SHIRT',
    attributes: [{ id: 0, name: 'Size', options: ['S', 'M'], variation: true, visible: true }],
    variations: [
      { sku: 'SHIRT-S', regular_price: '40.00', stock_quantity: 5, attributes: [{ id: 0, name: 'Size', option: 'S' }] },
      { sku: 'SHIRT-M', regular_price: '42.00', sale_price: '38.00', stock_quantity: 7, attributes: [{ id: 0, name: 'Size', option: 'M' }] },
    ],
  });
  sim.seedProduct(SITE, { name: 'Stoneware Mug', sku: 'MUG-DUP', regular_price: '9.00', stock_quantity: 30 });
  const copy = sim.seedProduct(SITE, { name: 'Stoneware Mug (imported)', sku: 'MUG-COPY', regular_price: '9.00', stock_quantity: 4 });
  // WooCommerce refuses a duplicate SKU through the API, but CSV imports and plugins write the
  // `_sku` meta directly: that is how stores end up with duplicates, so the seed writes it directly too.
  copy.product.sku = 'MUG-DUP';
  for (let i = 1; i <= BULK; i++) {
    sim.seedProduct(SITE, { name: `Bulk Item ${i}`, sku: `BULK-${i}`, regular_price: '2.50', stock_quantity: i });
  }
  return { shirtId: shirt.product.id, shirtVariationIds: shirt.variations.map((v) => v.id) };
}

export function connectTo(sim: WooCommerceSimulator, deps: Partial<ConnectorDeps> = {}) {
  return createWooConnector(
    { siteUrl: `${sim.url}/sites/${SITE}`, orderLookbackDays: 14 },
    {
      budget: unlimitedBudget,
      credentials: memoryCredentials({ apiKey: KEY, apiSecret: SECRET, webhookSecret: WEBHOOK_SECRET }),
      logger: silentLogger,
      ...deps,
    },
  );
}
