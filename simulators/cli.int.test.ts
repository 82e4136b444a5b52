// `npm run sim -- all --shops 2` as a developer runs it: a separate process that prints each
// simulator's URL and accounts, serves the vendors' APIs with those credentials, takes faults and
// latency through /_control, and stops on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Printed {
  url: string;
  accounts: Record<string, unknown>[];
}

let child: ChildProcess;
let exited: Promise<number | null>;
const printed = new Map<string, Printed>();

/** Reads the CLI's output until it says the simulators run; returns what each vendor printed. */
function readBanner(process: ChildProcess): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    let current: Printed | undefined;
    let errors = '';
    process.stderr!.on('data', (chunk) => (errors += String(chunk)));
    process.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        const vendor = /^(\w+)\s+(http:\/\/127\.0\.0\.1:\d+)\s+control: \2\/_control$/.exec(line);
        if (vendor) printed.set(vendor[1], (current = { url: vendor[2], accounts: [] }));
        else if (line.startsWith('  {')) current?.accounts.push(JSON.parse(line.trim()));
        else if (line === 'Simulators running; Ctrl-C stops them.') resolvePromise();
      }
    });
    process.on('exit', (code) => reject(new Error(`npm run sim exited with ${code} before starting:\n${errors}`)));
  });
}

beforeAll(async () => {
  const env = { ...process.env };
  delete env.SIM_LATENCY_MS;
  // The command `npm run sim` runs, from package.json, started directly so SIGTERM reaches it as
  // Ctrl-C would (npm itself dies of the signal instead of passing on the exit code).
  const [bin, ...args] = (JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { scripts: { sim: string } }).scripts.sim.split(' ');
  child = spawn(resolve(repoRoot, 'node_modules/.bin', bin), [...args, 'all', '--shops', '2'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  exited = new Promise((resolvePromise) => child.on('exit', (code) => resolvePromise(code)));
  await readBanner(child);
}, 120_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

const vendor = (name: string) => {
  const found = printed.get(name);
  if (!found) throw new Error(`npm run sim printed no ${name} simulator (printed: ${[...printed.keys()].join(', ')})`);
  return found;
};
const account = (name: string, i = 0) => vendor(name).accounts[i] as Record<string, string> & { tokens: Record<string, string> };

describe('when a developer runs npm run sim -- all --shops 2', () => {
  it('starts every simulator, with two accounts where the vendor has accounts', () => {
    expect([...printed.keys()]).toEqual(['shopify', 'bigcommerce', 'woocommerce', 'lightspeed', 'xero', 'stripe']);
    expect(['shopify', 'bigcommerce', 'woocommerce', 'lightspeed'].map((v) => vendor(v).accounts.length)).toEqual([2, 2, 2, 2]);
    expect(vendor('shopify').accounts.map((a) => a.shop)).toEqual(['shop-1.myshopify.com', 'shop-2.myshopify.com']);
  });

  it('serves each Shopify shop its own Admin GraphQL with the printed token', async () => {
    const names = [];
    for (const shop of vendor('shopify').accounts as { graphql: string; accessToken: string }[]) {
      const res = await fetch(shop.graphql, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Shopify-Access-Token': shop.accessToken },
        body: JSON.stringify({ query: '{ shop { name } }' }),
      });
      names.push(((await res.json()) as { data: { shop: { name: string } } }).data.shop.name);
    }
    expect(names).toEqual(['Shop 1', 'Shop 2']);
  });

  it('serves the REST vendors with the printed credentials and their rate-limit headers', async () => {
    const bc = await fetch(`${account('bigcommerce').api}/v3/catalog/products`, { headers: { 'X-Auth-Token': account('bigcommerce')['X-Auth-Token'] } });
    const woo = account('woocommerce');
    const wc = await fetch(`${woo.api}/products`, { headers: { authorization: `Basic ${Buffer.from(`${woo.consumerKey}:${woo.consumerSecret}`).toString('base64')}` } });
    const ls = await fetch(`${account('lightspeed').api}/products`, { headers: { authorization: `Bearer ${account('lightspeed').accessToken}` } });
    const xero = account('xero');
    const xr = await fetch(`${xero.accountingBasePath}/Organisation`, {
      headers: { authorization: `Bearer ${xero.tokens.access_token}`, 'xero-tenant-id': xero.tenantId, accept: 'application/json' },
    });
    const st = await fetch(`${vendor('stripe').url}/v1/customers`, { headers: { authorization: `Bearer ${account('stripe').secretKey}` } });

    expect([bc.status, wc.status, ls.status, xr.status, st.status]).toEqual([200, 200, 200, 200, 200]);
    expect(bc.headers.get('x-rate-limit-requests-quota')).toBe('150');
    expect(wc.headers.get('x-wp-total')).toBe('0');
    expect(ls.headers.get('x-ratelimit-limit')).toBe('350');
    expect(xr.headers.get('x-minlimit-remaining')).toBe('59');
  });

  it('adds the realistic default latency of 50 ms, which the control API reads and changes', async () => {
    const url = vendor('woocommerce').url;
    expect(await (await fetch(`${url}/_control/latency`)).json()).toEqual({ ms: 50 });
    const started = performance.now();
    await fetch(`${account('woocommerce').api}/products`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);

    const set = await fetch(`${url}/_control/latency`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 0 }) });
    expect(await set.json()).toEqual({ ms: 0 });
    const refused = await fetch(`${url}/_control/latency`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 'fast' }) });
    expect([refused.status, await refused.json()]).toEqual([400, { error: 'ms must be a number of milliseconds, 0 or more' }]);
  });

  it('injects a fault through the control API and serves normally once it is spent', async () => {
    const { url } = vendor('bigcommerce');
    const store = account('bigcommerce');
    await fetch(`${url}/_control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ route: 'GET /stores/.*/v3/catalog/products', status: 503, times: 1 }),
    });
    const statuses = [];
    for (let i = 0; i < 2; i++) statuses.push((await fetch(`${store.api}/v3/catalog/products`, { headers: { 'X-Auth-Token': store['X-Auth-Token'] } })).status);
    expect(statuses).toEqual([503, 200]);
  });

  it('stops every simulator on SIGTERM and exits cleanly', async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${vendor('shopify').url}/_control/latency`)).rejects.toThrow();
  });
});
