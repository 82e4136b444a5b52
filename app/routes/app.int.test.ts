// First open of the embedded app, end to end through shopify-app-remix: the admin's session token
// is exchanged for an offline token at SHOPIFY_ADMIN_ORIGIN (/store/{shop}/...), the session is
// stored encrypted, afterAuth reads the shop's time zone and records the Shop.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { useDatabase } from '../db.server.ts';
import { env, resetEnvCache } from '../env.server.ts';

const SHOP = 'supplier-one.myshopify.com';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

let t: TestDatabase;
let admin: Server;
const calls: string[] = [];

beforeAll(async () => {
  admin = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json');
      if (req.url === `/store/${SHOP}/admin/oauth/access_token`) {
        res.end(
          JSON.stringify({
            access_token: 'shpat_exchanged_secret',
            scope: env().SCOPES,
            expires_in: 3600,
            refresh_token: 'shprt_exchanged_secret',
            refresh_token_expires_in: 7_776_000,
          }),
        );
      } else {
        res.end(JSON.stringify({ data: { shop: { ianaTimezone: 'Europe/Berlin', name: 'Supplier One', email: 'owner@supplier.example' } } }));
      }
    });
  });
  await new Promise<void>((resolve) => admin.listen(0, '127.0.0.1', resolve));
  process.env.SHOPIFY_ADMIN_ORIGIN = `http://127.0.0.1:${(admin.address() as AddressInfo).port}`;
  resetEnvCache();
  t = await createTestDatabase('embedded_auth');
  useDatabase(t.db);
});
afterAll(async () => {
  await t.drop();
  await new Promise((resolve) => admin.close(resolve));
  delete process.env.SHOPIFY_ADMIN_ORIGIN;
  resetEnvCache();
});

/** What the admin puts in `id_token`: an HS256 JWT signed with the app secret, one minute long. */
function sessionToken(): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = encode({ alg: 'HS256', typ: 'JWT' });
  const body = encode({
    iss: `https://${SHOP}/admin`,
    dest: `https://${SHOP}`,
    aud: env().SHOPIFY_API_KEY,
    sub: '42',
    exp: now + 60,
    nbf: now - 5,
    iat: now,
    jti: `jti-${now}`,
    sid: 'sid-1',
  });
  const signature = createHmac('sha256', env().SHOPIFY_API_SECRET).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

describe('when a merchant opens the embedded app for the first time', () => {
  it('exchanges the session token, stores the session encrypted and records the shop with its time zone', async () => {
    const { loader } = await import('./app._index.tsx');
    const host = Buffer.from(`${SHOP}/admin`).toString('base64url');
    const url = `http://localhost:3000/app?shop=${SHOP}&host=${host}&embedded=1&id_token=${sessionToken()}`;

    const data = await loader({ request: new Request(url, { headers: { 'User-Agent': BROWSER } }), params: {}, context: {} });

    expect(data).toMatchObject({ shopName: 'Supplier One', domain: SHOP });
    expect(calls).toEqual([`POST /store/${SHOP}/admin/oauth/access_token`, `POST /store/${SHOP}/admin/api/2026-10/graphql.json`]);
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(shop).toMatchObject({ name: 'Supplier One', timezone: 'Europe/Berlin', email: 'owner@supplier.example', uninstalledAt: null });
    const row = await t.db.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } });
    expect(row.accessToken).toMatch(/^v1:/);
    expect(row.refreshToken).toMatch(/^v1:/);
    expect(`${row.accessToken} ${row.refreshToken}`).not.toContain('secret');
  });

  it('reuses the stored session on the next open without another exchange', async () => {
    const { loader } = await import('./app._index.tsx');
    const before = calls.length;
    const host = Buffer.from(`${SHOP}/admin`).toString('base64url');
    const url = `http://localhost:3000/app?shop=${SHOP}&host=${host}&embedded=1&id_token=${sessionToken()}`;

    const data = await loader({ request: new Request(url, { headers: { 'User-Agent': BROWSER } }), params: {}, context: {} });

    expect(data).toMatchObject({ shopName: 'Supplier One', domain: SHOP });
    expect(calls.slice(before)).toEqual([]);
  });
});
