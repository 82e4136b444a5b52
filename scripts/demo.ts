// `npm run demo`: Tandem end to end on the embedded defaults, driven the way merchants and
// platforms drive it. Starts the platform simulators (a supplier Shopify, two retailer Shopifys,
// a WooCommerce supplier, Xero, Stripe), the app and a worker in this one process (embedded PGlite
// serves one connection), then tells the story: install, partner up, connect, catalog sync through
// the job queue, approval, an order with oversell protection, forwarding, fulfillment back, the
// invoice to Xero and the next day's charge. Prints a summary and keeps the admin open in the browser.
// `npm run demo -- --once` stops after the summary; `--port` changes the app's port (3000).
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { env, resetEnvCache } from '../app/env.server.ts';
import { mintSessionToken } from '../simulators/shopify/index.ts';
import { ACME, CORNER, HARBOR, LOOM, SHOPS, control, startWorld } from './demo/world.ts';
import { jobFinished, until } from './demo/jobs.ts';
import { elapsed, heading, money, say, step, table } from './demo/report.ts';

const { values: args } = parseArgs({ options: { once: { type: 'boolean', default: false }, port: { type: 'string', default: '3000' } } });
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const DEFAULT_DEMO_DIR = '.tandem/demo';
const SKU = 'TOTE-NAT';

async function requireRedis(url: string) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    console.error(
      `Tandem needs Redis at ${url} for its job queues, and none answered.\n` +
        '  Debian/Ubuntu: apt-get install -y redis-server && redis-server --daemonize yes --save "" --appendonly no\n' +
        '  macOS:         brew install redis && brew services start redis\n' +
        'Or point REDIS_URL at a running Redis.',
    );
    process.exit(1);
  } finally {
    redis.disconnect();
  }
}

/**
 * The demo starts from an empty database each run (the simulators forget everything when they
 * stop): embedded PGlite in .tandem/demo (or an empty PGLITE_DIR), or with DATABASE_URL its own
 * `tandem_demo` schema.
 */
async function freshDatabase() {
  const { openPglite, openPostgres, useDatabase } = await import('../app/db.server.ts');
  const url = process.env.DATABASE_URL;
  if (url) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('DROP SCHEMA IF EXISTS tandem_demo CASCADE');
    await admin.end();
    const opened = await openPostgres({ url, schema: 'tandem_demo', poolSize: 4 });
    useDatabase(opened.db);
    return { ...opened, where: `PostgreSQL, schema tandem_demo` };
  }
  const dir = env().PGLITE_DIR;
  if (dir === DEFAULT_DEMO_DIR) await rm(dir, { recursive: true, force: true });
  else if (existsSync(dir) && (await readdir(dir)).length > 0) {
    console.error(`PGLITE_DIR=${dir} is not empty. The demo starts from an empty database: unset PGLITE_DIR (the demo then uses ${DEFAULT_DEMO_DIR}) or give an empty directory.`);
    process.exit(1);
  }
  const opened = await openPglite(dir);
  useDatabase(opened.db);
  return { ...opened, where: `embedded PGlite in ${path.resolve(dir)}` };
}

// ---------------------------------------------------------------------------------------------

console.log('Tandem demo: a wholesaler, two retailers and a WooCommerce maker, on local stand-ins for Shopify, WooCommerce, Xero and Stripe.');

step('Checking Redis');
const redisUrl = env().REDIS_URL;
await requireRedis(redisUrl);
// A prefix of its own: nothing from another run or deployment on this Redis reaches the demo.
const prefix = `tandem-demo-${randomBytes(4).toString('hex')}`;
say(`${redisUrl}, keys under "${prefix}"`);

step('Starting the platform simulators');
const appUrl = `http://localhost:${args.port}`;
const app = { clientId: env().SHOPIFY_API_KEY, clientSecret: env().SHOPIFY_API_SECRET, appUrl, scopes: env().SCOPES };
const world = await startWorld(app);
const { shopify, woo, xero, stripe } = world;
const stripeCallsBefore = stripe.state.requests.length;
say(`Shopify      ${shopify.url}   ${SHOPS.map((s) => s.name).join(', ')}`);
say(`WooCommerce  ${world.wooSite.url}   Loom & Thread's shop`);
say(`Xero         ${xero.url}   Acme's books`);
say(`Stripe       ${stripe.url}   Acme's payments`);
// The demo app's OAuth2 redirect URI, registered with the Xero simulator as Xero's developer portal requires.
xero.state.apps.get(xero.clientId)?.redirectUris.push(`${appUrl}/connectors/xero/callback`);
say(`Acme's Shopify catalog: Canvas Tote (TOTE-NAT 40, TOTE-BLK 25), Enamel Mug (MUG-WHT 120), Linen Apron (APRON-OAT 18)`);
say(`Loom & Thread's WooCommerce catalog: Wool Throw (THROW-GRY 12), Linen Shirt (SHIRT-S 5, SHIRT-M 7)`);

// The Shopify library's request-by-request log would drown the story; warnings and errors still show.
Object.assign(process.env, {
  SHOPIFY_APP_URL: appUrl,
  SHOPIFY_ADMIN_ORIGIN: shopify.url,
  // "Sign in with Xero" on the Connectors page goes to the Xero simulator and back.
  CONNECTOR_ORIGINS: `xero=${xero.url}`,
  PORT: args.port,
  REDIS_PREFIX: prefix,
  PGLITE_DIR: process.env.PGLITE_DIR ?? DEFAULT_DEMO_DIR,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
});
resetEnvCache();

step('Starting Tandem: the web app and a worker running every queue');
// The embedded database, the app's compiled routes and the engine modules get ready side by side.
const opening = freshDatabase();
await import('../server.ts');
// The first request compiles the app's routes; this one needs no database.
const warming = (async () => {
  for (let tries = 0; ; tries++) {
    try {
      return await fetch(`${appUrl}/`, { redirect: 'manual' });
    } catch (err) {
      if (tries >= 50) throw err; // Not listening yet: server.ts binds its port just after loading.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
})();
const [
  { openQueues, openRedis },
  { useQueues },
  { startWorkers },
  { engineHandlers },
  { engineRedisDeps },
  { requestManualRun, enqueue },
  { oversell, OversellPayload },
  { billingDaily },
  { jobIdOf },
  { syncAllSchedules },
  { createSyncContext },
  { connect, connectStripe },
  { invitePartner, respondToInvitation, listPartnerships, savePartnerSettings, PartnerSettingsInput, chooseCatalogSource },
  { listPendingApprovals, approveListings, rejectListings },
  { localDayOf, localDayBounds },
] = await Promise.all([
  import('../app/jobs/queues.server.ts'),
  import('../app/jobs/app-queues.server.ts'),
  import('../app/jobs/worker.server.ts'),
  import('../app/jobs/handlers.server.ts'),
  import('../app/jobs/engine-redis.server.ts'),
  import('../app/jobs/enqueue.server.ts'),
  import('../app/jobs/oversell.server.ts'),
  import('../app/jobs/billing-daily.server.ts'),
  import('../app/jobs/job-definition.server.ts'),
  import('../app/jobs/schedules.server.ts'),
  import('../app/sync/connections.server.ts'),
  import('../app/sync/connections-admin.server.ts'),
  import('../app/sync/partners.server.ts'),
  import('../app/sync/approvals.server.ts'),
  import('../app/sync/billing.server.ts'),
]);
const [database] = await Promise.all([opening, warming]);
const db = database.db;
say(`Database: ${database.where} (migrated)`);
const redis = { connection: openRedis(redisUrl), prefix };
const queues = openQueues(redis);
useQueues(queues);
// The platforms' simulators stand in for their real hosts; connections keep their production settings.
const baseUrlOverrides = { shopify: shopify.url, xero: xero.url };
const workers = startWorkers({
  db,
  redis,
  handlers: engineHandlers({ ...engineRedisDeps(redis), stripeFor: world.stripeFor, context: { baseUrlOverrides } }),
});
say(`App ${appUrl}, worker on ${workers.workers.length} queues`);

let exiting = false;
async function shutdown(code: number) {
  if (exiting) return;
  exiting = true;
  await workers.close().catch(() => {});
  await queues.close().catch(() => {});
  // Every key the demo's app and worker wrote is under its prefix (test/redis-prefix.int.test.ts).
  let cursor = '0';
  do {
    const [next, keys] = await redis.connection.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.connection.del(...keys);
  } while (cursor !== '0');
  redis.connection.disconnect();
  await world.close().catch(() => {});
  await database.close().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  step('Each merchant installs Tandem from the Shopify admin (session token → token exchange)');
  for (const shop of SHOPS) {
    const host = Buffer.from(`${shop.domain}/admin`).toString('base64url');
    const res = await fetch(`${appUrl}/app?shop=${shop.domain}&host=${host}&embedded=1&id_token=${mintSessionToken(shopify.sim, shop.domain)}`, { headers: { 'User-Agent': BROWSER } });
    if (res.status !== 200) throw new Error(`Opening Tandem as ${shop.domain} answered HTTP ${res.status}`);
    say(`${shop.domain.padEnd(32)} HTTP ${res.status}`);
  }
  const shopRow = (domain: string) => db.shop.findUniqueOrThrow({ where: { domain } });
  const [acme, corner, harbor, loom] = await Promise.all([ACME, CORNER, HARBOR, LOOM].map((s) => shopRow(s.domain)));
  say(`Shops: ${[acme, corner, harbor, loom].map((s) => `${s.name} (${s.timezone})`).join(', ')}; each store connected for the engine`);

  step('Partners link up');
  const acmeCorner = await invitePartner(db, ACME.domain, { partner: CORNER.domain, myRole: 'SUPPLIER' });
  await respondToInvitation(db, CORNER.domain, acmeCorner.id, true);
  say(`Acme invites Corner Store by domain; Corner Store accepts`);
  const { inviteCode } = await listPartnerships(db, ACME.domain);
  const acmeHarbor = await invitePartner(db, HARBOR.domain, { partner: inviteCode, myRole: 'RETAILER' });
  await respondToInvitation(db, ACME.domain, acmeHarbor.id, true);
  say(`Harbor Goods asks Acme with Acme's invite code; Acme accepts`);
  const loomHarbor = await invitePartner(db, LOOM.domain, { partner: HARBOR.domain, myRole: 'SUPPLIER' });
  await respondToInvitation(db, HARBOR.domain, loomHarbor.id, true);
  say(`Loom & Thread invites Harbor Goods; Harbor Goods accepts`);
  const settings = (markupPercent: string, rounding: string) =>
    PartnerSettingsInput.parse({ pushInventory: 'on', oversellProtection: 'on', markupPercent, fixedAdd: '0', rounding, feePercent: '2', currency: 'USD', billingMethod: 'payment_intent' });
  await savePartnerSettings(db, ACME.domain, acmeCorner.id, settings('100', 'none'));
  await savePartnerSettings(db, ACME.domain, acmeHarbor.id, settings('80', 'x.99'));
  await savePartnerSettings(db, LOOM.domain, loomHarbor.id, settings('60', 'x.95'));
  say(`Settings: Corner Store +100%, Harbor Goods +80% (x.99) and +60% (x.95); oversell protection on; billed daily, 2% fee, USD`);

  step('Merchants connect their other platforms (Connectors; credentials stored encrypted)');
  const wooConnection = await connect(db, LOOM.domain, 'woocommerce', { siteUrl: world.wooSite.url, apiKey: world.wooSite.consumerKey, apiSecret: world.wooSite.consumerSecret, displayName: 'Loom & Thread shop' });
  await chooseCatalogSource(db, LOOM.domain, loomHarbor.id, wooConnection.id);
  say(`Loom & Thread connects its WooCommerce site and picks it as Harbor Goods' catalog source`);
  const xeroTokens = await control<{ tokenSet: { access_token: string; refresh_token: string } }>(xero.url, '/_control/consent', { clientId: xero.clientId, tenantIds: [xero.tenantId] });
  await connect(db, ACME.domain, 'xero', {
    tenantId: xero.tenantId,
    clientId: xero.clientId,
    accessToken: xeroTokens.tokenSet.access_token,
    refreshToken: xeroTokens.tokenSet.refresh_token,
    displayName: 'Acme books',
    purposes: 'accounting',
  });
  say(`Acme connects Xero as its accounting system (consent given in Xero, tenant ${xero.tenantId})`);
  const stripeConnection = await connectStripe(db, ACME.domain, { secretKey: world.acmeStripe.secretKey }, { stripeFor: world.stripeFor });
  say(`Acme connects Stripe: key checked against ${stripeConnection.account}`);
  const sealed = await db.connection.findMany({ where: { platform: { in: ['woocommerce', 'xero', 'stripe'] } }, select: { credentials: true } });
  const secrets = [world.wooSite.consumerSecret, xeroTokens.tokenSet.refresh_token, world.acmeStripe.secretKey];
  if (sealed.some((c) => secrets.some((s) => c.credentials.includes(s)))) throw new Error('A credential was stored in plain text');

  step('Catalog sync: a Full run per partnership, through the job queue');
  const partnerships = [
    { id: acmeCorner.id, label: 'Acme → Corner Store', supplier: acme, source: 'Shopify' },
    { id: acmeHarbor.id, label: 'Acme → Harbor Goods', supplier: acme, source: 'Shopify' },
    { id: loomHarbor.id, label: 'Loom & Thread → Harbor Goods', supplier: loom, source: 'WooCommerce' },
  ];
  // One supplier's runs one after the other: each Full run pulls the supplier's catalog again, and
  // two pulls of one catalog at once stop each other (the checkpoint moves under one of them).
  const catalogRun = async (p: (typeof partnerships)[number]) => {
    const run = await requestManualRun(db, queues, { queue: 'catalog.sync', shopId: p.supplier.id, partnershipId: p.id, mode: 'FULL' });
    await jobFinished(queues, 'catalog.sync', run.jobId);
    return run;
  };
  const [acmeRuns, loomRun] = await Promise.all([
    (async () => [await catalogRun(partnerships[0]!), await catalogRun(partnerships[1]!)])(),
    catalogRun(partnerships[2]!),
  ]);
  const catalogRuns = [...acmeRuns, loomRun];
  for (const [i, p] of partnerships.entries()) {
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: catalogRuns[i]!.syncRunId! } });
    const listings = await db.listing.count({ where: { partnershipId: p.id, partnerProductId: { not: null } } });
    say(`${p.label.padEnd(30)} ${run.status.toLowerCase()}: ${listings} variants offered as drafts, ${run.apiCalls} API calls`);
  }

  step('Retailers review what was offered (approvals)');
  const ctx = createSyncContext(db, { baseUrlOverrides });
  const cornerOffers = await listPendingApprovals(db, corner.id);
  const cornerWants = cornerOffers.filter((o) => o.productTitle !== 'Linen Apron');
  await approveListings(ctx, corner.id, cornerWants.map((o) => o.listingId));
  await rejectListings(db, corner.id, cornerOffers.filter((o) => o.productTitle === 'Linen Apron').map((o) => o.listingId));
  say(`Corner Store approves ${[...new Set(cornerWants.map((o) => o.productTitle))].join(' and ')} (${cornerWants.length} variants), rejects Linen Apron`);
  const harborOffers = await listPendingApprovals(db, harbor.id);
  await approveListings(ctx, harbor.id, harborOffers.map((o) => o.listingId));
  say(`Harbor Goods approves all ${harborOffers.length} variants from Acme and Loom & Thread`);
  const pushRuns = await Promise.all(partnerships.map((p) => requestManualRun(db, queues, { queue: 'inventory.push', shopId: p.supplier.id, partnershipId: p.id, mode: 'FULL' })));
  await Promise.all(pushRuns.map((r) => jobFinished(queues, 'inventory.push', r.jobId)));
  say(`Stock pushed to the approved listings (inventory.push, Full)`);
  const published = (domain: string) => shopify.products(domain).filter((p) => p.status === 'ACTIVE').map((p) => p.title);
  say(`Live at Corner Store: ${published(CORNER.domain).join(', ')}; at Harbor Goods: ${published(HARBOR.domain).join(', ')}`);

  step(`A shopper buys 3 × Canvas Tote (Natural) at Corner Store`);
  const available = (domain: string) => shopify.inventoryBySku(domain, SKU)[0]?.available ?? 0;
  const stockShops = [ACME, CORNER, HARBOR];
  const before = stockShops.map((s) => available(s.domain));
  const order = await control<{ id: string; name: string }>(shopify.url, `/_control/shops/${CORNER.domain}/orders`, {
    lineItems: [{ sku: SKU, quantity: 3 }],
    email: 'sam@shopper.example',
    shippingAddress: { firstName: 'Sam', lastName: 'Shopper', address1: '12 Quay Street', city: 'Bristol', countryCode: 'GB', zip: 'BS1 4DJ' },
  });
  say(`Order ${order.name} placed (POST /_control/shops/${CORNER.domain}/orders); Shopify sends the signed orders/create webhook`);
  await jobFinished(queues, 'oversell', oversell.jobId(OversellPayload.parse({ shopId: corner.id, orderId: order.id, shopDomain: CORNER.domain, lines: [] })));
  await until('the netted count at all three shops', () => stockShops.every((s) => available(s.domain) === before[0]! - 3));
  const after = stockShops.map((s) => available(s.domain));
  say(`Oversell protection netted ${SKU} at the supplier and pushed the new count to both retailers:`);
  table(['shop', `${SKU} before`, 'after'], stockShops.map((s, i) => [s.name, before[i]!, after[i]!]));

  step('The order goes to the supplier, and its invoice to Acme’s Xero');
  // The same webhook queued an order pull for the partnership: it forwards the order to Acme and
  // posts the invoice for it to Acme's accounting system.
  const forwardedLink = () => db.orderLink.findFirst({ where: { partnershipId: acmeCorner.id, supplierOrderId: { not: null } }, include: { invoices: true } });
  await until(`order ${order.name} forwarded to Acme with its invoice settled`, async () => {
    const found = await forwardedLink();
    return Boolean(found && found.invoices.every((i) => i.status !== 'PENDING'));
  });
  const link = (await forwardedLink())!;
  const supplierOrder = shopify.orders(ACME.domain).find((o) => o.id === link.supplierOrderId)!;
  // The copy Tandem placed at Acme fires Acme's own orders/create: the guard knows it and nets nothing twice.
  await jobFinished(queues, 'oversell', oversell.jobId(OversellPayload.parse({ shopId: acme.id, orderId: supplierOrder.id, shopDomain: ACME.domain, lines: [] })));
  say(`Corner Store ${link.retailerOrderName} → Acme ${supplierOrder.name} (sent by the order pull its orders/create webhook queued); Acme's ${SKU} stays at ${available(ACME.domain)}`);
  const invoiceRow = link.invoices[0];
  const xeroInvoice = invoiceRow?.externalInvoiceId ? xero.snapshot().invoices.find((i) => i.InvoiceID === invoiceRow.externalInvoiceId) : undefined;
  const invoiceText = xeroInvoice
    ? `${String(xeroInvoice.InvoiceNumber)} (${String(xeroInvoice.Status).toLowerCase()}, ${String(xeroInvoice.CurrencyCode)} ${Number(xeroInvoice.Total).toFixed(2)})`
    : `not posted: ${invoiceRow ? `${invoiceRow.status.toLowerCase()}, ${invoiceRow.lastError}` : 'no invoice was recorded'}`;
  say(`Xero invoice ${invoiceText}`);

  step('Acme ships it from its Shopify admin, with tracking; Tandem copies the shipment back (fulfillments.push)');
  const tracking = { company: 'UPS', number: '1Z999AA10123456784', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' };
  await control(shopify.url, `/_control/shops/${ACME.domain}/orders/${encodeURIComponent(supplierOrder.id)}/fulfillments`, tracking);
  const push = await enqueue(queues, 'fulfillments.push', { shopId: acme.id, partnershipId: acmeCorner.id, trigger: 'manual', requestedAt: Date.now() });
  await jobFinished(queues, 'fulfillments.push', push.jobId);
  const retailerOrder = shopify.orders(CORNER.domain).find((o) => o.id === order.id)!;
  const shipped = retailerOrder.fulfillments.flatMap((f) => f.tracking);
  say(`At Corner Store, ${retailerOrder.name} shows ${shipped.map((t) => `${t.company} ${t.number}`).join(', ') || 'no tracking'}`);

  step('Next morning: the daily billing for the previous day (billing.daily, against Stripe)');
  // The demo plays the scheduler: the run due 00:15 tomorrow in Acme's time zone bills today.
  const day = localDayOf(new Date(), acme.timezone);
  const dueAt = localDayBounds(day, acme.timezone).end.getTime() + 15 * 60_000;
  const billingRun = async (attempt: string) => {
    const jobId = jobIdOf('billing-daily', 'demo', day, attempt);
    await queues.get('billing.daily').add('billing.daily', {}, { ...billingDaily.options, jobId, timestamp: dueAt });
    return jobFinished(queues, 'billing.daily', jobId);
  };
  const billed = await billingRun('first');
  const charge = await db.charge.findUniqueOrThrow({ where: { partnershipId_day: { partnershipId: acmeCorner.id, day } } });
  say(`${day}: Corner Store charged ${money(charge.amountCents, charge.currency)} for ${charge.orderCount} order (${charge.status.toLowerCase()}, ${charge.stripeId}); ${billed.counts?.skipped ?? 0} partnerships had nothing to bill`);
  const again = await billingRun('again');
  say(`The same day billed again: ${again.counts?.already_billed ?? 0} already billed, ${again.counts?.succeeded ?? 0} new charges`);

  // -------------------------------------------------------------------------------------------
  heading('Summary');
  const approvals = await db.listing.groupBy({ by: ['partnershipId', 'approval'], _count: true });
  const countOf = (partnershipId: string, approval: string) => approvals.find((a) => a.partnershipId === partnershipId && a.approval === approval)?._count ?? 0;
  console.log('\nCatalog');
  table(
    ['partnership', 'source', 'variants synced', 'approved', 'rejected'],
    partnerships.map((p) => [p.label, p.source, countOf(p.id, 'APPROVED') + countOf(p.id, 'PENDING') + countOf(p.id, 'REJECTED'), countOf(p.id, 'APPROVED'), countOf(p.id, 'REJECTED')]),
  );
  console.log(`\nStock of ${SKU} (3 sold at Corner Store)`);
  table(['shop', 'before', 'after'], stockShops.map((s, i) => [s.name, before[i]!, after[i]!]));
  const forwarded = await db.orderLink.count({ where: { partnershipId: acmeCorner.id } });
  const finalLink = await db.orderLink.findUniqueOrThrow({ where: { id: link.id }, include: { fulfillments: true } });
  console.log('\nOrder');
  table(
    ['what', 'value'],
    [
      ['order at Corner Store', `${retailerOrder.name}`],
      ['order at Acme', `${supplierOrder.name} (orders forwarded: ${forwarded})`],
      ['state', finalLink.state.toLowerCase()],
      ['tracking at Corner Store', shipped.map((t) => `${t.company} ${t.number}`).join(', ')],
      ['Xero invoice', invoiceText],
      ['Stripe charge', `${charge.stripeId} · ${money(charge.amountCents, charge.currency)} for ${charge.day}`],
    ],
  );
  console.log('\nAPI calls Tandem made, per platform');
  const shopifyCalls = (domain: string) => shopify.calls(domain).counts.total;
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  table(
    ['platform', 'account', 'calls'],
    [
      ...SHOPS.map((s) => ['Shopify', s.name, shopifyCalls(s.domain)]),
      ['WooCommerce', 'Loom & Thread', sum(woo.requestCounts(world.wooSite.id))],
      ['Xero', 'Acme', sum(xero.requestCounts())],
      ['Stripe', 'Acme', stripe.state.requests.length - stripeCallsBefore],
    ],
  );

  heading('Open the admin in a browser');
  for (const s of SHOPS) say(`${s.name.padEnd(14)} ${shopify.adminAppUrl(s.domain)}`);
  say('(the Shopify simulator plays the admin: it frames the app, signs the session token and stands in for App Bridge)');
  say(`Tandem app: ${appUrl}/app   health: ${appUrl}/healthz`);
  say(`Simulators: Shopify ${shopify.url}  WooCommerce ${woo.url}  Xero ${xero.url}  Stripe ${stripe.url} (each has /_control)`);
  console.log(`\nThe story took ${elapsed()}.`);
} catch (err) {
  console.error('\nThe demo stopped:', err instanceof Error ? (err.stack ?? err.message) : err);
  await shutdown(1);
}

if (args.once) {
  await shutdown(0);
} else {
  // From here on Tandem runs as in production: hourly pulls and pushes, nightly runs, billing.
  await syncAllSchedules(db, queues);
  console.log('\nRunning: the schedules are on. Ctrl-C stops the demo.');
}
