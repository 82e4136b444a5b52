// Issue 8, secrets: everything the app and a worker process print, at LOG_LEVEL=debug, across a run
// that installs shops through token exchange, connects a store through the Connectors screen and
// uses every connector (Shopify, WooCommerce, BigCommerce, Lightspeed, Xero with a token refresh,
// Stripe) — and none of the secrets appears in it: no access or refresh token, API key, client
// secret, Stripe key, webhook secret, the app's secret or the encryption key.
import { randomBytes } from 'node:crypto';
import { format } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabase } from '../../app/db.server.ts';
import { env, resetEnvCache } from '../../app/env.server.ts';
import { useQueues } from '../../app/jobs/app-queues.server.ts';
import { jobDefinitions } from '../../app/jobs/definitions.server.ts';
import { enqueue, requestManualRun } from '../../app/jobs/enqueue.server.ts';
import { openQueues, type Queues } from '../../app/jobs/queues.server.ts';
import { forwardedOrder, seedPartnership } from '../../app/sync/billing.fixtures.ts';
import { secrets } from '../../app/sync/crypto.server.ts';
import { mintSessionToken, startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { startStripeSimulator, type StripeSimulator } from '../../simulators/stripe/index.ts';
import { startWooCommerceSimulator, type WooCommerceSimulator } from '../../simulators/woocommerce/index.ts';
import type { XeroSimulator } from '../../simulators/xero/index.ts';
import { backOffices, connectXero, type BackOffice } from '../support/back-office.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { createPartners, productWith, type Partners } from '../support/partners.ts';
import { TEST_REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../support/redis.ts';
import { until } from '../support/until.ts';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.ts';

const redis = testRedis();
const prefix = uniquePrefix('chaos-secrets');
const ENCRYPTION_KEY = randomBytes(32).toString('base64');
const APP_SECRET = `shpss_${randomBytes(16).toString('hex')}`;
const WEBHOOK_SECRET = `whsec_${randomBytes(16).toString('hex')}`;

let t: TestDatabase;
let sim: ShopifySimulator;
let stripe: StripeSimulator;
let woo: WooCommerceSimulator;
let queues: Queues;
let worker: WorkerProcess;
const pairs: { platform: string; partners: Partners; books: BackOffice; xero: XeroSimulator; xeroConnectionId: string }[] = [];

/** What the app prints in this process (its console), kept while the run lasts. */
const appOutput: string[] = [];
const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
const originals = Object.fromEntries(consoleMethods.map((m) => [m, console[m]]));

beforeAll(async () => {
  for (const m of consoleMethods) {
    console[m] = (...args: unknown[]) => {
      appOutput.push(format(...args));
      originals[m]!.apply(console, args);
    };
  }
  Object.assign(process.env, { TANDEM_ENCRYPTION_KEY: ENCRYPTION_KEY, SHOPIFY_API_SECRET: APP_SECRET, LOG_LEVEL: 'debug', REDIS_PREFIX: prefix });
  resetEnvCache();
  sim = await startShopifySimulator({ latencyMs: 0, app: { clientId: env().SHOPIFY_API_KEY, clientSecret: APP_SECRET, scopes: env().SCOPES } });
  process.env.SHOPIFY_ADMIN_ORIGIN = sim.url;
  resetEnvCache();
  stripe = await startStripeSimulator({ latencyMs: 0, ratePerSecond: 1000 });
  woo = await startWooCommerceSimulator({ latencyMs: 0 });
  t = await createTestDatabase('chaos_secrets');
  useDatabase(t.db);
  queues = openQueues({ connection: redis, prefix });
  useQueues(queues);

  for (const platform of Object.keys(backOffices) as (keyof typeof backOffices)[]) {
    const partners = await createPartners(t.db, sim, { supplierDomain: `${platform}-maker.myshopify.com`, retailerDomain: `${platform}-shop.myshopify.com` });
    sim.seedProducts(partners.supplierDomain, [productWith('Canvas Tote', ['TOTE'], '7.50')]);
    const books = await backOffices[platform](t.db, partners.supplierShopId);
    const { sim: xero, connectionId: xeroConnectionId } = await connectXero(t.db, partners.supplierShopId);
    pairs.push({ platform, partners, books, xero, xeroConnectionId });
  }
  worker = startWorkerProcess({
    databaseUrl: t.url,
    schema: t.schema,
    redisUrl: TEST_REDIS_URL,
    redisPrefix: prefix,
    env: { TANDEM_ENCRYPTION_KEY: ENCRYPTION_KEY, SHOPIFY_API_SECRET: APP_SECRET, LOG_LEVEL: 'debug', CONNECTOR_ORIGINS: `stripe=${stripe.url}` },
  });
  await worker.ready;
});

afterAll(async () => {
  for (const m of consoleMethods) console[m] = originals[m]!;
  await worker?.stop('SIGKILL');
  await queues?.close();
  for (const p of pairs) {
    await p.books.close();
    await p.xero.close();
  }
  await Promise.all([sim?.close(), stripe?.close(), woo?.close()]);
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await t?.drop();
  for (const key of ['TANDEM_ENCRYPTION_KEY', 'SHOPIFY_API_SECRET', 'LOG_LEVEL', 'REDIS_PREFIX', 'SHOPIFY_ADMIN_ORIGIN']) delete process.env[key];
  resetEnvCache();
});

const SHIPPING = { address1: '1 Main St', city: 'Portland', countryCode: 'US', zip: '97201' };

/** Every secret the run handled: the app's own, and every credential stored (decrypted) or issued. */
async function allSecrets(): Promise<string[]> {
  const found = new Set<string>([ENCRYPTION_KEY, APP_SECRET, WEBHOOK_SECRET]);
  // Credential fields that are secrets (a session id or an expiry time is not).
  const walk = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && /token|secret|key|password/i.test(k)) found.add(v);
      else walk(v);
    }
  };
  for (const c of await t.db.connection.findMany()) if (c.credentials) walk(secrets().decryptJson(c.credentials));
  for (const s of await t.db.session.findMany()) {
    found.add(secrets().decrypt(s.accessToken));
    if (s.refreshToken) found.add(secrets().decrypt(s.refreshToken));
  }
  for (const p of pairs) found.add(p.xero.clientSecret);
  for (const token of sim.sim.state.tokens.keys()) found.add(token);
  return [...found].filter((s) => s.length >= 8);
}

describe('when every connector is connected and used, with debug logs on', () => {
  it('prints none of the secrets, from the app or the worker', async () => {
    // Installs through the app: each shop's session token is exchanged for an offline token.
    const appFrame = (await import('../../app/routes/app.tsx')).loader;
    for (const { partners } of pairs) {
      for (const shop of [partners.supplierDomain, partners.retailerDomain]) {
        await appFrame({ request: new Request('http://localhost:3000/app', { headers: { Authorization: `Bearer ${mintSessionToken(sim.sim, shop)}` } }), params: {}, context: {} });
      }
    }
    // A WooCommerce store connected through the Connectors screen, as a merchant does.
    woo.createSite({ id: 'screen', consumerKey: `ck_${randomBytes(12).toString('hex')}`, consumerSecret: `cs_${randomBytes(12).toString('hex')}` });
    const site = woo.state.site('screen')!;
    const connector = (await import('../../app/routes/app.connectors.$id.tsx')).action;
    const form = new URLSearchParams({ intent: 'connect', siteUrl: `${woo.url}/sites/screen`, apiKey: site.consumerKey, apiSecret: site.consumerSecret, webhookSecret: WEBHOOK_SECRET, purposes: 'system_of_record' });
    const connected = await connector({ request: new Request('http://localhost:3000/app/connectors/woocommerce', { method: 'POST', headers: { Authorization: `Bearer ${mintSessionToken(sim.sim, pairs[0]!.partners.supplierDomain)}` }, body: form }), params: { id: 'woocommerce' }, context: {} });
    expect((connected as { data: unknown }).data).toEqual({ ok: true, intent: 'connect' });

    // One Xero token has expired: the worker refreshes it (a refresh token and client secret in play).
    await t.db.connection.update({
      where: { id: pairs[0]!.xeroConnectionId },
      data: { credentials: secrets().encryptJson({ ...secrets().decryptJson<Record<string, string>>((await t.db.connection.findUniqueOrThrow({ where: { id: pairs[0]!.xeroConnectionId } })).credentials!), expiresAt: new Date(Date.now() - 60_000).toISOString() }) },
    });
    // The worker: catalog sync, an order through Shopify, the system of record and Xero, per platform.
    for (const { partners } of pairs) {
      const { syncRunId } = await requestManualRun(t.db, queues, { queue: 'catalog.sync', shopId: partners.supplierShopId, partnershipId: partners.partnershipId, mode: 'FULL' });
      await until('the catalog at the retailer', () => t.db.syncRun.findFirst({ where: { id: syncRunId, status: 'SUCCEEDED' } }));
      const listings = await t.db.listing.findMany({ where: { partnershipId: partners.partnershipId } });
      const approvals = (await import('../../app/routes/app.approvals.tsx')).action;
      await approvals({ request: new Request('http://localhost:3000/app/approvals', { method: 'POST', headers: { Authorization: `Bearer ${mintSessionToken(sim.sim, partners.retailerDomain)}` }, body: new URLSearchParams({ intent: 'approve', listingIds: listings.map((l) => l.id).join(',') }) }), params: {}, context: {} });
      const placed = sim.placeOrder(partners.retailerDomain, { lineItems: [{ sku: 'TOTE', quantity: 1 }], shippingAddress: SHIPPING });
      await enqueue(queues, 'orders.pull', { shopId: partners.retailerShopId, partnershipId: partners.partnershipId, trigger: 'webhook', orderId: placed.id });
      await until('the order posted and invoiced', async () => {
        const link = await t.db.orderLink.findFirst({ where: { retailerOrderId: placed.id, state: 'POSTED' }, include: { invoices: true } });
        if (link && !link.invoices.some((i) => i.status === 'POSTED')) await enqueue(queues, 'invoices.post', {}).catch(() => {});
        return link?.invoices.some((i) => i.status === 'POSTED');
      });
    }
    // Stripe: yesterday's charge for a partner billed through the supplier's Stripe account.
    const billed = await seedPartnership(t.db, stripe, { billingTerms: { currency: 'USD', feePercent: 5, method: 'payment_intent' } });
    await forwardedOrder(t.db, billed.partnershipId, `${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)}T12:00:00Z`, '80.00');
    await queues.get('billing.daily').add('billing.daily', {}, { ...jobDefinitions['billing.daily'].options, jobId: 'billing-daily_secrets' });
    await until('the charge', () => t.db.charge.findFirst({ where: { partnershipId: billed.partnershipId, status: 'SUCCEEDED' } }));

    const printed = [...appOutput, worker.output()].join('\n');
    const found = await allSecrets();
    // The logs are real (the app's auth and the worker's start are in them) and so is the list.
    expect(printed).toContain('Tandem worker running');
    expect(printed).toContain('[shopify-app/');
    expect(found).toEqual(expect.arrayContaining([ENCRYPTION_KEY, APP_SECRET, billed.secretKey, site.consumerSecret, WEBHOOK_SECRET]));
    expect(found.length).toBeGreaterThan(15);
    for (const secret of found) expect(printed.includes(secret), `a secret of ${secret.length} characters starting ${secret.slice(0, 4)} was printed`).toBe(false);
  });
});
