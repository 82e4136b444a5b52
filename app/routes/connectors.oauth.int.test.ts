// "Sign in with Xero / Lightspeed" over real HTTP, as the merchant's browser goes through it: the
// app (session token from the Shopify simulator) answers the platform's consent URL, the Xero or
// Lightspeed simulator approves and redirects back to /connectors/<id>/callback, and the app
// exchanges the code and stores the connection with its tokens encrypted. The state is bound to
// the shop and the connector, and works once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLightspeedSimulator, type LightspeedSimulator } from '../../simulators/lightspeed/index.ts';
import { mintSessionToken, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { startAdminSimulator } from '../../test/support/admin-simulator.ts';
import { startXeroSimulator, type XeroSimulator } from '../../simulators/xero/index.ts';
import { startAppServer, type AppServer } from '../../test/support/app-server.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../../test/support/redis.ts';
import { env, resetEnvCache } from '../env.server.ts';
import { testConnection } from '../sync/connections-admin.server.ts';
import { secrets } from '../sync/crypto.server.ts';

const SUPPLIER = { domain: 'dune-supply.myshopify.com', name: 'Dune Supply' };
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const prefix = uniquePrefix('connector-oauth');
const redis = testRedis();
let t: TestDatabase;
let shopify: ShopifySimulator;
let xero: XeroSimulator;
let lightspeed: LightspeedSimulator;
let app: AppServer;

beforeAll(async () => {
  shopify = await startAdminSimulator([SUPPLIER]);
  xero = await startXeroSimulator({ latencyMs: 0 });
  lightspeed = await startLightspeedSimulator({ latencyMs: 0 });
  lightspeed.createRetailer({ domainPrefix: 'books' });
  t = await createTestDatabase('connector_oauth');
  await t.db.shop.create({ data: { domain: SUPPLIER.domain, name: SUPPLIER.name } });
  process.env.CONNECTOR_ORIGINS = `xero=${xero.url},lightspeed-x=${lightspeed.url}`;
  app = await startAppServer({ db: t.db, redisPrefix: prefix, shopify });
  // This file's own copy of the settings reads what the app server set (SHOPIFY_ADMIN_ORIGIN, SHOPIFY_APP_URL).
  resetEnvCache();
  // The app's redirect URI, registered with Xero as its developer portal requires.
  xero.state.apps.get(xero.clientId)!.redirectUris.push(`${app.url}/connectors/xero/callback`);
}, 180_000);

afterAll(async () => {
  await app?.close();
  delete process.env.CONNECTOR_ORIGINS;
  await t?.drop();
  await Promise.all([shopify?.close(), xero?.close(), lightspeed?.close()]);
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

/** The connector page's "Sign in" press, as App Bridge's fetch sends it. */
async function startSignIn(connectorId: string, form: Record<string, string>) {
  const res = await fetch(`${app.url}/app/connectors/${connectorId}/authorize`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${mintSessionToken(shopify.sim, SUPPLIER.domain)}`, 'User-Agent': BROWSER },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; authorizeUrl?: string; errors?: Record<string, string[]> } };
}

/** The browser following a redirect by hand: where it is sent next. */
async function visit(url: string) {
  const res = await fetch(url, { redirect: 'manual', headers: { 'User-Agent': BROWSER } });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

const connections = (platform: string) => t.db.connection.findMany({ where: { platform } });

describe('when a supplier signs in with Xero from the marketplace', () => {
  it('sends it to Xero’s consent page, stores the organisation with encrypted tokens on the way back, and the connection works', async () => {
    const started = await startSignIn('xero', { clientId: xero.clientId, clientSecret: xero.clientSecret, purposes: 'accounting', displayName: 'Dune books' });

    expect(started).toMatchObject({ status: 200, body: { ok: true } });
    const authorize = new URL(started.body.authorizeUrl!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${xero.url}/identity/connect/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ response_type: 'code', client_id: xero.clientId, redirect_uri: `${app.url}/connectors/xero/callback` });
    expect(authorize.searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['offline_access', 'accounting.transactions', 'accounting.contacts']));
    const consent = await visit(authorize.toString());
    expect(consent.status).toBe(302);
    const callback = new URL(consent.location!);
    expect(`${callback.origin}${callback.pathname}`).toBe(`${app.url}/connectors/xero/callback`);
    expect(callback.searchParams.get('state')).toBe(authorize.searchParams.get('state'));

    const back = await visit(callback.toString());

    expect(back).toMatchObject({ status: 302, location: `${shopify.url}/store/${SUPPLIER.domain}/admin/apps/${env().SHOPIFY_API_KEY}` });
    const [row] = await connections('xero');
    expect(row).toMatchObject({ externalAccount: xero.tenantId, displayName: 'Dune books', status: 'ACTIVE', purposes: ['accounting'] });
    expect(row!.config).toEqual({ tenantId: xero.tenantId, clientId: xero.clientId, salesAccountCode: '200', invoiceStatus: 'AUTHORISED', baseUrlOverride: xero.url });
    const stored = secrets().decryptJson(row!.credentials) as Record<string, string>;
    expect(xero.state.accessTokens.has(stored.accessToken!)).toBe(true);
    expect(xero.state.refreshTokens.has(stored.refreshToken!)).toBe(true);
    expect(stored.apiSecret).toBe(xero.clientSecret);
    expect(Date.parse(stored.expiresAt!)).toBeGreaterThan(Date.now());
    expect(row!.credentials).not.toContain(stored.accessToken);
    expect(await testConnection(t.db, SUPPLIER.domain, row!.id)).toEqual({ ok: true, message: 'Connected: Xero answered.' });

    const replay = await visit(callback.toString());
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('This sign-in has expired or was already used. Start again from Connectors in Tandem.');
    expect(await connections('xero')).toHaveLength(1);
  });

  it('refuses a state that was never issued, and one issued for another connector, without using it up', async () => {
    const started = await startSignIn('xero', { clientId: xero.clientId, clientSecret: xero.clientSecret });
    const state = new URL(started.body.authorizeUrl!).searchParams.get('state')!;
    const before = await t.db.connection.count();

    const forged = await visit(`${app.url}/connectors/xero/callback?code=made-up&state=${'A'.repeat(43)}`);
    const elsewhere = await visit(`${app.url}/connectors/lightspeed-x/callback?code=made-up&domain_prefix=books&state=${state}`);

    expect([forged.status, elsewhere.status]).toEqual([400, 400]);
    expect(elsewhere.text).toContain('expired or was already used');
    expect(await t.db.connection.count()).toBe(before);
    // Still the Xero sign-in's: the merchant who declines at Xero is told so.
    const declined = await visit(`${app.url}/connectors/xero/callback?error=access_denied&state=${state}`);
    expect(declined.status).toBe(400);
    expect(declined.text).toContain('Xero was not connected: access_denied.');
    expect(declined.text).toContain(`${shopify.url}/store/${SUPPLIER.domain}/admin/apps/`);
  });

  it('names the missing client secret and the missing client id, and keeps nothing', async () => {
    const before = await t.db.oAuthAuthorization.count();

    const started = await startSignIn('xero', { purposes: 'accounting' });

    expect(started.status).toBe(400);
    expect(Object.keys(started.body.errors ?? {}).sort()).toEqual(['clientId', 'clientSecret']);
    expect(await t.db.oAuthAuthorization.count()).toBe(before);
  });
});

describe('when a supplier opens a connector’s page', () => {
  it('offers Xero’s sign-in without the organisation field, naming the redirect URI to register; WooCommerce keeps its key form only', async () => {
    const route = await import('./app.connectors.$id.tsx');
    const page = (id: string) =>
      route.loader({ request: new Request(`${app.url}/app/connectors/${id}`, { headers: { Authorization: `Bearer ${mintSessionToken(shopify.sim, SUPPLIER.domain)}` } }), params: { id }, context: {} });

    const [xeroPage, wooPage] = await Promise.all([page('xero'), page('woocommerce')]);

    expect(xeroPage.signIn?.redirectUri).toBe(`${app.url}/connectors/xero/callback`);
    expect(xeroPage.signIn?.configFields.map((f) => f.name)).toEqual(['clientId', 'salesAccountCode', 'invoiceStatus']);
    expect(xeroPage.signIn?.credentialFields.map((f) => [f.name, f.required])).toEqual([
      ['clientSecret', true],
      ['webhookSecret', false],
    ]);
    expect(wooPage.signIn).toBeNull();
  });
});

describe('when a supplier signs in with Lightspeed', () => {
  it('stores the store Lightspeed names on the way back, and the connection works', async () => {
    const started = await startSignIn('lightspeed-x', { clientId: lightspeed.oauthApp.clientId, clientSecret: lightspeed.oauthApp.clientSecret, currency: 'USD' });
    const authorize = new URL(started.body.authorizeUrl!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${lightspeed.url}/connect`);
    const consent = await visit(authorize.toString());
    const callback = new URL(consent.location!);
    expect(callback.searchParams.get('domain_prefix')).toBe('books');

    const back = await visit(callback.toString());

    expect(back.status).toBe(302);
    const [row] = await connections('lightspeed-x');
    expect(row).toMatchObject({ externalAccount: 'books', status: 'ACTIVE' });
    expect(row!.config).toMatchObject({ domainPrefix: 'books', clientId: lightspeed.oauthApp.clientId, currency: 'USD', baseUrlOverride: lightspeed.url });
    const stored = secrets().decryptJson(row!.credentials) as Record<string, string>;
    expect(lightspeed.state.byAccessToken(stored.accessToken!)?.retailer.domainPrefix).toBe('books');
    expect(stored.apiSecret).toBe(lightspeed.oauthApp.clientSecret);
    expect(await testConnection(t.db, SUPPLIER.domain, row!.id)).toEqual({ ok: true, message: 'Connected: Lightspeed Retail (X-Series) answered.' });
  });
});
