// The README's quick start must stay true: `npm run demo` on the embedded defaults installs Tandem
// in every demo shop through the real session-token → token-exchange path.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('when a newcomer runs the demo', () => {
  it('starts the simulators, the app and a worker on embedded PGlite and installs the three shops', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-demo-'));
    try {
      const port = String(20_000 + Math.floor(Math.random() * 20_000));
      const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: path.join(dir, 'pglite'), SIM_LATENCY_MS: '0', NODE_ENV: 'development' };
      delete env.DATABASE_URL;
      const { stdout } = await run('npx', ['tsx', 'scripts/demo.ts', '--once', '--port', port], { env, timeout: 240_000, maxBuffer: 20 * 1024 * 1024 });
      expect(stdout).toContain('acme-wholesale.myshopify.com   HTTP 200');
      expect(stdout).toMatch(
        /Shops installed: +acme-wholesale\.myshopify\.com \(America\/New_York\), corner-store\.myshopify\.com \(Europe\/London\), harbor-goods\.myshopify\.com \(Australia\/Sydney\)/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
