// Test support: a BigCommerce simulator store seeded for the connector's tests, and a connector
// pointed at it. Used only by this folder's *.int.test.ts files.
import { startBigCommerceSimulator, type BigCommerceSimulator } from '../../simulators/bigcommerce/index.ts';
import { unlimitedBudget } from '../sdk/budget.ts';
import { memoryCredentials, silentLogger, type ConnectorDeps } from '../sdk/connector.ts';
import { createBigCommerceConnector } from './index.ts';

export const STORE = 'supplierstore';
export const TOKEN = 'bc-token-for-tests';
export const WEBHOOK_SECRET = 'bc-webhook-token-for-tests';
/** Simple products seeded besides the tote, shirt and mugs: enough for two pages of 50. */
export const BULK = 60;

export async function startStore(): Promise<BigCommerceSimulator> {
  const sim = await startBigCommerceSimulator({ latencyMs: 0, webhooks: { maxAttempts: 3, backoffMs: () => 5, timeoutMs: 2_000 } });
  seedStore(sim);
  return sim;
}

export function seedStore(sim: BigCommerceSimulator, bulk = BULK) {
  sim.state.reset();
  sim.faults.clear();
  sim.webhooks.reset();
  sim.createStore({ hash: STORE, accessToken: TOKEN });
  sim.seedProduct(STORE, { name: 'Canvas Tote', sku: 'TOTE', price: 15, inventory_level: 20 });
  sim.seedProduct(STORE, {
    name: 'Linen Shirt',
    sku: 'SHIRT',
    price: 40,
    variants: [
      { sku: 'SHIRT-S', inventory_level: 5, option_values: [{ option_display_name: 'Size', label: 'S' }] },
      { sku: 'SHIRT-M', price: 42, inventory_level: 7, option_values: [{ option_display_name: 'Size', label: 'M' }] },
    ],
  });
  sim.seedProduct(STORE, { name: 'Stoneware Mug', sku: 'MUG-DUP', price: 9, inventory_level: 30 });
  const copy = sim.seedProduct(STORE, { name: 'Stoneware Mug (imported)', sku: 'MUG-COPY', price: 9, inventory_level: 4 });
  // BigCommerce refuses a duplicate SKU on save, but stores migrated from older catalogs hold
  // some; the seed writes one directly, as the catalog would hold it.
  copy.sku = 'MUG-DUP';
  copy.variants[0].sku = 'MUG-DUP';
  for (let i = 1; i <= bulk; i++) sim.seedProduct(STORE, { name: `Bulk Item ${i}`, sku: `BULK-${i}`, price: 2.5, inventory_level: i });
}

export function connectTo(sim: BigCommerceSimulator, deps: Partial<ConnectorDeps> = {}) {
  return createBigCommerceConnector(
    { storeHash: STORE, locationId: 1 },
    {
      budget: unlimitedBudget,
      credentials: memoryCredentials({ accessToken: TOKEN, webhookSecret: WEBHOOK_SECRET }),
      logger: silentLogger,
      baseUrlOverride: sim.url,
      ...deps,
    },
  );
}
