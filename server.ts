// The HTTP server: Express + @remix-run/express. Production serves the `remix vite:build` output;
// development mounts Vite's middleware (HMR, on-demand compilation) in front of the same handler.
// GET /healthz is the Remix route app/routes/healthz.tsx: it must share the app's own database
// handle (embedded PGlite allows one), which a second import of db.server.ts here would not.
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import express from 'express';
import { env } from './app/env.server.ts';

const { NODE_ENV, PORT } = env();

const vite =
  NODE_ENV === 'production'
    ? undefined
    : await import('vite').then(({ createServer }) => createServer({ server: { middlewareMode: true } }));

// Kept in a variable so TypeScript does not look for the build output at type-check time.
const serverBuildPath = './build/server/index.js';

const app = express();
app.disable('x-powered-by');

if (vite) {
  app.use(vite.middlewares);
} else {
  // Fingerprinted assets never change; everything else in build/client may.
  app.use('/assets', express.static('build/client/assets', { immutable: true, maxAge: '1y' }));
  app.use(express.static('build/client', { maxAge: '1h' }));
}

app.all(
  '*',
  createRequestHandler({
    build: vite
      ? () => vite.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>
      : ((await import(serverBuildPath)) as ServerBuild),
    mode: NODE_ENV,
  }),
);

app.listen(PORT, () => {
  console.log(`Tandem listening on http://localhost:${PORT} (${NODE_ENV})`);
});
