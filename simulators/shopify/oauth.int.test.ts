import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt, startShopifySimulator, type ShopifySimulator } from './index.ts';
import { adminClient } from './test-support/client.ts';

const SHOP = 'retailer.myshopify.com';
const CLIENT_ID = 'client-123';
const SECRET = 'shh-secret';
let sim: ShopifySimulator;

beforeAll(async () => {
  sim = await startShopifySimulator({ latencyMs: 0, app: { clientId: CLIENT_ID, clientSecret: SECRET, scopes: 'read_products,write_inventory' }, shops: [{ domain: SHOP }] });
});
afterAll(() => sim.close());

async function exchange(subjectToken: string, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${sim.shopUrl(SHOP)}/admin/oauth/access_token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      client_id: CLIENT_ID,
      client_secret: SECRET,
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: subjectToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      requested_token_type: 'urn:shopify:params:oauth:token-type:offline-access-token',
      ...extra,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function claims(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(sim.clock.nowMs() / 1000);
  return { iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: CLIENT_ID, sub: '42', exp: now + 60, nbf: now, iat: now, jti: 'j', sid: 's', ...overrides };
}

describe('when the app exchanges a session token', () => {
  it('returns an offline access token that works on the Admin API', async () => {
    const res = await exchange((await (await fetch(`${sim.url}/_control/session-token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ shop: SHOP, sub: '42' }) })).json() as { token: string }).token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.stringMatching(/^shpat_/), scope: 'read_products,write_inventory' });
    const gql = adminClient(sim, SHOP, res.body.access_token as string);
    expect((await gql('{ shop { myshopifyDomain } }')).body.data).toEqual({ shop: { myshopifyDomain: SHOP } });
  });

  it('returns an online token with the associated user', async () => {
    const res = await exchange(sim.sessionToken(SHOP, '42'), { requested_token_type: 'urn:shopify:params:oauth:token-type:online-access-token' });
    expect(res.body).toMatchObject({ scope: 'read_products,write_inventory', expires_in: 86399, associated_user_scope: 'read_products,write_inventory', associated_user: { id: 42 } });
  });

  it('returns an expiring offline token whose refresh token is replaced on use', async () => {
    const first = await exchange(sim.sessionToken(SHOP), { expiring: '1' });
    expect(first.body).toMatchObject({ expires_in: 3600, refresh_token: expect.stringMatching(/^shprt_/), refresh_token_expires_in: expect.any(Number) });

    sim.clock.advance(3_601_000);
    const expired = await adminClient(sim, SHOP, first.body.access_token as string)('{ shop { name } }');
    expect(expired.status).toBe(401);

    const refresh = async (token: unknown) =>
      fetch(`${sim.shopUrl(SHOP)}/admin/oauth/access_token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: 'refresh_token', refresh_token: token }),
      });
    const refreshed = await refresh(first.body.refresh_token);
    const body = (await refreshed.json()) as Record<string, unknown>;
    expect(refreshed.status).toBe(200);
    expect(body.refresh_token).not.toBe(first.body.refresh_token);
    expect((await adminClient(sim, SHOP, body.access_token as string)('{ shop { name } }')).status).toBe(200);
    expect((await refresh(first.body.refresh_token)).status).toBe(400);
  });

  it.each([
    ['signed with another secret', () => signJwt(claims(), 'not-the-secret')],
    ['expired beyond the 10 s tolerance', () => signJwt(claims({ exp: Math.floor(sim.clock.nowMs() / 1000) - 11 }), SECRET)],
    ['meant for another shop', () => signJwt(claims({ dest: 'https://other.myshopify.com' }), SECRET)],
    ['meant for another app', () => signJwt(claims({ aud: 'someone-else' }), SECRET)],
    ['not a JWT', () => 'garbage'],
  ])('refuses a session token %s with invalid_subject_token', async (_name, token) => {
    const res = await exchange(token());
    expect(res).toEqual({ status: 400, body: { error: 'invalid_subject_token' } });
  });

  it('accepts a token expired by less than the 10 s tolerance', async () => {
    const res = await exchange(signJwt(claims({ exp: Math.floor(sim.clock.nowMs() / 1000) - 5 }), SECRET));
    expect(res.status).toBe(200);
  });
});
