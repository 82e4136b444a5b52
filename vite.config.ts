// Remix on Vite (no remix.config.js). Future flags on so the eventual move to React Router 7
// (which shopify-app-remix's README asks for) changes nothing in behaviour.
import { cpSync } from 'node:fs';
import path from 'node:path';
import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig, type Plugin } from 'vite';
import tsconfigPaths from 'vite-tsconfig-paths';

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true;
  }
}

/**
 * prisma/migrator.ts finds its SQL beside itself (`import.meta.url`); bundled into
 * build/server/index.js that is build/server, so the server build carries a copy of the migrations.
 */
function migrationsBesideServerBuild(): Plugin {
  let outDir: string | undefined;
  return {
    name: 'tandem:migrations-beside-server-build',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.ssr ? path.resolve(config.root, config.build.outDir) : undefined;
    },
    closeBundle() {
      if (outDir) cpSync('prisma/migrations', path.join(outDir, 'migrations'), { recursive: true });
    },
  };
}

export default defineConfig({
  plugins: [
    remix({
      ignoredRouteFiles: ['**/.*', '**/*.test.ts', '**/*.test.tsx'],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: true,
      },
    }),
    tsconfigPaths(),
    migrationsBesideServerBuild(),
  ],
  build: { assetsInlineLimit: 0 },
  // Admin extensions call the app from extensions.shopifycdn.com: let their CORS preflight reach
  // the routes, where authenticate.admin answers it, instead of Vite's own CORS middleware ending
  // it with no Access-Control-Allow-Origin (as Shopify's Remix template does).
  server: { cors: { preflightContinue: true } },
  // The browser's dependencies, bundled once at start. Without `noDiscovery` Vite also finds the
  // server-only imports of route modules (pg, bullmq, stripe…) on the first page views and reloads
  // the page each time, which breaks a cold start (the first browser test run on a clean machine).
  optimizeDeps: {
    noDiscovery: true,
    include: [
      'react',
      'react/jsx-runtime',
      'react/jsx-dev-runtime',
      'react-dom',
      'react-dom/client',
      '@remix-run/react',
      '@shopify/polaris',
      '@shopify/app-bridge-react',
      '@shopify/shopify-app-remix/react',
      // app.tsx's ErrorBoundary and headers use `boundary` from the server entry, as the template does.
      '@shopify/shopify-app-remix/server',
      'zod',
    ],
  },
});
