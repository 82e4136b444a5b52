// The app over real HTTP, for route tests that must meet what an admin extension's fetch meets:
// Express, Vite's SSR of the Remix build, the route's loader or action, CORS headers. It runs in
// this process as server.ts runs it in development, against the Shopify simulator (token exchange
// and afterAuth go there; tests sign session tokens with `mintSessionToken`).
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import express from 'express';
import type { ViteDevServer } from 'vite';
import { useDatabase, type Db } from '../../app/db.server.ts';
import { resetEnvCache } from '../../app/env.server.ts';
import { closeAppQueues } from '../../app/jobs/app-queues.server.ts';
import type { ShopifySimulator } from '../../simulators/shopify/index.ts';

export interface AppServer {
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

const ENV_SET = ['SHOPIFY_ADMIN_ORIGIN', 'SHOPIFY_APP_URL', 'REDIS_PREFIX'] as const;

/**
 * Serves the app on a free port. Its database is the test's (kept on globalThis, so Vite's copy of
 * the modules finds it), its queues live under `redisPrefix`, Shopify Admin calls go to `shopify`.
 */
export async function startAppServer(options: { db: Db; redisPrefix: string; shopify: ShopifySimulator }): Promise<AppServer> {
  useDatabase(options.db);
  const app = express();
  // Listen first: the app must know its own URL (SHOPIFY_APP_URL) before it is loaded.
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, { SHOPIFY_ADMIN_ORIGIN: options.shopify.url, SHOPIFY_APP_URL: url, REDIS_PREFIX: options.redisPrefix });
  resetEnvCache();

  const { createServer } = await import('vite');
  // Kept apart from a browser test's Vite server running beside this one: no HMR websocket (it
  // would take Vite's fixed port, 24678, and that page's Vite client reloads when this server
  // closes) and its own dependency cache (on a cold cache both would re-bundle node_modules/.vite
  // at once, and the browser's page would be served outdated dependencies).
  const cacheDir = await mkdtemp(path.join(tmpdir(), 'tandem-app-server-vite-'));
  const vite: ViteDevServer = await createServer({ cacheDir, server: { middlewareMode: true, hmr: false, ws: false }, logLevel: 'error' });
  // Compile every route now, within beforeAll's time, not during the first request.
  await vite.ssrLoadModule('virtual:remix/server-build');
  app.use(vite.middlewares);
  app.all('*', createRequestHandler({ build: () => vite.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>, mode: 'development' }));

  return {
    url,
    async close() {
      await vite.close();
      await new Promise((resolve) => server.close(resolve));
      await rm(cacheDir, { recursive: true, force: true });
      await closeAppQueues();
      for (const key of ENV_SET) delete process.env[key];
      resetEnvCache();
    },
  };
}
