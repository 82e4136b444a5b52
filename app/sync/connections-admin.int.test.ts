import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startStripeSimulator } from '../../simulators/stripe/index.ts';
import { startWooCommerceSimulator } from '../../simulators/woocommerce/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { ConnectRefused, connect, connectForm, connectStripe, connectionDetail, disconnect, listConnectorCards, setPurposes, testConnection } from './connections-admin.server.ts';
import { secrets } from './crypto.server.ts';

const SHOP = 'iris-supply.myshopify.com';
const OTHER = 'juniper-other.myshopify.com';
let t: TestDatabase;
let woo: Awaited<ReturnType<typeof startWooCommerceSimulator>>;
let site: { id: string; consumerKey: string; consumerSecret: string };

beforeAll(async () => {
  t = await createTestDatabase('connections_admin');
  await t.db.shop.create({ data: { domain: SHOP } });
  await t.db.shop.create({ data: { domain: OTHER } });
  woo = await startWooCommerceSimulator({ latencyMs: 0 });
  site = woo.createSite({ id: 'iris-woo' });
});
afterAll(async () => {
  await t.drop();
  await woo.close();
});

const siteUrl = () => `${woo.url}/sites/${site.id}`;

describe('when a merchant connects WooCommerce from the marketplace', () => {
  let id: string;

  it('offers a form from the manifest: config fields and the basic-auth credentials', () => {
    const form = connectForm('woocommerce');
    expect(form.configFields.map((f) => [f.name, f.type, f.required])).toEqual([
      ['siteUrl', 'url', true],
      ['orderLookbackDays', 'number', false],
    ]);
    expect(form.credentialFields.map((f) => f.name)).toEqual(['apiKey', 'apiSecret', 'webhookSecret']);
  });

  it('names every missing or wrong field and stores nothing', async () => {
    const err = await connect(t.db, SHOP, 'woocommerce', { siteUrl: 'not a url', orderLookbackDays: '900', apiKey: 'ck' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectRefused);
    expect(Object.keys((err as ConnectRefused).errors).sort()).toEqual(['apiSecret', 'orderLookbackDays', 'siteUrl']);
    expect(await t.db.connection.count()).toBe(0);
  });

  it('stores the credentials encrypted and the test read succeeds', async () => {
    const connection = await connect(t.db, SHOP, 'woocommerce', { siteUrl: siteUrl(), orderLookbackDays: '', apiKey: site.consumerKey, apiSecret: site.consumerSecret, displayName: 'Iris Woo' });
    id = connection.id;
    expect(connection).toEqual({ id, account: siteUrl(), displayName: 'Iris Woo', status: 'ACTIVE', purposes: [] });
    const row = await t.db.connection.findUniqueOrThrow({ where: { id } });
    expect(row.credentials).not.toContain(site.consumerSecret);
    expect(secrets().decryptJson(row.credentials)).toEqual({ apiKey: site.consumerKey, apiSecret: site.consumerSecret });
    expect(row.config).toEqual({ siteUrl: siteUrl(), orderLookbackDays: 14 });

    expect(await testConnection(t.db, SHOP, id)).toEqual({ ok: true, message: 'Connected: WooCommerce answered.' });
  });

  it('shows the card with its connection and capabilities', async () => {
    const cards = await listConnectorCards(t.db, SHOP);
    const card = cards.find((c) => c.id === 'woocommerce');
    expect(card).toMatchObject({ name: 'WooCommerce', connections: [{ id, status: 'ACTIVE' }] });
    expect(card?.capabilities).toContain('orders.write');
    expect((await listConnectorCards(t.db, OTHER)).flatMap((c) => c.connections)).toEqual([]);
  });

  it('offers the purposes the connector can serve: a system of record for WooCommerce, accounting too (ticked) for Xero', () => {
    expect(connectForm('woocommerce').purposes.map((p) => [p.value, p.suggested])).toEqual([['system_of_record', false]]);
    expect(connectForm('xero').purposes.map((p) => [p.value, p.suggested])).toEqual([
      ['system_of_record', false],
      ['accounting', true],
    ]);
  });

  it('refuses a purpose the connector cannot serve, naming the field, and changes nothing', async () => {
    const err = await setPurposes(t.db, SHOP, id, 'system_of_record,accounting').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectRefused);
    expect((err as ConnectRefused).errors).toEqual({ purposes: ['Choose from System of record (not accounting)'] });
    expect((await t.db.connection.findUniqueOrThrow({ where: { id } })).purposes).toEqual([]);
  });

  it('records the purposes the merchant ticks and keeps those Tandem set itself', async () => {
    await t.db.connection.update({ where: { id }, data: { purposes: ['catalog_source'] } });
    expect(await setPurposes(t.db, SHOP, id, 'system_of_record')).toMatchObject({ id, purposes: ['catalog_source', 'system_of_record'] });
    expect(await setPurposes(t.db, OTHER, id, '')).toBeNull();
    expect(await setPurposes(t.db, SHOP, id, '')).toMatchObject({ purposes: ['catalog_source'] });
    const reconnected = await connect(t.db, SHOP, 'woocommerce', { siteUrl: siteUrl(), apiKey: site.consumerKey, apiSecret: site.consumerSecret, purposes: 'system_of_record' });
    expect(reconnected.purposes).toEqual(['catalog_source', 'system_of_record']);
  });

  it('reports a wrong secret as the connector’s auth error after reconnecting', async () => {
    await connect(t.db, SHOP, 'woocommerce', { siteUrl: siteUrl(), apiKey: site.consumerKey, apiSecret: 'cs_wrong' });
    const result = await testConnection(t.db, SHOP, id);
    expect(result).toMatchObject({ ok: false, code: 'auth_expired' });
  });

  it('reports API budget use today and this month from the saved usage', async () => {
    await t.db.budgetUsage.createMany({
      data: [
        { connectionId: id, day: '2026-11-23', calls: 40 },
        { connectionId: id, day: '2026-11-02', calls: 100 },
        { connectionId: id, day: '2026-10-31', calls: 999 },
      ],
    });
    const detail = await connectionDetail(t.db, SHOP, id, new Date('2026-11-23T15:00:00Z'));
    expect(detail?.budget).toEqual({ today: 40, month: 140, dailyCap: null });
  });

  it('hides the connection from another shop and lets the owner disconnect, wiping the credentials', async () => {
    expect(await connectionDetail(t.db, OTHER, id)).toBeNull();
    expect(await testConnection(t.db, OTHER, id)).toBeNull();
    expect(await disconnect(t.db, OTHER, id)).toBeNull();

    expect(await disconnect(t.db, SHOP, id)).toMatchObject({ status: 'DISCONNECTED' });
    const row = await t.db.connection.findUniqueOrThrow({ where: { id } });
    expect(secrets().decryptJson(row.credentials)).toEqual({});
  });
});

describe('when a supplier connects Stripe for daily billing', () => {
  let stripe: Awaited<ReturnType<typeof startStripeSimulator>>;
  const stripeFor = (key: string) => new Stripe(key, { host: '127.0.0.1', port: stripe.port, protocol: 'http', maxNetworkRetries: 0 });
  beforeAll(async () => {
    stripe = await startStripeSimulator({ latencyMs: 0, accounts: [{ id: 'acct_iris', secretKey: 'sk_test_iris1' }] });
  });
  afterAll(() => stripe.close());

  it('names a key that is not a Stripe secret key and stores nothing', async () => {
    const err = await connectStripe(t.db, SHOP, { secretKey: 'pk_test_publishable' }, { stripeFor }).catch((e: unknown) => e);
    expect((err as ConnectRefused).errors).toEqual({ secretKey: ['Enter a Stripe secret key (sk_live_…) or restricted key (rk_live_…) from Developers → API keys'] });
    expect(await t.db.connection.count({ where: { platform: 'stripe' } })).toBe(0);
  });

  it('refuses a key Stripe does not know, naming the field, and stores nothing', async () => {
    const err = await connectStripe(t.db, SHOP, { secretKey: 'sk_test_unknown' }, { stripeFor }).catch((e: unknown) => e);
    expect(Object.keys((err as ConnectRefused).errors)).toEqual(['secretKey']);
    expect((err as ConnectRefused).errors.secretKey![0]).toMatch(/^Stripe refused this key: /);
    expect(await t.db.connection.count({ where: { platform: 'stripe' } })).toBe(0);
  });

  it('stores the key encrypted under the account it opens, for billing', async () => {
    const connection = await connectStripe(t.db, SHOP, { secretKey: ' sk_test_iris1 ' }, { stripeFor });
    expect(connection).toEqual({ id: connection.id, account: 'acct_iris', displayName: 'Stripe acct_iris', status: 'ACTIVE', purposes: ['billing'] });
    const row = await t.db.connection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(row).toMatchObject({ platform: 'stripe', purposes: ['billing'] });
    expect(row.credentials).not.toContain('sk_test_iris1');
    expect(secrets().decryptJson(row.credentials)).toEqual({ secretKey: 'sk_test_iris1' });
  });

  it('replaces the key of the same account on reconnect instead of adding a second connection', async () => {
    stripe.state.createAccount({ id: 'acct_iris', secretKey: 'sk_test_iris2' });
    await connectStripe(t.db, SHOP, { secretKey: 'sk_test_iris2', displayName: 'Iris payouts' }, { stripeFor });
    const rows = await t.db.connection.findMany({ where: { platform: 'stripe' } });
    expect(rows.map((r) => [r.externalAccount, r.displayName, secrets().decryptJson(r.credentials)])).toEqual([['acct_iris', 'Iris payouts', { secretKey: 'sk_test_iris2' }]]);
  });
});
