// Browser tests of the embedded admin: the app (Vite dev middleware + the Remix handler, as
// server.ts runs it) in this process against the Shopify simulator, and Debian's chromium driven
// by playwright-core. App Bridge 4 only loads from Shopify's CDN, so in test mode the app loads
// the simulator's stand-in instead (simulators/shopify/admin.ts: `window.shopify` with idToken()
// signed by the simulator, toasts recorded in `window.__toasts`, and `Authorization: Bearer` on
// the app's own fetches as App Bridge adds it). Product photos on Shopify's CDN
// (`https://cdn.shopify.com/s/files/…`) are answered with a drawn tile.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import express from 'express';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { mintSessionToken, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { useDatabase, type Db } from '../../app/db.server.ts';
import { closeAppQueues } from '../../app/jobs/app-queues.server.ts';
import { resetEnvCache } from '../../app/env.server.ts';
import { startAdminSimulator } from '../support/admin-simulator.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = !existsSync(CHROMIUM);
const DESKTOP_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
export const SCREENSHOTS = path.resolve('test-artifacts/screenshots');

export interface ShopSeed {
  domain: string;
  name: string;
  timezone: string;
}

export interface Harness {
  appUrl: string;
  shopify: ShopifySimulator;
  browser: Browser;
  /** A fresh browser context (its own tab storage) showing `path` of the embedded app as `shop`. */
  open(shop: string, path?: string): Promise<Page>;
  /** A fresh browser context on the simulator's admin page, which frames the app as Shopify's admin does. */
  openInAdmin(shop: string): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** Stands in for a product photo on Shopify's CDN (`/s/files/…`): a tile naming the file. */
function productPhoto(name: string): string {
  const label = name.replace(/[^\w.-]/g, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200" fill="#c9d8c5"/><text x="100" y="105" font-size="16" text-anchor="middle" fill="#2f4a2a">${label}</text></svg>`;
}

/** Offline: App Bridge comes from the simulator; product photos get a tile; nothing else waits on the CDN. */
async function offlineCdn(context: BrowserContext) {
  await context.route('https://cdn.shopify.com/**', (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.startsWith('/s/files/')) return route.fulfill({ contentType: 'image/svg+xml', body: productPhoto(url.pathname.split('/').pop() ?? '') });
    return route.fulfill({ status: 404, body: '' });
  });
}

export async function startHarness(options: { db: Db; shops: ShopSeed[]; redisPrefix: string }): Promise<Harness> {
  const shopify = await startAdminSimulator(options.shops);
  useDatabase(options.db);

  const app = express();
  // Listen first: the app must know its own URL (SHOPIFY_APP_URL) before it is loaded.
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  shopify.configureApp({ appUrl });
  Object.assign(process.env, { SHOPIFY_ADMIN_ORIGIN: shopify.url, SHOPIFY_APP_URL: appUrl, REDIS_PREFIX: options.redisPrefix });
  resetEnvCache();

  const { createServer } = await import('vite');
  // No WebSocket: pages need no HMR, and a page must never reach another test process's server
  // on Vite's shared default port (24678).
  const vite: ViteDevServer = await createServer({ server: { middlewareMode: true, hmr: false, ws: false }, logLevel: 'error' });
  // Compile the server build now (every route and its server modules), within beforeAll's time,
  // not during the first page load.
  await vite.ssrLoadModule('virtual:remix/server-build');
  app.use(vite.middlewares);
  app.all(
    '*',
    createRequestHandler({ build: () => vite.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>, mode: 'development' }),
  );

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'] });
  const contexts: BrowserContext[] = [];
  await mkdir(SCREENSHOTS, { recursive: true });

  return {
    appUrl,
    shopify,
    browser,
    async open(shop, path = '/app') {
      // shopify-app-remix answers bots (isbot: "HeadlessChrome") with 410, so look like a desktop Chrome.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: DESKTOP_CHROME });
      contexts.push(context);
      await offlineCdn(context);
      const page = await context.newPage();
      const host = Buffer.from(`${shop}/admin`).toString('base64url');
      const sep = path.includes('?') ? '&' : '?';
      await page.goto(`${appUrl}${path}${sep}shop=${shop}&host=${host}&embedded=1&id_token=${mintSessionToken(shopify.sim, shop)}`);
      return page;
    },
    async openInAdmin(shop) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: DESKTOP_CHROME });
      contexts.push(context);
      await offlineCdn(context);
      const page = await context.newPage();
      await page.goto(shopify.adminAppUrl(shop));
      return page;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await Promise.all(contexts.map((c) => c.close()));
      await browser.close();
      await vite.close();
      await new Promise((resolve) => server.close(resolve));
      await closeAppQueues();
      await shopify.close();
      for (const key of ['SHOPIFY_ADMIN_ORIGIN', 'SHOPIFY_APP_URL', 'REDIS_PREFIX']) delete process.env[key];
      resetEnvCache();
    },
  };
}
