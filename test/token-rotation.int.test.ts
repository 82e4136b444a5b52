// Two workers share one connection whose access token has expired. Each holds its own credential
// store over the same Connection row (as two processes would), and both call the platform at once.
// The refresh must happen once, under the row lock, and the newest refresh token must be the one
// stored: Xero and Lightspeed rotate refresh tokens on every use (Lightspeed revokes the used one at
// once), so a lost or stale token means the merchant has to reconnect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import xero from '../connectors/xero/index.ts';
import { XeroConfig } from '../connectors/xero/manifest.ts';
import lightspeed from '../connectors/lightspeed/index.ts';
import { LightspeedConfig } from '../connectors/lightspeed/manifest.ts';
import { unlimitedBudget } from '../connectors/sdk/budget.ts';
import { requireCapability, silentLogger } from '../connectors/sdk/connector.ts';
import type { Sku } from '../connectors/sdk/types.ts';
import { connectionCredentials, sealCredentials } from '../app/sync/connections.server.ts';
import { startLightspeedSimulator, type LightspeedSimulator } from '../simulators/lightspeed/index.ts';
import { startXeroSimulator, type XeroSimulator } from '../simulators/xero/index.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';

let database: TestDatabase;
let shopId: string;

beforeAll(async () => {
  database = await createTestDatabase('token_rotation');
  shopId = (await database.db.shop.create({ data: { domain: 'supplier.myshopify.com' } })).id;
});
afterAll(() => database.drop());

const expired = () => new Date(Date.now() - 60_000).toISOString();

/** Counts calls to the token endpoint, per worker. */
function tokenCounter(path: RegExp) {
  const calls = { token: 0 };
  const fetchCounting: typeof fetch = (input, init) => {
    if (path.test(String(input instanceof Request ? input.url : input))) calls.token++;
    return fetch(input, init);
  };
  return { calls, fetch: fetchCounting };
}

describe('when two workers find a Xero connection’s token expired at the same moment', () => {
  let sim: XeroSimulator;
  beforeAll(async () => {
    sim = await startXeroSimulator({ latencyMs: 0 });
  });
  afterAll(() => sim.close());

  it('refreshes once and both workers carry on with the pair stored in the database', async () => {
    const tokens = sim.connect();
    const connection = await database.db.connection.create({
      data: {
        shopId,
        platform: 'xero',
        externalAccount: sim.tenantId,
        credentials: sealCredentials({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: expired(), apiSecret: sim.clientSecret }),
      },
    });
    // Xero is slow to answer the first refresh, so the second worker reads the expired token
    // before the first one has stored the new pair.
    sim.faults.add({ route: '^POST /connect/token$', delayMs: 300, times: 1 });
    const workers = [tokenCounter(/\/connect\/token$/), tokenCounter(/\/connect\/token$/)];
    const customers = workers.map((w) =>
      requireCapability(
        xero.create(XeroConfig.parse({ tenantId: sim.tenantId, clientId: sim.clientId }), {
          budget: unlimitedBudget,
          credentials: connectionCredentials(database.db, connection.id),
          logger: silentLogger,
          baseUrlOverride: sim.url,
          fetch: w.fetch,
        }),
        'customers.read',
      ),
    );

    const found = await Promise.all(customers.map((c, i) => c.findCustomer({ accountId: `RET-${i}` })));

    expect(found).toEqual([null, null]);
    expect(workers.map((w) => w.calls.token).reduce((a, b) => a + b)).toBe(1);
    const stored = await connectionCredentials(database.db, connection.id).get();
    expect(stored.refreshToken).not.toBe(tokens.refresh_token);
    expect(sim.state.refreshTokens.get(stored.refreshToken!)?.usedAtMs).toBeUndefined();
    expect(sim.state.refreshTokens.get(tokens.refresh_token)?.usedAtMs).toBeDefined();
    expect(sim.state.requests.map((r) => r.status)).toEqual([200, 200]);
  });
});

describe('when two workers find a Lightspeed connection’s token refused at the same moment', () => {
  let sim: LightspeedSimulator;
  beforeAll(async () => {
    sim = await startLightspeedSimulator({ latencyMs: 0 });
  });
  afterAll(() => sim.close());

  it('refreshes once, so neither spends the revoked refresh token, and stores the live pair', async () => {
    const made = sim.createRetailer({ domainPrefix: 'acme' });
    sim.seedProduct('acme', { name: 'Tote', sku: 'TOTE', price_excluding_tax: 15, inventory: 4 });
    const connection = await database.db.connection.create({
      data: {
        shopId,
        platform: 'lightspeed-x',
        externalAccount: 'acme',
        credentials: sealCredentials({ accessToken: made.accessToken, refreshToken: made.refreshToken, apiSecret: sim.oauthApp.clientSecret }),
      },
    });
    // Tandem does not know the expiry: Lightspeed answers 401 to both workers' first calls.
    sim.expireAccessTokens('acme');
    sim.faults.add({ route: '^POST .*/api/1\\.0/token$', delayMs: 300, times: 1 });
    const workers = [tokenCounter(/\/api\/1\.0\/token$/), tokenCounter(/\/api\/1\.0\/token$/)];
    const readers = workers.map((w) =>
      requireCapability(
        lightspeed.create(LightspeedConfig.parse({ domainPrefix: 'acme', clientId: sim.oauthApp.clientId }), {
          budget: unlimitedBudget,
          credentials: connectionCredentials(database.db, connection.id),
          logger: silentLogger,
          baseUrlOverride: sim.url,
          fetch: w.fetch,
        }),
        'products.read',
      ),
    );

    const found = await Promise.all(readers.map((r) => r.findVariantsBySku(['TOTE' as Sku])));

    expect(found.map((m) => [...m.values()].flat().map((v) => v.sku))).toEqual([['TOTE'], ['TOTE']]);
    expect(workers.map((w) => w.calls.token).reduce((a, b) => a + b)).toBe(1);
    const issued = sim.state.retailer('acme')!.tokens;
    expect(issued.map((t) => t.revoked)).toEqual([true, false]);
    const stored = await connectionCredentials(database.db, connection.id).get();
    expect([stored.accessToken, stored.refreshToken]).toEqual([issued[1].accessToken, issued[1].refreshToken]);
  });
});
