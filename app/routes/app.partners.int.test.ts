// The Partners screens' loaders and actions as App Bridge calls them (a session token in the
// Authorization header), against the Shopify simulator: three shops, one partnership between two.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSessionToken, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { useDatabase } from '../db.server.ts';
import { resetEnvCache } from '../env.server.ts';
import { startAdminSimulator } from '../../test/support/admin-simulator.ts';

const A = 'acme-supply.myshopify.com';
const B = 'bay-retail.myshopify.com';
const C = 'cove-outsider.myshopify.com';

let t: TestDatabase;
let shopify: ShopifySimulator;

beforeAll(async () => {
  shopify = await startAdminSimulator([A, B, C]);
  process.env.SHOPIFY_ADMIN_ORIGIN = shopify.url;
  resetEnvCache();
  t = await createTestDatabase('partners_routes');
  useDatabase(t.db);
});
afterAll(async () => {
  await t.drop();
  await shopify.close();
  delete process.env.SHOPIFY_ADMIN_ORIGIN;
  resetEnvCache();
});

function request(shop: string, path: string, form?: Record<string, string>) {
  const headers = { Authorization: `Bearer ${mintSessionToken(shopify.sim, shop)}` };
  const url = `http://localhost:3000${path}`;
  return form ? new Request(url, { method: 'POST', headers, body: new URLSearchParams(form) }) : new Request(url, { headers });
}

async function thrown(promise: Promise<unknown>): Promise<Response> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(Response);
  return err as Response;
}

describe('when three shops use the Partners screens', () => {
  let id: string;

  it('lets the supplier invite the retailer by domain and the retailer accept', async () => {
    const index = await import('./app.partners._index.tsx');
    await index.loader({ request: request(B, '/app/partners'), params: {}, context: {} });
    await index.loader({ request: request(C, '/app/partners'), params: {}, context: {} });

    const invited = await index.action({ request: request(A, '/app/partners?index', { intent: 'invite', partner: B, myRole: 'SUPPLIER' }), params: {}, context: {} });
    expect(invited.init?.status ?? 200).toBe(200);
    if (!invited.data.ok) throw new Error('invitation refused');
    id = invited.data.partnership.id;

    const accepted = await index.action({ request: request(B, '/app/partners?index', { intent: 'accept', partnershipId: id }), params: {}, context: {} });
    expect(accepted.data).toMatchObject({ ok: true, partnership: { status: 'ACTIVE', myRole: 'RETAILER' } });
  });

  it('answers 400 naming the field when the invitation form is incomplete', async () => {
    const index = await import('./app.partners._index.tsx');
    const answer = await index.action({ request: request(A, '/app/partners?index', { intent: 'invite', partner: '', myRole: 'BOTH' }), params: {}, context: {} });
    expect(answer.init?.status).toBe(400);
    expect(answer.data).toEqual({
      ok: false,
      errors: { partner: ['Enter the partner’s shop domain or invite code'], myRole: ['Choose whether you are the supplier or the retailer'] },
    });
  });

  it('gives a shop outside the partnership 404 for its settings, to read or to change', async () => {
    const detail = await import('./app.partners.$id.tsx');
    const read = await thrown(detail.loader({ request: request(C, `/app/partners/${id}`), params: { id }, context: {} }));
    expect(read.status).toBe(404);
    const form = { intent: 'save', forceOverwrite: 'true', markupPercent: '0', fixedAdd: '0', rounding: 'none', feePercent: '0', currency: '', billingMethod: 'invoice' };
    const write = await thrown(detail.action({ request: request(C, `/app/partners/${id}`, form), params: { id }, context: {} }));
    expect(write.status).toBe(404);
    const end = await thrown(detail.action({ request: request(C, `/app/partners/${id}`, { intent: 'end' }), params: { id }, context: {} }));
    expect(end.status).toBe(404);
    expect(await t.db.partnership.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'ACTIVE', forceOverwrite: false });
  });

  it('saves the settings for a shop in the partnership and names a wrong field with 400', async () => {
    const detail = await import('./app.partners.$id.tsx');
    const form = { intent: 'save', forceOverwrite: 'true', pushInventory: 'true', oversellProtection: 'true', markupPercent: '50', fixedAdd: '0', rounding: 'whole', feePercent: '1', currency: 'usd', billingMethod: 'payment_intent' };
    const saved = await detail.action({ request: request(A, `/app/partners/${id}`, form), params: { id }, context: {} });
    expect(saved.data).toMatchObject({ ok: true, saved: true, partnership: { settings: { forceOverwrite: true, pricingRule: { markupPercent: 50, rounding: 'whole' } } } });

    const wrong = await detail.action({ request: request(B, `/app/partners/${id}`, { ...form, fixedAdd: '-3' }), params: { id }, context: {} });
    expect(wrong.init?.status).toBe(400);
    expect(wrong.data).toEqual({ ok: false, errors: { fixedAdd: ['Too small: expected number to be >=0'] } });
  });
});
