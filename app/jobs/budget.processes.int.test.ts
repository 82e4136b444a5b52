// Issue 2: the rate-limit budget of one connection is shared by worker processes, not only by
// connections inside one process. Two OS processes spend from the same budget at once.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RateLimitPolicy } from '../../connectors/sdk/budget.ts';
import { TEST_REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../../test/support/redis.ts';
import type { RedisSpendResult } from './budget.server.ts';

const redis = testRedis();
const prefix = uniquePrefix('budget-procs');
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const spender = fileURLToPath(new URL('./budget-spender.test-support.ts', import.meta.url));

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

type Grant = RedisSpendResult & { pid: number };

/** Starts a spender process; resolves `ready` once it is waiting for the go key, `done` with its grants. */
function startSpender(connectionId: string, policy: RateLimitPolicy, calls: number) {
  const child = spawn(tsx, [spender, TEST_REDIS_URL, prefix, connectionId, JSON.stringify(policy), String(calls)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let signalReady: () => void;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) signalReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<Grant[]>((resolve, reject) =>
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`spender exited ${code}: ${err}`));
      resolve(out.split('\n').slice(1).filter(Boolean).map((line) => JSON.parse(line) as Grant));
    }),
  );
  return { ready, done, pid: () => child.pid };
}

describe('when two worker processes share one connection’s fixed-window budget', () => {
  it('never lets them together exceed the capacity of a window', async () => {
    const policy: RateLimitPolicy = { kind: 'fixed-window', capacity: 4, windowMs: 400, unit: 'call', source: 'https://example.test/limits' };
    const spenders = [startSpender('conn-shared', policy, 12), startSpender('conn-shared', policy, 12)];
    await Promise.all(spenders.map((s) => s.ready));
    await redis.rpush(`${prefix}:go`, 'go', 'go');

    const grants = (await Promise.all(spenders.map((s) => s.done))).flat();

    expect(grants).toHaveLength(24);
    const perWindow = new Map<number, Grant[]>();
    for (const g of grants) perWindow.set(g.windowStart!, [...(perWindow.get(g.windowStart!) ?? []), g]);
    for (const inWindow of perWindow.values()) expect(inWindow.length).toBeLessThanOrEqual(4);
    expect(perWindow.size).toBeGreaterThanOrEqual(6);
    // Both processes were granted calls in the same window at least once: they really competed.
    expect([...perWindow.values()].some((w) => new Set(w.map((g) => g.pid)).size === 2)).toBe(true);
    const starts = [...perWindow.keys()].sort((a, b) => a - b);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(400);
  });
});
