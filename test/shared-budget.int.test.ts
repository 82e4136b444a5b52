// Three workers (three connector instances, each on its own Redis connection) share one
// connection's budget in Redis and hammer the platform at once. The budget, spent before every
// call, must keep them together under the platform's limit: the simulator never has to refuse.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBudget } from '../app/jobs/budget.server.ts';
import type { RateLimitPolicy } from '../connectors/sdk/budget.ts';
import { memoryCredentials, requireCapability, silentLogger } from '../connectors/sdk/connector.ts';
import { createWooConnector } from '../connectors/woocommerce/index.ts';
import xero from '../connectors/xero/index.ts';
import { manifest as xeroManifest, XeroConfig } from '../connectors/xero/manifest.ts';
import { startWooCommerceSimulator, type WooCommerceSimulator } from '../simulators/woocommerce/index.ts';
import { startXeroSimulator, type XeroSimulator } from '../simulators/xero/index.ts';
import { deletePrefix, testRedis, uniquePrefix } from './support/redis.ts';

let prefix: string;
let workers: Redis[];

beforeAll(() => {
  prefix = uniquePrefix('shared-budget');
  workers = [testRedis(), testRedis(), testRedis()];
});
afterAll(async () => {
  await deletePrefix(workers[0], prefix);
  await Promise.all(workers.map((r) => r.quit()));
});

describe('when three workers read one WooCommerce site whose host allows 12 requests a second', () => {
  let sim: WooCommerceSimulator;
  beforeAll(async () => {
    sim = await startWooCommerceSimulator({ latencyMs: 0 });
  });
  afterAll(() => sim.close());

  it('gets all 30 reads through with no 429, paced by a shared bucket of 5 plus 5 a second', async () => {
    sim.createSite({ id: 'supplier', consumerKey: 'ck_shared', consumerSecret: 'cs_shared', hostLimit: { requests: 12, windowMs: 1_000 } });
    const tote = sim.seedProduct('supplier', { name: 'Canvas Tote', sku: 'TOTE', regular_price: '15.00', stock_quantity: 20 }).product;
    // At most 5 + 5 calls in any second, whatever the number of workers: under the host's 12.
    const policy: RateLimitPolicy = { kind: 'token-bucket', capacity: 5, refillPerSecond: 5, unit: 'call', source: 'https://woocommerce.github.io/woocommerce-rest-api-docs/' };
    const readers = workers.map((redis) =>
      requireCapability(
        createWooConnector(
          { siteUrl: `${sim.url}/sites/supplier`, orderLookbackDays: 14 },
          {
            budget: new RedisBudget(redis, { prefix, connectionId: 'woo-connection', policy, connectorId: 'woocommerce' }),
            credentials: memoryCredentials({ apiKey: 'ck_shared', apiSecret: 'cs_shared' }),
            logger: silentLogger,
          },
        ),
        'inventory.read',
      ),
    );

    const reads = await Promise.all(readers.flatMap((reader) => Array.from({ length: 10 }, () => reader.readInventory([{ variantId: String(tote.id) }]))));

    expect(reads.map((levels) => levels.map((l) => l.available))).toEqual(Array.from({ length: 30 }, () => [20]));
    const requests = sim.state.site('supplier')!.requests;
    expect(requests.filter((r) => r.status === 429)).toEqual([]);
    expect(requests).toHaveLength(30);
  }, 30_000);
});

describe('when three workers post to one Xero organisation at once', () => {
  let sim: XeroSimulator;
  beforeAll(async () => {
    // Each call takes a while, so calls overlap and the five-in-progress limit matters.
    sim = await startXeroSimulator({ latencyMs: 40 });
  });
  afterAll(() => sim.close());

  it('never has more than five calls in progress at Xero, so Xero never answers 429 concurrent', async () => {
    const tokens = sim.connect();
    const credentials = memoryCredentials({
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiresAt: new Date(Date.now() + tokens.expires_in * 1000).toISOString(),
      apiSecret: sim.clientSecret,
    });
    const lookups = workers.map((redis) =>
      requireCapability(
        xero.create(XeroConfig.parse({ tenantId: sim.tenantId, clientId: sim.clientId }), {
          budget: new RedisBudget(redis, { prefix, connectionId: 'xero-connection', policy: xeroManifest.rateLimit, connectorId: 'xero' }),
          credentials,
          logger: silentLogger,
          baseUrlOverride: sim.url,
        }),
        'customers.read',
      ),
    );

    const found = await Promise.all(lookups.flatMap((c, w) => Array.from({ length: 6 }, (_, i) => c.findCustomer({ accountId: `RET-${w}-${i}` }))));

    expect(found).toEqual(Array.from({ length: 18 }, () => null));
    expect(sim.state.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(sim.state.requests.length).toBeGreaterThanOrEqual(18);
  }, 30_000);
});
