// `npm run sim -- <vendor|all> [--shops N] [--port P] [--latency MS]`: starts simulators from the
// command line, creates N accounts on each, and prints where they listen and how to sign in.
// Ctrl-C stops them. Each simulator's /_control API then seeds data and injects faults.
import { parseArgs } from 'node:util';
import { startShopifySimulator } from './shopify/index.ts';
import { startBigCommerceSimulator } from './bigcommerce/index.ts';
import { startWooCommerceSimulator } from './woocommerce/index.ts';
import { startLightspeedSimulator } from './lightspeed/index.ts';
import { startXeroSimulator } from './xero/index.ts';
import { startStripeSimulator } from './stripe/index.ts';

interface Started {
  vendor: string;
  url: string;
  accounts: Record<string, unknown>[];
  close(): Promise<void>;
}

type Starter = (o: { port?: number; latencyMs?: number; accounts: number }) => Promise<Started>;

const starters: Record<string, Starter> = {
  async shopify({ port, latencyMs, accounts }) {
    const shops = Array.from({ length: accounts }, (_, i) => ({ domain: `shop-${i + 1}.myshopify.com`, name: `Shop ${i + 1}` }));
    const sim = await startShopifySimulator({ port, latencyMs, shops });
    return {
      vendor: 'shopify',
      url: sim.url,
      accounts: shops.map((s) => ({ shop: s.domain, graphql: sim.graphqlUrl(s.domain), accessToken: sim.issueToken(s.domain).access_token })),
      close: () => sim.close(),
    };
  },
  async bigcommerce({ port, latencyMs, accounts }) {
    const sim = await startBigCommerceSimulator({ port, latencyMs });
    const stores = Array.from({ length: accounts }, () => sim.createStore());
    return { vendor: 'bigcommerce', url: sim.url, accounts: stores.map((s) => ({ api: sim.storeUrl(s.hash), 'X-Auth-Token': s.accessToken })), close: () => sim.close() };
  },
  async woocommerce({ port, latencyMs, accounts }) {
    const sim = await startWooCommerceSimulator({ port, latencyMs });
    const sites = Array.from({ length: accounts }, () => sim.createSite());
    return {
      vendor: 'woocommerce',
      url: sim.url,
      accounts: sites.map((s) => ({ api: sim.siteApi(s.id), consumerKey: s.consumerKey, consumerSecret: s.consumerSecret })),
      close: () => sim.close(),
    };
  },
  async lightspeed({ port, latencyMs, accounts }) {
    const sim = await startLightspeedSimulator({ port, latencyMs });
    const made = Array.from({ length: accounts }, () => sim.createRetailer());
    return {
      vendor: 'lightspeed',
      url: sim.url,
      accounts: made.map((m) => ({ api: sim.apiBase(m.retailer.domainPrefix), accessToken: m.accessToken, refreshToken: m.refreshToken })),
      close: () => sim.close(),
    };
  },
  async xero({ port, latencyMs }) {
    const sim = await startXeroSimulator({ port, latencyMs });
    return {
      vendor: 'xero',
      url: sim.url,
      accounts: [{ accountingBasePath: sim.accountingBasePath, clientId: sim.clientId, tenantId: sim.tenantId, tokens: sim.connect() }],
      close: () => sim.close(),
    };
  },
  async stripe({ port, latencyMs }) {
    const sim = await startStripeSimulator({ port, latencyMs });
    return { vendor: 'stripe', url: sim.url, accounts: [{ secretKey: sim.secretKey, host: '127.0.0.1', port: sim.port, protocol: 'http' }], close: () => sim.close() };
  },
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { shops: { type: 'string', default: '1' }, port: { type: 'string' }, latency: { type: 'string' } },
});
const wanted = positionals.length === 0 || positionals.includes('all') ? Object.keys(starters) : positionals;
const unknown = wanted.filter((v) => !starters[v]);
if (unknown.length) {
  console.error(`Unknown simulator: ${unknown.join(', ')}. Choose from: ${Object.keys(starters).join(', ')}, all.`);
  process.exit(2);
}
const accounts = Number(values.shops);
const latencyMs = values.latency === undefined ? undefined : Number(values.latency);
let port = values.port === undefined ? undefined : Number(values.port);

const running: Started[] = [];
for (const vendor of wanted) {
  const started = await starters[vendor]({ port, latencyMs, accounts });
  running.push(started);
  if (port) port += 1;
  console.log(`${vendor.padEnd(12)} ${started.url}   control: ${started.url}/_control`);
  for (const a of started.accounts) console.log(`  ${JSON.stringify(a)}`);
}
console.log('Simulators running; Ctrl-C stops them.');
const stop = async () => {
  await Promise.all(running.map((r) => r.close()));
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
