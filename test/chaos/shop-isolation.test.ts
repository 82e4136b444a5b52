// Issue 8, isolation: one shop's session never reads or changes another shop's data, through any
// route. Acme (a supplier with its own retailer, Cove) holds a valid session token and aims every
// loader and action at Bay's ids: Bay's partnership with Cove, its connection, the listing waiting
// in Cove's approvals, a failed order, invoice and run, Bay's product and Cove's order sent to Bay.
// Every file in app/routes must be in the table below: a new route fails this test until its
// cross-shop attempts are written down.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabase } from '../../app/db.server.ts';
import { env, resetEnvCache } from '../../app/env.server.ts';
import { closeAppQueues } from '../../app/jobs/app-queues.server.ts';
import { QUEUE_NAMES, openQueues, type Queues } from '../../app/jobs/queues.server.ts';
import { createSyncContext, sealCredentials } from '../../app/sync/connections.server.ts';
import { syncCatalogToPartner } from '../../app/sync/listings.server.ts';
import { mintSessionToken, startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { createPartners, productWith, type Partners } from '../support/partners.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis.ts';

const ACME = 'acme-attacker.myshopify.com';
const routesDir = fileURLToPath(new URL('../../app/routes/', import.meta.url));
const redis = testRedis();
const prefix = uniquePrefix('chaos-isolation');

let t: TestDatabase;
let sim: ShopifySimulator;
let queues: Queues;
let bay: Partners;

/** Bay's ids (and words only Bay's data contains): none may come back to Acme, nor change. */
const victim = {
  partnershipId: '',
  connectionId: '',
  listingId: '',
  orderLinkId: '',
  invoiceId: '',
  runId: '',
  productNumericId: '',
  orderNumericId: '777001',
};
const MARKERS = () => [bay.supplierDomain, 'Bay Secret Lamp', 'BAY-LAMP', victim.partnershipId, victim.connectionId, victim.listingId, victim.orderLinkId, victim.invoiceId, victim.runId, '#BAY-1001'];

interface Attempt {
  /** What Acme tries, in words. */
  try: string;
  call: 'loader' | 'action';
  path: string;
  params?: Record<string, string>;
  form?: () => Record<string, string>;
  method?: string;
  /** The statuses an honest refusal may have; a 200 is allowed only when listed, and never carries Bay's data. */
  refused: number[];
  /** No Bearer token: routes authenticated by something else (Shopify's HMAC) or by nothing. */
  anonymous?: boolean;
}

const webhook = (topic: string): Attempt => ({ try: `${topic} with Acme's session token instead of Shopify's HMAC`, call: 'action', path: `/webhooks/${topic}`, form: () => ({ shop: bay.supplierDomain }), refused: [400, 401] });

/** Every route file and what Acme tries there. An empty list says why there is nothing to try. */
const ROUTES: Record<string, Attempt[] | { noShopData: string; attempts: Attempt[] }> = {
  '_index.tsx': { noShopData: 'redirects to /app or the login page', attempts: [{ try: 'open the app URL with Bay’s shop', call: 'loader', path: `/?shop=BAY`, refused: [302], anonymous: true }] },
  'app.tsx': { noShopData: 'the frame: app key and App Bridge URL only', attempts: [{ try: 'load the frame', call: 'loader', path: '/app', refused: [200] }] },
  'auth.$.tsx': { noShopData: 'shopify-app-remix auth paths', attempts: [{ try: 'open an auth path for Bay', call: 'loader', path: `/auth/session-token?shop=BAY`, refused: [200, 302, 400, 401, 410] }] },
  'auth.login.tsx': { noShopData: 'asks for a shop domain, then redirects to Shopify', attempts: [] },
  'healthz.tsx': { noShopData: 'database and Redis up or down', attempts: [{ try: 'read health', call: 'loader', path: '/healthz', refused: [200, 503], anonymous: true }] },
  'app._index.tsx': [{ try: 'read the home screen', call: 'loader', path: '/app', refused: [200] }],
  'app.activity.tsx': [
    { try: 'read Activity, every kind', call: 'loader', path: '/app/activity', refused: [200] },
    { try: 'retry Bay’s failed run', call: 'action', path: '/app/activity', form: () => ({ target: 'run', id: victim.runId }), refused: [404] },
    { try: 'retry Bay’s failed order', call: 'action', path: '/app/activity', form: () => ({ target: 'order', id: victim.orderLinkId }), refused: [404] },
    { try: 'retry Bay’s given-up invoice', call: 'action', path: '/app/activity', form: () => ({ target: 'invoice', id: victim.invoiceId }), refused: [404] },
  ],
  'app.approvals.tsx': [
    { try: 'read approvals', call: 'loader', path: '/app/approvals', refused: [200] },
    { try: 'approve the listing Bay offers Cove', call: 'action', path: '/app/approvals', form: () => ({ intent: 'approve', listingIds: victim.listingId }), refused: [404] },
    { try: 'reject it', call: 'action', path: '/app/approvals', form: () => ({ intent: 'reject', listingIds: victim.listingId }), refused: [404] },
  ],
  'app.connectors._index.tsx': [{ try: 'list connectors', call: 'loader', path: '/app/connectors', refused: [200] }],
  'app.connectors.$id.tsx': [
    { try: 'open the Shopify connector page', call: 'loader', path: '/app/connectors/shopify', params: { id: 'shopify' }, refused: [200] },
    { try: 'test Bay’s connection', call: 'action', path: '/app/connectors/shopify', params: { id: 'shopify' }, form: () => ({ intent: 'test', connectionId: victim.connectionId }), refused: [404] },
    { try: 'change its purposes', call: 'action', path: '/app/connectors/shopify', params: { id: 'shopify' }, form: () => ({ intent: 'purposes', connectionId: victim.connectionId, purposes: 'catalog_target' }), refused: [404] },
    { try: 'disconnect it', call: 'action', path: '/app/connectors/shopify', params: { id: 'shopify' }, form: () => ({ intent: 'disconnect', connectionId: victim.connectionId }), refused: [404] },
  ],
  'app.connectors.$id.authorize.tsx': [
    // The sign-in is always for the session's own shop: a shop named in the form is ignored.
    { try: 'start a Xero sign-in naming Bay’s shop', call: 'action', path: '/app/connectors/xero/authorize', params: { id: 'xero' }, form: () => ({ shop: bay.supplierDomain, shopId: bay.supplierShopId, clientId: 'acme-client', clientSecret: 'acme-secret' }), refused: [200, 400] },
  ],
  'connectors.$id.callback.tsx': [
    // No Shopify session here: only a state Tandem issued names a shop, and a forged one names none.
    { try: 'finish a Xero sign-in with a forged state', call: 'loader', path: '/connectors/xero/callback?state=forged-state&code=stolen-code', params: { id: 'xero' }, refused: [400], anonymous: true },
  ],
  'app.partners._index.tsx': [
    { try: 'list partnerships', call: 'loader', path: '/app/partners', refused: [200] },
    ...(['accept', 'decline', 'end'] as const).map((intent): Attempt => ({ try: `${intent} Bay’s partnership from the list`, call: 'action', path: '/app/partners?index', form: () => ({ intent, partnershipId: victim.partnershipId }), refused: [404] })),
  ],
  'app.partners.$id.tsx': [
    { try: 'read Bay’s partnership settings', call: 'loader', path: '/app/partners/x', params: { id: 'victim' }, refused: [404] },
    {
      try: 'save its settings',
      call: 'action',
      path: '/app/partners/x',
      params: { id: 'victim' },
      form: () => ({ intent: 'save', forceOverwrite: 'true', markupPercent: '0', fixedAdd: '0', rounding: 'none', feePercent: '0', currency: '', billingMethod: 'invoice' }),
      refused: [404],
    },
    { try: 'end it', call: 'action', path: '/app/partners/x', params: { id: 'victim' }, form: () => ({ intent: 'end' }), refused: [404] },
  ],
  'app.sync.tsx': [
    { try: 'read the progress of Bay’s run', call: 'loader', path: '/app/sync?run=victim', refused: [200] },
    { try: 'run Bay’s catalog sync', call: 'action', path: '/app/sync', form: () => ({ kind: 'catalog.sync', partnershipId: victim.partnershipId, mode: 'FULL' }), refused: [404] },
    { try: 'run Bay’s inventory push', call: 'action', path: '/app/sync', form: () => ({ kind: 'inventory.push', partnershipId: victim.partnershipId, mode: 'PARTIAL' }), refused: [404] },
  ],
  'api.products.$id.sync.tsx': [
    { try: 'read where Bay’s product stands', call: 'loader', path: '/api/products/x/sync', params: { id: 'product' }, refused: [200] },
    { try: 'sync Bay’s product to partners', call: 'action', path: '/api/products/x/sync', params: { id: 'product' }, method: 'POST', form: () => ({}), refused: [200] },
  ],
  'api.orders.$id.routing.tsx': [{ try: 'read where Cove’s order to Bay went', call: 'loader', path: '/api/orders/x/routing', params: { id: 'order' }, refused: [200] }],
  'webhooks.app.uninstalled.tsx': [webhook('app/uninstalled')],
  'webhooks.bulk_operations.finish.tsx': [webhook('bulk_operations/finish')],
  'webhooks.compliance.tsx': [webhook('shop/redact')],
  'webhooks.fulfillments.create.tsx': [webhook('fulfillments/create')],
  'webhooks.inventory_levels.update.tsx': [webhook('inventory_levels/update')],
  'webhooks.orders.create.tsx': [webhook('orders/create')],
  'webhooks.orders.updated.tsx': [webhook('orders/updated')],
  'webhooks.products.update.tsx': [webhook('products/update')],
};

const attemptsOf = (file: string) => {
  const entry = ROUTES[file]!;
  return Array.isArray(entry) ? entry : entry.attempts;
};

/** The placeholders stand for Bay's ids, known once the world is built. */
const PARAM_VALUES: Record<string, () => string> = { victim: () => victim.partnershipId, product: () => victim.productNumericId, order: () => victim.orderNumericId };
const resolvePath = (path: string) => path.replace('run=victim', `run=${victim.runId}`).replace('shop=BAY', `shop=${bay.supplierDomain}`);

interface Answer {
  status: number;
  body: string;
}

/** Calls a route module's loader or action as Remix does, returning what it answered or threw. */
async function attempt(file: string, a: Attempt, shop = ACME): Promise<Answer> {
  const route = (await import(/* @vite-ignore */ `${routesDir}${file}`)) as Record<string, ((args: unknown) => Promise<unknown>) | undefined>;
  const fn = route[a.call];
  if (!fn) throw new Error(`${file} has no ${a.call}`);
  const url = `http://localhost:3000${resolvePath(a.path)}`;
  const headers: Record<string, string> = a.anonymous ? {} : { Authorization: `Bearer ${mintSessionToken(sim.sim, shop)}` };
  const form = a.form?.();
  const request = form ? new Request(url, { method: a.method ?? 'POST', headers, body: new URLSearchParams(form) }) : new Request(url, { headers });
  const params = Object.fromEntries(Object.entries(a.params ?? {}).map(([k, v]) => [k, PARAM_VALUES[v]?.() ?? v]));
  let out: unknown;
  try {
    out = await fn({ request, params, context: {} });
  } catch (thrown) {
    out = thrown;
  }
  if (out instanceof Response) return { status: out.status, body: out.body ? await out.text() : '' };
  if (out instanceof Error) throw out;
  const init = (out as { init?: { status?: number } } | null)?.init;
  if (out && typeof out === 'object' && 'type' in out && (out as { type: unknown }).type === 'DataWithResponseInit') {
    return { status: init?.status ?? 200, body: JSON.stringify((out as unknown as { data: unknown }).data) };
  }
  return { status: 200, body: JSON.stringify(out) };
}

/** What Bay owns, as it stands: nothing of it may change whatever Acme tries. */
async function bayState() {
  const [partnership, connection, listing, orderLink, invoice, runs, alerts] = await Promise.all([
    t.db.partnership.findUniqueOrThrow({ where: { id: victim.partnershipId } }),
    t.db.connection.findUniqueOrThrow({ where: { id: victim.connectionId } }),
    t.db.listing.findUniqueOrThrow({ where: { id: victim.listingId } }),
    t.db.orderLink.findUniqueOrThrow({ where: { id: victim.orderLinkId } }),
    t.db.invoice.findUniqueOrThrow({ where: { id: victim.invoiceId } }),
    t.db.syncRun.findMany({ where: { partnershipId: victim.partnershipId }, orderBy: { id: 'asc' } }),
    t.db.alert.findMany({ where: { shopId: bay.supplierShopId } }),
  ]);
  return { partnership, connection, listing, orderLink, invoice, runs, alerts };
}

async function jobsFor(partnershipId: string) {
  const jobs = await Promise.all(QUEUE_NAMES.map((q) => queues.get(q).getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'])));
  return jobs.flat().filter((j) => JSON.stringify(j?.data ?? {}).includes(partnershipId));
}

beforeAll(async () => {
  sim = await startShopifySimulator({ latencyMs: 0, app: { clientId: env().SHOPIFY_API_KEY, clientSecret: env().SHOPIFY_API_SECRET, scopes: env().SCOPES } });
  Object.assign(process.env, { SHOPIFY_ADMIN_ORIGIN: sim.url, REDIS_PREFIX: prefix });
  resetEnvCache();
  t = await createTestDatabase('chaos_isolation');
  useDatabase(t.db);
  queues = openQueues({ connection: redis, prefix });

  // Bay supplies Cove; Cove has Bay's lamp waiting for approval, a failed order, invoice and run.
  bay = await createPartners(t.db, sim, { supplierDomain: 'bay-victim.myshopify.com', retailerDomain: 'cove-retail.myshopify.com' });
  const [lamp] = sim.seedProducts(bay.supplierDomain, [productWith('Bay Secret Lamp', ['BAY-LAMP'], '30.00')]);
  await syncCatalogToPartner(createSyncContext(t.db), bay.partnershipId, { mode: 'FULL', trigger: 'manual' });
  const listing = await t.db.listing.findFirstOrThrow({ where: { partnershipId: bay.partnershipId } });
  const orderLink = await t.db.orderLink.create({
    data: {
      partnershipId: bay.partnershipId,
      retailerOrderId: `gid://shopify/Order/${victim.orderNumericId}`,
      retailerOrderName: '#BAY-1001',
      content: {},
      contentHash: 'h',
      totalAmount: '30.00',
      currency: 'USD',
      retailerCreatedAt: new Date(),
      state: 'FAILED',
      failureReason: 'PLATFORM_ERROR',
    },
  });
  const invoice = await t.db.invoice.create({ data: { orderLinkId: orderLink.id, connectionId: bay.supplierConnectionId, idempotencyKey: 'bay-invoice-1', status: 'GAVE_UP', givenUpAt: new Date(), lastError: 'Xero refused' } });
  const run = await t.db.syncRun.create({ data: { shopId: bay.supplierShopId, partnershipId: bay.partnershipId, kind: 'catalog.sync', mode: 'FULL', trigger: 'manual', status: 'FAILED', jobId: 'bay-run', finishedAt: new Date() } });
  Object.assign(victim, {
    partnershipId: bay.partnershipId,
    connectionId: bay.supplierConnectionId,
    listingId: listing.id,
    orderLinkId: orderLink.id,
    invoiceId: invoice.id,
    runId: run.id,
    productNumericId: String(lamp!.id).split('/').pop(),
  });

  // Acme: installed, supplying Cove too (so Cove's name may show to Acme; Bay's data may not).
  sim.createShop({ domain: ACME });
  const acme = await t.db.shop.create({ data: { domain: ACME, role: 'SUPPLIER' } });
  const acmeStore = await t.db.connection.create({
    data: { shopId: acme.id, platform: 'shopify', externalAccount: ACME, credentials: sealCredentials({ accessToken: sim.issueToken(ACME).access_token }), config: { shop: ACME, baseUrlOverride: sim.url }, purposes: ['catalog_source'] },
  });
  await t.db.partnership.create({
    data: { supplierShopId: acme.id, retailerShopId: bay.retailerShopId, invitedByShopId: acme.id, status: 'ACTIVE', acceptedAt: new Date(), sourceConnectionId: acmeStore.id, targetConnectionId: bay.retailerConnectionId },
  });
});

afterAll(async () => {
  await closeAppQueues();
  await queues?.close();
  await sim?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await t?.drop();
  for (const key of ['SHOPIFY_ADMIN_ORIGIN', 'REDIS_PREFIX']) delete process.env[key];
  resetEnvCache();
});

describe('when a new route file appears', () => {
  it('is listed in the isolation table, with what another shop may try there', () => {
    const files = readdirSync(routesDir)
      .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
      .sort();
    expect(files).toEqual(Object.keys(ROUTES).sort());
  });
});

const cases = Object.keys(ROUTES).flatMap((file) => attemptsOf(file).map((a) => [file, a.try, a] as const));

describe('when Acme aims its session at Bay’s data', () => {
  let before: Awaited<ReturnType<typeof bayState>>;
  beforeAll(async () => {
    before = await bayState();
  });

  it.each(cases)('%s: %s is refused and shows none of Bay’s data', async (file, _what, a) => {
    const answer = await attempt(file, a);

    expect(a.refused).toContain(answer.status);
    for (const marker of MARKERS()) expect(answer.body, `${file} answered with ${marker}`).not.toContain(marker);
  });

  it('left every one of Bay’s rows as it was and queued no work for Bay', async () => {
    expect(await bayState()).toEqual(before);
    expect(await jobsFor(victim.partnershipId)).toEqual([]);
    // A sign-in Acme started is Acme's: none waits to connect an account to Bay.
    expect(await t.db.oAuthAuthorization.count({ where: { shopId: bay.supplierShopId } })).toBe(0);
  });
});

// The same requests from the shops that own the data do reach it: the ids and paths above are
// right, so Acme's refusals come from whose session it is.
describe('when Bay and Cove use the same requests on their own data', () => {
  const read = (file: string, what: string) => attemptsOf(file).find((a) => a.try === what)!;

  it.each([
    ['app.partners.$id.tsx', 'read Bay’s partnership settings', 'bay', (): string => victim.partnershipId],
    ['app.sync.tsx', 'read the progress of Bay’s run', 'bay', (): string => victim.runId],
    ['app.activity.tsx', 'read Activity, every kind', 'bay', (): string => victim.runId],
    ['app.approvals.tsx', 'read approvals', 'cove', (): string => 'Bay Secret Lamp'],
    ['api.orders.$id.routing.tsx', 'read where Cove’s order to Bay went', 'cove', (): string => '#BAY-1001'],
    ['api.products.$id.sync.tsx', 'read where Bay’s product stands', 'bay', (): string => victim.partnershipId],
    ['app.connectors.$id.tsx', 'open the Shopify connector page', 'bay', (): string => victim.connectionId],
  ] as const)('%s: %s shows the owner its data', async (file, what, owner, expected) => {
    const answer = await attempt(file, read(file, what), owner === 'bay' ? bay.supplierDomain : bay.retailerDomain);

    expect(answer.status).toBe(200);
    expect(answer.body).toContain(expected());
  });
});
