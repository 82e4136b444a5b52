import { Session } from '@shopify/shopify-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { PrismaSessionStorage } from './session-storage.server.ts';

const SHOP = 'supplier-one.myshopify.com';
let t: TestDatabase;
let storage: PrismaSessionStorage;

beforeAll(async () => {
  t = await createTestDatabase('sessions');
  storage = new PrismaSessionStorage(async () => t.db);
});
afterAll(async () => {
  await t.drop();
});
beforeEach(async () => {
  await t.db.session.deleteMany();
});

function offlineSession(overrides: Partial<ConstructorParameters<typeof Session>[0]> = {}) {
  return new Session({
    id: `offline_${SHOP}`,
    shop: SHOP,
    state: '',
    isOnline: false,
    scope: 'read_products,write_inventory',
    expires: new Date('2026-11-23T12:00:00.000Z'),
    accessToken: 'shpat_offline_secret_123',
    refreshToken: 'shprt_refresh_secret_456',
    refreshTokenExpires: new Date('2027-02-21T12:00:00.000Z'),
    ...overrides,
  });
}

function onlineSession() {
  return new Session({
    id: `${SHOP}_902541635`,
    shop: SHOP,
    state: 'state-1',
    isOnline: true,
    scope: 'read_products',
    expires: new Date('2026-11-24T00:00:00.000Z'),
    accessToken: 'shpua_online_secret_789',
    onlineAccessInfo: {
      expires_in: 86_400,
      associated_user_scope: 'read_products',
      associated_user: {
        id: 902541635,
        first_name: 'Ada',
        last_name: 'Lovelace',
        email: 'ada@example.com',
        email_verified: true,
        account_owner: true,
        locale: 'en',
        collaborator: false,
      },
    },
  });
}

describe('when an offline session with a refresh token is stored', () => {
  it('loads back equal to what was stored', async () => {
    const session = offlineSession();
    await storage.storeSession(session);

    const loaded = await storage.loadSession(session.id);

    expect(loaded?.equals(session)).toBe(true);
    expect(loaded?.accessToken).toBe('shpat_offline_secret_123');
    expect(loaded?.refreshToken).toBe('shprt_refresh_secret_456');
    expect(loaded?.refreshTokenExpires?.toISOString()).toBe('2027-02-21T12:00:00.000Z');
  });

  it('keeps no plaintext token in the database row', async () => {
    await storage.storeSession(offlineSession());

    const row = await t.db.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } });

    expect(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).not.toMatch(/secret/);
    expect(row.accessToken).toMatch(/^v1:/);
    expect(row.refreshToken).toMatch(/^v1:/);
  });

  it('replaces the stored tokens when stored again after a refresh', async () => {
    await storage.storeSession(offlineSession());
    await storage.storeSession(offlineSession({ accessToken: 'shpat_rotated', refreshToken: 'shprt_rotated' }));

    const loaded = await storage.loadSession(`offline_${SHOP}`);

    expect([loaded?.accessToken, loaded?.refreshToken]).toEqual(['shpat_rotated', 'shprt_rotated']);
    expect(await t.db.session.count()).toBe(1);
  });
});

describe('when an online session is stored', () => {
  it('keeps the associated user', async () => {
    const session = onlineSession();
    await storage.storeSession(session);

    const loaded = await storage.loadSession(session.id);

    expect(loaded?.equals(session)).toBe(true);
    expect(loaded?.onlineAccessInfo?.associated_user).toMatchObject({
      id: 902541635,
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada@example.com',
      email_verified: true,
      account_owner: true,
      locale: 'en',
      collaborator: false,
    });
  });
});

describe('when sessions are looked up or deleted', () => {
  it('finds every session of a shop and none of another', async () => {
    await storage.storeSession(offlineSession());
    await storage.storeSession(onlineSession());
    await storage.storeSession(offlineSession({ id: 'offline_other.myshopify.com', shop: 'other.myshopify.com' }));

    const found = await storage.findSessionsByShop(SHOP);

    expect(found.map((s) => s.id).sort()).toEqual([`offline_${SHOP}`, `${SHOP}_902541635`]);
  });

  it('answers undefined for an unknown id', async () => {
    expect(await storage.loadSession('offline_nobody.myshopify.com')).toBeUndefined();
  });

  it('deletes one session, then several', async () => {
    await storage.storeSession(offlineSession());
    await storage.storeSession(onlineSession());
    await storage.storeSession(offlineSession({ id: 'offline_other.myshopify.com', shop: 'other.myshopify.com' }));

    expect(await storage.deleteSession(`offline_${SHOP}`)).toBe(true);
    expect(await storage.loadSession(`offline_${SHOP}`)).toBeUndefined();
    expect(await storage.deleteSessions([`${SHOP}_902541635`, 'offline_other.myshopify.com'])).toBe(true);
    expect(await t.db.session.count()).toBe(0);
  });
});
