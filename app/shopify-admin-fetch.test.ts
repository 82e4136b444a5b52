// The rerouting seam, exercised through @shopify/shopify-api itself: its token exchange and
// GraphQL client must reach a local server at /store/{shop}/<the path they would use at Shopify>.
import '@shopify/shopify-api/adapters/web-api';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiVersion, RequestedTokenType, Session, shopifyApi } from '@shopify/shopify-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdminOriginRefused, routeShopifyAdminCallsTo, simulatorUrlFor } from './shopify-admin-fetch.server.ts';

const SHOP = 'supplier-one.myshopify.com';
const API_KEY = 'test-api-key';
const API_SECRET = 'test-api-secret';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let origin: string;
let received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.setHeader('Content-Type', 'application/json');
      if (req.url?.endsWith('/admin/oauth/access_token')) {
        res.end(JSON.stringify({ access_token: 'shpat_from_simulator', scope: 'read_products' }));
      } else {
        res.end(JSON.stringify({ data: { shop: { name: 'Supplier One' } } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  routeShopifyAdminCallsTo(origin, 'test');
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
});

const api = shopifyApi({
  apiKey: API_KEY,
  apiSecretKey: API_SECRET,
  apiVersion: ApiVersion.October26,
  hostName: 'localhost:3000',
  hostScheme: 'http',
  isEmbeddedApp: true,
  scopes: ['read_products'],
  logger: { level: 0 },
});

/** A session token as the admin issues it: HS256 JWT signed with the app secret. */
function sessionToken(): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'HS256', typ: 'JWT' });
  const payload = encode({
    iss: `https://${SHOP}/admin`,
    dest: `https://${SHOP}`,
    aud: API_KEY,
    sub: '42',
    exp: now + 60,
    nbf: now - 5,
    iat: now,
    jti: 'token-1',
    sid: 'session-1',
  });
  const signature = createHmac('sha256', API_SECRET).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

describe('when SHOPIFY_ADMIN_ORIGIN is set', () => {
  it('sends the token exchange to /store/{shop}/admin/oauth/access_token at that origin', async () => {
    const { session } = await api.auth.tokenExchange({
      shop: SHOP,
      sessionToken: sessionToken(),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });

    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: `/store/${SHOP}/admin/oauth/access_token` });
    expect(JSON.parse(received[0].body)).toMatchObject({ client_id: API_KEY, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' });
    expect(session.accessToken).toBe('shpat_from_simulator');
  });

  it('sends Admin GraphQL to /store/{shop}/admin/api/2026-10/graphql.json with the access token', async () => {
    const session = new Session({ id: `offline_${SHOP}`, shop: SHOP, state: '', isOnline: false, accessToken: 'shpat_abc' });
    const client = new api.clients.Graphql({ session });

    const response = await client.request('{ shop { name } }');

    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: `/store/${SHOP}/admin/api/2026-10/graphql.json` });
    expect(received[0].headers['x-shopify-access-token']).toBe('shpat_abc');
    expect(response.data).toEqual({ shop: { name: 'Supplier One' } });
  });
});

describe('when a URL is mapped to the simulator', () => {
  it.each([
    [`https://${SHOP}/admin/api/2026-10/graphql.json`, `http://sim:4000/store/${SHOP}/admin/api/2026-10/graphql.json`],
    [`https://${SHOP}/admin/oauth/access_token?x=1`, `http://sim:4000/store/${SHOP}/admin/oauth/access_token?x=1`],
    ['https://example.com/admin/api/2026-10/graphql.json', 'https://example.com/admin/api/2026-10/graphql.json'],
    [`http://127.0.0.1:4000/store/${SHOP}/admin/x`, `http://127.0.0.1:4000/store/${SHOP}/admin/x`],
  ])('maps %s to %s', (from, to) => {
    expect(simulatorUrlFor('http://sim:4000/', from)).toBe(to);
  });
});

describe('when asked to reroute in production', () => {
  it('refuses', () => {
    expect(() => routeShopifyAdminCallsTo('http://sim:4000', 'production')).toThrow(AdminOriginRefused);
  });
});
