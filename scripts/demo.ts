// `npm run demo`: Tandem end to end on the embedded defaults. Starts the platform simulators (a
// supplier Shopify, two retailer Shopifys, a WooCommerce supplier, Xero, Stripe), the app and a
// worker in this one process (embedded PGlite serves one connection), installs Tandem in each
// shop the way a merchant does (session token -> token exchange), and prints where to look.
// `npm run demo -- --once` stops after the summary (used by the smoke test).
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startShopifySimulator, mintSessionToken } from '../simulators/shopify/index.ts';
import { startWooCommerceSimulator } from '../simulators/woocommerce/index.ts';
import { startXeroSimulator } from '../simulators/xero/index.ts';
import { startStripeSimulator } from '../simulators/stripe/index.ts';

const { values: args } = parseArgs({ options: { once: { type: 'boolean', default: false }, port: { type: 'string', default: '3000' } } });

const SUPPLIER = 'acme-wholesale.myshopify.com';
const RETAILERS = ['corner-store.myshopify.com', 'harbor-goods.myshopify.com'];
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const step = (text: string) => console.log(`\n▸ ${text}`);

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

step('Checking Redis');
await requireRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

step('Starting the platform simulators');
const appKey = process.env.SHOPIFY_API_KEY ?? 'tandem-dev-api-key';
const appSecret = process.env.SHOPIFY_API_SECRET ?? 'tandem-dev-api-secret';
const appUrl = `http://localhost:${args.port}`;
const shopify = await startShopifySimulator({
  app: { clientId: appKey, clientSecret: appSecret, appUrl },
  shops: [
    { domain: SUPPLIER, name: 'Acme Wholesale', email: 'owner@acme.example', ianaTimezone: 'America/New_York' },
    { domain: RETAILERS[0], name: 'Corner Store', email: 'owner@corner.example', ianaTimezone: 'Europe/London' },
    { domain: RETAILERS[1], name: 'Harbor Goods', email: 'owner@harbor.example', ianaTimezone: 'Australia/Sydney' },
  ],
});
const woo = await startWooCommerceSimulator();
const wooSite = woo.createSite({ id: 'acme-woo' });
const xero = await startXeroSimulator();
const stripe = await startStripeSimulator();
shopify.seedProducts(SUPPLIER, [
  { title: 'Canvas Tote', vendor: 'Acme', variants: [{ sku: 'TOTE-NAT', price: '12.00', available: 40 }, { sku: 'TOTE-BLK', price: '12.00', available: 25 }] },
  { title: 'Enamel Mug', vendor: 'Acme', variants: [{ sku: 'MUG-WHT', price: '6.50', available: 120 }] },
]);

step('Starting Tandem (web app and worker, embedded database)');
Object.assign(process.env, {
  SHOPIFY_API_KEY: appKey,
  SHOPIFY_API_SECRET: appSecret,
  SHOPIFY_APP_URL: appUrl,
  SHOPIFY_ADMIN_ORIGIN: shopify.url,
  PORT: args.port,
});
const { database } = await import('../app/db.server.ts');
await database();
await import('../server.ts');
const { redisFromEnv } = await import('../app/jobs/queues.server.ts');
const { startWorkers } = await import('../app/jobs/worker.server.ts');
const workers = startWorkers({ db: await database(), redis: redisFromEnv(), handlers: {} });

step('Installing Tandem in each shop (session token → token exchange)');
for (const shop of [SUPPLIER, ...RETAILERS]) {
  const host = Buffer.from(`${shop}/admin`).toString('base64url');
  const url = `${appUrl}/app?shop=${shop}&host=${host}&embedded=1&id_token=${mintSessionToken(shopify.sim, shop)}`;
  const res = await fetch(url, { headers: { 'User-Agent': BROWSER } });
  console.log(`  ${shop.padEnd(30)} HTTP ${res.status}`);
}
const db = await database();
const shops = await db.shop.findMany({ orderBy: { domain: 'asc' } });

step('Summary');
console.log(`  Tandem app:        ${appUrl}/app   (health: ${appUrl}/healthz)`);
console.log(`  Shops installed:   ${shops.map((s) => `${s.domain} (${s.timezone})`).join(', ')}`);
console.log(`  Shopify simulator: ${shopify.url}/_control`);
console.log(`  WooCommerce:       ${woo.siteApi(wooSite.id)}`);
console.log(`  Xero:              ${xero.accountingBasePath}`);
console.log(`  Stripe:            ${stripe.url}`);
console.log(`  Worker queues:     ${workers.workers.length}`);

if (args.once) {
  await workers.close();
  await Promise.all([shopify.close(), woo.close(), xero.close(), stripe.close()]);
  process.exit(shops.length === 3 ? 0 : 1);
}
console.log('\nRunning. Ctrl-C stops the demo.');
