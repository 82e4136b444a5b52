// The README's quick start must stay true: `npm run demo` on the embedded defaults tells the whole
// story and leaves the admin open. The facts of its summary are checked against the state they
// describe: the simulators' own records while the demo runs, then Tandem's database once it stops.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../app/db.server.ts';
import { TEST_REDIS_URL } from './support/redis.ts';
import { DEFAULT_TENANT_ID } from '../simulators/xero/index.ts';

const ACME = 'acme-wholesale.myshopify.com';
const CORNER = 'corner-store.myshopify.com';
const HARBOR = 'harbor-goods.myshopify.com';
const TRACKING = '1Z999AA10123456784';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

let dir: string;
let demo: ChildProcess;
let stdout = '';
let exited: Promise<number | null>;
const urls = { shopify: '', xero: '', stripe: '', app: '', prefix: '' };

async function control<T>(base: string, route: string): Promise<T> {
  const res = await fetch(`${base}${route}`);
  expect(res.status, `GET ${route}`).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tandem-demo-'));
  const port = String(20_000 + Math.floor(Math.random() * 20_000));
  const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: path.join(dir, 'pglite'), SIM_LATENCY_MS: '0', NODE_ENV: 'development' };
  delete env.DATABASE_URL;
  // As `npm run demo` runs it: node with tsx's loader, one process that Ctrl-C reaches directly.
  demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--port', port], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  exited = new Promise((resolve) => demo.on('exit', (code) => resolve(code)));
  let stderr = '';
  demo.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    demo.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('Running: the schedules are on.')) resolve();
    });
    void exited.then((code) => reject(new Error(`The demo exited (${code}) before it was running:\n${stdout}\n${stderr}`)));
  });
  urls.shopify = /Simulators: Shopify (\S+)/.exec(stdout)![1]!;
  urls.stripe = /Stripe (http\S+) \(each has/.exec(stdout)![1]!;
  urls.xero = /Xero (http\S+) +Stripe/.exec(stdout)![1]!;
  urls.app = /Tandem app: (\S+)\/app/.exec(stdout)![1]!;
  urls.prefix = /keys under "([^"]+)"/.exec(stdout)![1]!;
}, 300_000);

afterAll(async () => {
  if (demo && demo.exitCode === null && demo.signalCode === null) demo.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('when a newcomer runs the demo', () => {
  it('installs the four shops and prints the story with its summary', () => {
    expect(stdout).toMatch(/acme-wholesale\.myshopify\.com +HTTP 200/);
    expect(stdout).toMatch(/Shops: Acme Wholesale \(America\/New_York\), Corner Store \(Europe\/London\), Harbor Goods \(Australia\/Sydney\), Loom & Thread \(America\/Chicago\)/);
    expect(stdout).toMatch(/Loom & Thread → Harbor Goods +WooCommerce +3 +3 +0/);
  });

  it('nets the three sold totes at the supplier and at both retailers', async () => {
    for (const shop of [ACME, CORNER, HARBOR]) {
      const [row] = await control<{ available: number }[]>(urls.shopify, `/_control/shops/${shop}/inventory?sku=TOTE-NAT`);
      expect([shop, row!.available]).toEqual([shop, 37]);
    }
    expect(stdout).toMatch(/Acme Wholesale +40 +37\n +Corner Store +40 +37\n +Harbor Goods +40 +37/);
  });

  it('forwards the retailer’s order to the supplier once and shows the supplier’s tracking at the retailer', async () => {
    const [retailerOrder] = await control<{ id: string; fulfillments: { tracking: { company: string; number: string }[] }[] }[]>(urls.shopify, `/_control/shops/${CORNER}/orders`);
    expect(retailerOrder!.fulfillments.flatMap((f) => f.tracking)).toEqual([expect.objectContaining({ company: 'UPS', number: TRACKING })]);
    const supplierOrders = await control<{ sourceIdentifier: string | null }[]>(urls.shopify, `/_control/shops/${ACME}/orders`);
    expect(supplierOrders).toHaveLength(1);
    expect(supplierOrders[0]!.sourceIdentifier).toMatch(/^tandem:/);
  });

  it('posts one invoice for the order to the supplier’s Xero, at wholesale prices', async () => {
    const tenant = await control<{ invoices: { InvoiceNumber: string; Total: number; Reference: string }[] }>(urls.xero, `/_control/tenants/${DEFAULT_TENANT_ID}`);
    expect(tenant.invoices.map((i) => [i.InvoiceNumber, i.Total])).toEqual([['INV-0001', 36]]);
    expect(stdout).toMatch(/Xero invoice +INV-0001 \(authorised, USD 36\.00\)/);
  });

  it('charges the retailer once in the supplier’s Stripe account, for the invoiced wholesale total plus the 2% fee', async () => {
    const account = await control<{ paymentIntents: { id: string; status: string; amount: number }[] }>(urls.stripe, '/_control/accounts/acct_acme_wholesale');
    // The Xero invoice's 36.00 (not the retailer's marked-up 72.00), plus 2%.
    expect(account.paymentIntents.map((pi) => [pi.status, pi.amount])).toEqual([['succeeded', 3672]]);
    expect(stdout).toContain(`${account.paymentIntents[0]!.id} · USD 36.72`);
  });

  it('opens each shop’s admin in a browser through the simulator, which frames the app for that shop', async () => {
    const links = [...stdout.matchAll(/^ {4}(.+?) +(http:\/\/\S+\/admin\/apps\/\S+)$/gm)].map((m) => m[2]!);
    expect(links).toHaveLength(4);
    const page = await (await fetch(links[1]!)).text();
    const frame = new URL(/<iframe title="App" src="([^"]+)"/.exec(page)![1]!.replaceAll('&#38;', '&'));
    expect([frame.origin, frame.searchParams.get('shop'), frame.searchParams.get('embedded')]).toEqual([new URL(urls.app).origin, CORNER, '1']);
    const app = await fetch(frame, { headers: { 'User-Agent': BROWSER } });
    expect(app.status).toBe(200);
    expect(await app.text()).toContain('/cdn/app-bridge.js');
  });

  it('stops on Ctrl-C, leaving its database with one fulfilled order, its posted invoice and one charge, and no keys in Redis', async () => {
    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    const { db, close } = await openPglite(path.join(dir, 'pglite'));
    try {
      const links = await db.orderLink.findMany({ include: { fulfillments: true } });
      expect(links.map((l) => [l.state, l.fulfillments.map((f) => [f.carrier, f.trackingNumber])])).toEqual([['FULFILLED', [['UPS', TRACKING]]]]);
      expect(await db.invoice.findMany({ select: { status: true, orderLinkId: true } })).toEqual([{ status: 'POSTED', orderLinkId: links[0]!.id }]);
      const charges = await db.charge.findMany({ where: { status: 'SUCCEEDED' } });
      expect(charges.map((c) => [c.partnershipId, c.amountCents, c.orderCount])).toEqual([[links[0]!.partnershipId, 3672, 1]]);
      expect(stdout).toContain(charges[0]!.stripeId!);
      const stripe = await db.connection.findFirstOrThrow({ where: { platform: 'stripe' } });
      expect(stripe.credentials).not.toContain('sk_test_');
    } finally {
      await close();
    }
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.keys(`${urls.prefix}*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});
