// Issue 2: in production, the web app and the worker refuse to start without a usable encryption
// key, saying which variable is wrong, before they open a database or take a request.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

function start(entry: string, env: Record<string, string>) {
  const { TANDEM_ENCRYPTION_KEY: _key, ...inherited } = process.env;
  const run = spawnSync(tsx, [entry], {
    cwd: root,
    env: { ...inherited, NODE_ENV: 'production', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stderr: run.stderr };
}

describe.each([
  ['the web app', 'server.ts'],
  ['the worker', 'app/jobs/worker.ts'],
])('when %s starts in production', (_name, entry) => {
  it('exits with the missing key named', () => {
    const { code, stderr } = start(entry, {});

    expect(code).toBe(1);
    expect(stderr).toContain('Tandem configuration is invalid:\n  TANDEM_ENCRYPTION_KEY: is required in production (32 random bytes, base64)');
  });

  it('exits when the key is not 32 bytes', () => {
    const { code, stderr } = start(entry, { TANDEM_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') });

    expect(code).toBe(1);
    expect(stderr).toContain('TANDEM_ENCRYPTION_KEY: must be 32 random bytes in base64 (openssl rand -base64 32)');
  });
});
