import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLightspeedSimulator, type LightspeedSimulator } from '../../simulators/lightspeed/index.ts';
import type { Budget, RateLimitPolicy } from '../sdk/budget.ts';
import { describeConnectorConformance } from '../sdk/conformance.ts';
import { memoryCredentials, requireCapability, silentLogger, type Connector, type CredentialStore } from '../sdk/connector.ts';
import type { ConnectorError } from '../sdk/errors.ts';
import { createMemoryBudget } from '../sdk/memory-budget.ts';
import type { Sku } from '../sdk/types.ts';
import lightspeed from './index.ts';
import { LightspeedConfig, manifest } from './manifest.ts';
import { signLightspeedWebhook } from './webhooks.ts';

const PREFIX = 'acme';
const sku = (s: string) => s as Sku;

interface Wiring {
  credentials?: CredentialStore;
  budget?: Budget;
  fetch?: typeof fetch;
}

function storeCredentials(sim: LightspeedSimulator, tokens: { accessToken: string; refreshToken: string }, expiresAt?: string): CredentialStore {
  return memoryCredentials({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, apiSecret: sim.oauthApp.clientSecret, ...(expiresAt ? { expiresAt } : {}) });
}

function connect(sim: LightspeedSimulator, credentials: CredentialStore, wiring: Wiring = {}): Connector {
  return lightspeed.create(LightspeedConfig.parse({ domainPrefix: PREFIX, clientId: sim.oauthApp.clientId }), {
    budget: wiring.budget ?? createMemoryBudget(manifest.rateLimit),
    credentials,
    logger: silentLogger,
    baseUrlOverride: sim.url,
    fetch: wiring.fetch,
  });
}

function seedCatalog(sim: LightspeedSimulator, families: number) {
  for (let i = 1; i <= families; i++) {
    sim.seedProduct(PREFIX, {
      name: `Tee ${i}`,
      price_excluding_tax: 10,
      variants: [
        { sku: `P${i}-S`, price_excluding_tax: 10, inventory: 5, variant_options: [{ name: 'Size', value: 'S' }] },
        { sku: `P${i}-M`, price_excluding_tax: 12, inventory: 5, variant_options: [{ name: 'Size', value: 'M' }] },
      ],
    });
  }
}

/** X-Series refuses a second product with a SKU today; older stores still hold such pairs. */
function seedDuplicateSku(sim: LightspeedSimulator, duplicate: string) {
  sim.seedProduct(PREFIX, { name: 'Twin A', sku: duplicate, price_excluding_tax: 4, inventory: 1 });
  const [b] = sim.seedProduct(PREFIX, { name: 'Twin B', sku: `${duplicate}-B`, price_excluding_tax: 4, inventory: 1 });
  b.sku = duplicate;
}

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  return promise.then(
    () => expect.unreachable('the call should fail'),
    (err: unknown) => err as ConnectorError,
  );
}

/** Counts token-endpoint calls; everything else passes through untouched. */
function countingFetch() {
  const calls = { token: 0 };
  const wrapped: typeof fetch = (input, init) => {
    if (String(input instanceof Request ? input.url : input).endsWith('/api/1.0/token')) calls.token++;
    return fetch(input, init);
  };
  return { calls, fetch: wrapped };
}

/** Counts what the budget let through and checks every spent slot is released. */
function countingBudget(policy: RateLimitPolicy = manifest.rateLimit) {
  const inner = createMemoryBudget(policy);
  const stats = { spends: 0, releases: 0 };
  const budget: Budget = {
    async spend(units, opts) {
      const result = await inner.spend(units, opts);
      stats.spends++;
      return result;
    },
    async release() {
      stats.releases++;
    },
    refund: (u) => inner.refund(u),
    observe: (s) => inner.observe(s),
    usage: () => inner.usage(),
  };
  return { budget, stats };
}

/** What the store's own register does to a sale, through the vendor API with the store's token. */
async function storeCall(sim: LightspeedSimulator, accessToken: string, method: string, path: string, body: unknown) {
  const res = await fetch(`${sim.apiBase(PREFIX)}${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

describeConnectorConformance('Lightspeed X-Series', async () => {
  const sim = await startLightspeedSimulator({ latencyMs: 0 });
  const made = sim.createRetailer({ domainPrefix: PREFIX });
  seedCatalog(sim, 20);
  seedDuplicateSku(sim, 'TWIN');
  return {
    connector: connect(sim, storeCredentials(sim, made)),
    fixtures: { knownSku: sku('P1-S'), duplicateSku: sku('TWIN'), minimumProducts: 22, newCustomerEmail: 'buyer@retail.example' },
    signWebhook: (_type, body) => ({ 'content-type': 'application/x-www-form-urlencoded', 'x-signature': signLightspeedWebhook(body, sim.oauthApp.clientSecret) }),
    sampleWebhook: {
      topic: 'sale.update',
      body: new URLSearchParams({ type: 'sale.update', domain_prefix: PREFIX, payload: JSON.stringify({ id: 'sale-1', version: 7, state: 'closed' }) }).toString(),
    },
    // The store completes the forwarded (pending) sale at its register.
    shipOnPlatform: (saleId) => storeCall(sim, made.accessToken, 'PUT', `/sales/${saleId}`, { state: 'closed' }),
    close: () => sim.close(),
  };
});

describe('Lightspeed connector against the simulator', () => {
  let sim: LightspeedSimulator;
  let tokens: { accessToken: string; refreshToken: string };
  let outletId: string;

  beforeAll(async () => {
    sim = await startLightspeedSimulator({ latencyMs: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.state.reset();
    sim.clock.reset();
    sim.faults.clear();
    const made = sim.createRetailer({ domainPrefix: PREFIX });
    tokens = made;
    outletId = made.retailer.outlets[0].id;
  });
  const retailer = () => sim.state.retailer(PREFIX) as NonNullable<ReturnType<LightspeedSimulator['state']['retailer']>>;

  describe('when pulling the catalog by version', () => {
    it('reads every family, then only what changed after the saved cursor', async () => {
      seedCatalog(sim, 3);
      const connector = requireCapability(connect(sim, storeCredentials(sim, tokens)), 'products.read');
      let cursor: string | null = null;
      let saved: string | null = null;
      const titles: string[] = [];
      do {
        const page: Awaited<ReturnType<typeof connector.listChangedProducts>> = await connector.listChangedProducts({ cursor });
        titles.push(...page.items.map((p) => `${p.title}: ${p.variants.map((v) => v.sku).join(',')}`));
        cursor = page.nextCursor;
        saved = cursor ?? saved;
      } while (cursor);
      expect(titles).toEqual(['Tee 1: P1-S,P1-M', 'Tee 2: P2-S,P2-M', 'Tee 3: P3-S,P3-M']);

      const changed = retailer().products.find((p) => p.sku === 'P2-M');
      sim.seedProduct(PREFIX, { name: 'Tee 4', sku: 'P4', price_excluding_tax: 9 });
      expect(changed).toBeDefined();
      const next = await connector.listChangedVariants({ cursor: saved });
      expect(next.items.map((v) => [v.sku, v.price])).toEqual([['P4', '9']]);
      const end = await connector.listChangedVariants({ cursor: next.nextCursor });
      expect(end).toEqual({ items: [], nextCursor: null });
    });
  });

  describe('when setting stock', () => {
    it('adjusts by the difference with a reason, and a repeated write adjusts nothing', async () => {
      const [variant] = sim.seedProduct(PREFIX, { name: 'Mug', sku: 'MUG', price_excluding_tax: 6, inventory: 5 });
      const connector = connect(sim, storeCredentials(sim, tokens));
      const writer = requireCapability(connector, 'inventory.write');
      const ref = { variantId: variant.id };
      expect(await writer.writeInventory([{ variant: ref, quantity: 17 }])).toEqual({ written: 1, stale: [] });
      expect(await writer.writeInventory([{ variant: ref, quantity: 17 }])).toEqual({ written: 1, stale: [] });
      await writer.writeInventory([{ variant: ref, quantity: 15 }]);
      expect(retailer().adjustments.map((a) => [a.quantity, a.reason, a.outlet_id])).toEqual([
        ['12', 'STOCK_FOUND', outletId],
        ['-2', 'INTERNAL_USE', outletId],
      ]);
      expect(await requireCapability(connector, 'inventory.read').readInventory([ref])).toEqual([{ variant: ref, locationId: outletId, available: 15 }]);
    });

    it('sends at most 1000 adjustments per call', async () => {
      sim.setLimits(PREFIX, { limit: 10_000 });
      const products = Array.from({ length: 1001 }, (_, i) => sim.seedProduct(PREFIX, { name: `Bulk ${i}`, sku: `BULK-${i}`, price_excluding_tax: 1, inventory: 0 })[0]);
      const connector = connect(sim, storeCredentials(sim, tokens), { budget: createMemoryBudget({ ...manifest.rateLimit, capacity: 10_000 }) });
      const result = await requireCapability(connector, 'inventory.write').writeInventory(products.map((p) => ({ variant: { variantId: p.id }, quantity: 3 })));
      expect(result.written).toBe(1001);
      expect(sim.requestCounts(PREFIX)['POST /stock_adjustments']).toBe(2);
      expect(Object.values(sim.stockBySku(PREFIX)).every((n) => n === 3)).toBe(true);
    });
  });

  describe('when forwarding an order as a sale', () => {
    const order = (externalReference: string, lineSku = 'MUG') => ({
      externalReference,
      currency: 'USD',
      lineItems: [{ sku: sku(lineSku), title: 'Mug', quantity: 2, price: '6.00' }],
      customer: { email: 'Shop@Retail.example', accountId: 'RET-1' },
      poNumber: 'PO-77',
    });

    it('rings up one pending sale with the reference, the customer and the SKU’s product', async () => {
      const [mug] = sim.seedProduct(PREFIX, { name: 'Mug', sku: 'MUG', price_excluding_tax: 6, inventory: 5 });
      const created = await requireCapability(connect(sim, storeCredentials(sim, tokens)), 'orders.write').createOrder(order('tandem-retail-1001'));
      const [sale] = retailer().sales;
      expect(sale).toMatchObject({ invoice_number: 'tandem-retail-1001', note: 'Tandem order tandem-retail-1001\nPO PO-77', state: 'pending' });
      expect(sale.line_items.map((l) => [l.product_id, l.quantity, l.price])).toEqual([[mug.id, 2, 6]]);
      expect(retailer().customers.map((c) => [c.email, c.customer_code, c.id])).toEqual([['Shop@Retail.example', 'RET-1', sale.customer_id]]);
      expect(created).toMatchObject({ externalId: sale.id, externalReference: 'tandem-retail-1001', lineItems: [expect.objectContaining({ sku: 'MUG', quantity: 2 })] });
      expect(sim.stockBySku(PREFIX).MUG).toBe(3);
    });

    it('returns the first sale when the job crashed after Lightspeed created it and runs again', async () => {
      sim.seedProduct(PREFIX, { name: 'Mug', sku: 'MUG', price_excluding_tax: 6, inventory: 5 });
      const first = await requireCapability(connect(sim, storeCredentials(sim, tokens)), 'orders.write').createOrder(order('tandem-retail-1001'));
      // The worker died before recording `first`; a new worker retries the same order.
      const again = await requireCapability(connect(sim, storeCredentials(sim, tokens)), 'orders.write').createOrder(order('tandem-retail-1001'));
      expect(again.externalId).toBe(first.externalId);
      expect(retailer().sales).toHaveLength(1);
      expect(retailer().customers).toHaveLength(1);
    });

    it('refuses a SKU two products share, naming it and the fix', async () => {
      seedDuplicateSku(sim, 'TWIN');
      const err = await rejection(requireCapability(connect(sim, storeCredentials(sim, tokens)), 'orders.write').createOrder(order('tandem-retail-1002', 'TWIN')));
      expect(err.code).toBe('invalid');
      expect(err.merchantMessage).toBe(
        'Lightspeed cannot take the sale for order tandem-retail-1002: 2 products share SKU TWIN. Give each product its own SKU in Lightspeed, then press Retry in Activity.',
      );
      expect(retailer().sales).toHaveLength(0);
    });
  });

  describe('when reading sales', () => {
    it('pulls sales by version with each line’s SKU, and finds a forwarded one by its reference', async () => {
      sim.seedProduct(PREFIX, { name: 'Mug', sku: 'MUG', price_excluding_tax: 6, inventory: 5 });
      sim.placeSale(PREFIX, { lines: [{ sku: 'MUG', quantity: 1 }], invoice_number: '501' });
      const connector = connect(sim, storeCredentials(sim, tokens));
      const reader = requireCapability(connector, 'orders.read');
      const page = await reader.listChangedOrders({});
      expect(page.items.map((o) => [o.name, o.lineItems.map((l) => [l.sku, l.quantity, l.price]), o.externalReference])).toEqual([['#501', [['MUG', 1, '6']], null]]);
      expect(await reader.listChangedOrders({ cursor: page.nextCursor })).toEqual({ items: [], nextCursor: null });
      expect(await reader.findOrderByReference('501')).toBeNull();
      const created = await requireCapability(connector, 'orders.write').createOrder({ externalReference: 'tandem-r-9', currency: 'USD', lineItems: [{ sku: sku('MUG'), title: 'Mug', quantity: 1, price: '6.00' }] });
      expect((await reader.findOrderByReference('tandem-r-9'))?.externalId).toBe(created.externalId);
    });

    it('names the sale and Lightspeed’s field messages when it refuses the sale', async () => {
      sim.seedProduct(PREFIX, { name: 'Mug', sku: 'MUG', price_excluding_tax: 6, inventory: 5 });
      sim.faults.add({ route: 'POST .*/sales$', status: 422, times: 1, body: { error: 'Validation failed', details: { register_id: ['register_id is not a known register'] } } });
      const err = await rejection(
        requireCapability(connect(sim, storeCredentials(sim, tokens)), 'orders.write').createOrder({ externalReference: 'tandem-r-10', currency: 'USD', lineItems: [{ sku: sku('MUG'), title: 'Mug', quantity: 1, price: '6.00' }] }),
      );
      expect(err.code).toBe('invalid');
      expect(err.merchantMessage).toBe(
        'Lightspeed refused the sale for order tandem-r-10: Validation failed; register_id: register_id is not a known register. Correct it in Lightspeed, then press Retry in Activity.',
      );
    });
  });

  describe('when Lightspeed throttles', () => {
    it('gets every call through a run of 429s, waiting out the RFC 1123 Retry-After, each attempt paid for', async () => {
      seedCatalog(sim, 4);
      sim.setLimits(PREFIX, { limit: 3, windowMs: 1000 });
      const { budget, stats } = countingBudget();
      const reader = requireCapability(connect(sim, storeCredentials(sim, tokens), { budget }), 'products.read');
      const skus = ['P1-S', 'P1-M', 'P2-S', 'P2-M', 'P3-S', 'P3-M', 'P4-S', 'P4-M'].map(sku);
      const found = await Promise.all(skus.map((s) => reader.findVariantsBySku([s])));
      expect(found.map((m, i) => m.get(skus[i])?.map((v) => v.sku))).toEqual(skus.map((s) => [s]));
      const statuses = retailer().requests.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(8);
      expect(statuses.some((s) => s === 429)).toBe(true);
      expect(stats.spends).toBe(retailer().requests.length);
      expect(stats.releases).toBe(stats.spends);
    }, 20_000);
  });

  describe('when the access token expires', () => {
    it('refreshes once when two calls race after Lightspeed expired the token, and keeps the newest refresh token', async () => {
      seedCatalog(sim, 1);
      const credentials = storeCredentials(sim, tokens);
      sim.expireAccessTokens(PREFIX);
      const counted = countingFetch();
      const reader = requireCapability(connect(sim, credentials, { fetch: counted.fetch }), 'products.read');
      const [a, b] = await Promise.all([reader.findVariantsBySku([sku('P1-S')]), reader.findVariantsBySku([sku('P1-M')])]);
      expect([a.get(sku('P1-S'))?.length, b.get(sku('P1-M'))?.length]).toEqual([1, 1]);
      expect(counted.calls.token).toBe(1);
      const stored = await credentials.get();
      const issued = retailer().tokens;
      expect(issued).toHaveLength(2);
      expect(stored.refreshToken).toBe(issued[1].refreshToken);
      expect(issued.map((t) => t.revoked)).toEqual([true, false]);
    });

    it('refreshes before calling when the stored expiry has passed, once for racing calls', async () => {
      seedCatalog(sim, 1);
      const credentials = storeCredentials(sim, tokens, new Date(Date.now() - 1000).toISOString());
      const counted = countingFetch();
      const reader = requireCapability(connect(sim, credentials, { fetch: counted.fetch }), 'products.read');
      await Promise.all([reader.findVariantsBySku([sku('P1-S')]), reader.findVariantsBySku([sku('P1-M')])]);
      expect(counted.calls.token).toBe(1);
      expect(retailer().requests.map((r) => r.status)).toEqual([200, 200]);
      expect(Date.parse((await credentials.get()).expiresAt as string)).toBeGreaterThan(Date.now());
    });

    it('asks the merchant to reconnect when the refresh token was revoked', async () => {
      const credentials = storeCredentials(sim, { accessToken: 'gone', refreshToken: 'revoked' });
      const err = await rejection(requireCapability(connect(sim, credentials), 'products.read').findVariantsBySku([sku('X')]));
      expect(err.code).toBe('auth_expired');
      expect(err.merchantMessage).toBe('Lightspeed’s sign-in for this store has expired or was revoked. Reconnect Lightspeed in Connectors.');
      expect(JSON.stringify(err.toJSON())).not.toContain(sim.oauthApp.clientSecret);
    });
  });

  describe('when the store ships a forwarded sale', () => {
    it('reports a dispatch once it is fulfilled, with each line’s SKU and quantity, and no tracking (X-Series has none)', async () => {
      seedCatalog(sim, 1);
      const sale = sim.placeSale(PREFIX, { lines: [{ sku: 'P1-S', quantity: 2 }, { sku: 'P1-M', quantity: 1 }], fulfillment: 'DISPATCH' });
      const reader = requireCapability(connect(sim, storeCredentials(sim, tokens)), 'fulfillments.read');
      expect(await reader.listFulfillments(sale.id)).toEqual([]);

      await storeCall(sim, tokens.accessToken, 'POST', '/fulfillments/fulfill', { sale_id: sale.id });
      const [record] = retailer().fulfillments;
      expect(await reader.listFulfillments(sale.id)).toEqual([
        {
          externalId: record.id,
          orderExternalId: sale.id,
          createdAt: new Date(record.updated_at),
          lines: [
            { sku: 'P1-S', quantity: 2, lineExternalId: sale.line_items[0].id },
            { sku: 'P1-M', quantity: 1, lineExternalId: sale.line_items[1].id },
          ],
          carrier: null,
          trackingNumber: null,
          trackingUrl: null,
        },
      ]);
    });

    it('counts a forwarded sale the store completed without fulfilment records as shipped whole, and an open one as not shipped', async () => {
      seedCatalog(sim, 1);
      const connector = connect(sim, storeCredentials(sim, tokens));
      const order = await requireCapability(connector, 'orders.write').createOrder({
        externalReference: 'tandem-retail-2001',
        currency: 'USD',
        lineItems: [{ sku: sku('P1-M'), title: 'Tee 1', quantity: 3, price: '12.00' }],
      });
      const reader = requireCapability(connector, 'fulfillments.read');
      expect(await reader.listFulfillments(order.externalId)).toEqual([]);

      await storeCall(sim, tokens.accessToken, 'PUT', `/sales/${order.externalId}`, { state: 'closed' });
      const shipped = await reader.listFulfillments(order.externalId);
      expect(shipped.map((f) => [f.externalId, f.lines])).toEqual([[`sale-${order.externalId}`, [{ sku: 'P1-M', quantity: 3, lineExternalId: order.lineItems[0].externalId }]]]);
    });
  });

  describe('when Lightspeed calls the webhook URL', () => {
    let receiver: Server;
    let receiverUrl: string;
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];

    beforeAll(async () => {
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
          received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          res.end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/lightspeed`;
    });
    afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    beforeEach(() => {
      received.length = 0;
    });

    async function deliveriesOfASale() {
      seedCatalog(sim, 1);
      for (const type of ['sale.update', 'inventory.update']) {
        const res = await fetch(`${sim.apiBase(PREFIX)}/webhooks`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type, url: receiverUrl, active: true }),
        });
        expect(res.status).toBe(201);
      }
      const sale = sim.placeSale(PREFIX, { lines: [{ sku: 'P1-S', quantity: 2 }] });
      await sim.webhooks.drain();
      return sale;
    }

    it('verifies real deliveries and translates the sale and the stock change', async () => {
      const sale = await deliveriesOfASale();
      const verifier = requireCapability(connect(sim, storeCredentials(sim, tokens)), 'webhooks');
      const events = await Promise.all(received.map((d) => verifier.verifyWebhook(d.headers, Buffer.from(d.body))));
      const p1s = retailer().products.find((p) => p.sku === 'P1-S')!;
      const level = retailer().inventory.find((i) => i.product_id === p1s.id)!;
      expect(events).toEqual([
        { kind: 'order.updated', eventId: `sale.update:${sale.id}@${sale.version}`, shop: PREFIX, orderExternalId: sale.id },
        { kind: 'inventory.updated', eventId: `inventory.update:${level.id}@${level.version}`, shop: PREFIX, inventoryItemId: p1s.id, locationId: outletId, available: 3 },
      ]);
    });

    it.each([
      ['signed with another secret', (d: { headers: IncomingHttpHeaders; body: string }) => ({ ...d, headers: { ...d.headers, 'x-signature': signLightspeedWebhook(d.body, 'not-the-client-secret') } }), 'Lightspeed webhook for acme has a wrong signature'],
      ['altered on the way', (d: { headers: IncomingHttpHeaders; body: string }) => ({ ...d, body: d.body.replace('quantity', 'quantitz') }), 'Lightspeed webhook for acme has a wrong signature'],
      ['unsigned', (d: { headers: IncomingHttpHeaders; body: string }) => ({ ...d, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 'Lightspeed webhook for acme has no X-Signature header'],
    ])('refuses a delivery %s', async (_case, tamper, message) => {
      await deliveriesOfASale();
      const delivery = tamper(received[0]);
      const verifier = requireCapability(connect(sim, storeCredentials(sim, tokens)), 'webhooks');
      const err = await rejection(verifier.verifyWebhook(delivery.headers, Buffer.from(delivery.body)));
      expect([err.code, err.message]).toEqual(['invalid', message]);
    });

    it('refuses a delivery for another store signed with the same app secret', async () => {
      const body = new URLSearchParams({ type: 'sale.update', domain_prefix: 'other-store', payload: JSON.stringify({ id: 's-1', version: 1 }) }).toString();
      const verifier = requireCapability(connect(sim, storeCredentials(sim, tokens)), 'webhooks');
      const err = await rejection(verifier.verifyWebhook({ 'x-signature': signLightspeedWebhook(body, sim.oauthApp.clientSecret) }, body));
      expect([err.code, err.message]).toEqual(['invalid', 'Lightspeed webhook sale.update comes from other-store, not acme']);
    });

    it('ignores a customer change', async () => {
      const body = new URLSearchParams({ type: 'customer.update', payload: JSON.stringify({ id: 'c-1', version: 3 }) }).toString();
      const verifier = requireCapability(connect(sim, storeCredentials(sim, tokens)), 'webhooks');
      expect(await verifier.verifyWebhook({ 'x-signature': signLightspeedWebhook(body, sim.oauthApp.clientSecret) }, body)).toBe('ignored');
    });
  });

  describe('when customers are looked up', () => {
    it('finds a customer by account id (its customer code) before email, and by email when the code is unknown', async () => {
      const a = sim.seedCustomer(PREFIX, { customer_code: 'RET-1', email: 'a@retail.example', first_name: 'A' });
      const b = sim.seedCustomer(PREFIX, { customer_code: 'RET-2', email: 'b@retail.example', first_name: 'B' });
      const reader = requireCapability(connect(sim, storeCredentials(sim, tokens)), 'customers.read');
      const found = await Promise.all([
        reader.findCustomer({ accountId: 'RET-1' }),
        reader.findCustomer({ accountId: 'RET-1', email: 'b@retail.example' }),
        reader.findCustomer({ accountId: 'RET-9', email: 'B@Retail.example' }),
        reader.findCustomer({ accountId: 'RET-9' }),
      ]);
      expect(found.map((c) => c?.externalId ?? null)).toEqual([a.id, a.id, b.id, null]);
    });

    it('finds a customer by email whatever its case and creates none twice', async () => {
      const connector = connect(sim, storeCredentials(sim, tokens));
      const writer = requireCapability(connector, 'customers.write');
      const input = { email: 'Ada@Retail.example', accountId: 'RET-9', firstName: 'Ada', lastName: 'L', company: 'Retail Co', phone: null };
      const created = await writer.createCustomer(input);
      expect(created).toMatchObject({ email: 'Ada@Retail.example', accountId: 'RET-9', company: 'Retail Co' });
      expect((await writer.createCustomer(input)).externalId).toBe(created.externalId);
      expect((await requireCapability(connector, 'customers.read').findCustomer({ email: 'ada@retail.EXAMPLE' }))?.externalId).toBe(created.externalId);
      expect(retailer().customers).toHaveLength(1);
    });
  });
});
