// A worker process for budget.processes.int.test.ts: spends `calls` units from one connection's
// RedisBudget, as a job's connector would, and prints every grant as one JSON line. It starts
// spending only once the test pushes to the go list, so both processes compete from the same moment.
import { Redis } from 'ioredis';
import type { RateLimitPolicy } from '../../connectors/sdk/budget.ts';
import { RedisBudget } from './budget.server.ts';

const [url, prefix, connectionId, policyJson, calls] = process.argv.slice(2);
const redis = new Redis(url!, { maxRetriesPerRequest: null });
const budget = new RedisBudget(redis, { prefix: prefix!, connectionId: connectionId!, policy: JSON.parse(policyJson!) as RateLimitPolicy, connectorId: 'testvendor' });

process.stdout.write('ready\n');
// Blocked on the go list, both processes are woken by the one push that fills it: the same instant,
// not whenever each one's next poll comes round.
await redis.blpop(`${prefix}:go`, 0);
for (let i = 0; i < Number(calls); i++) {
  const grant = await budget.spend(1, { maxWaitMs: 30_000 });
  process.stdout.write(`${JSON.stringify({ pid: process.pid, ...grant })}\n`);
}
await redis.quit();
