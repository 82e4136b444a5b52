// What every scenario runs on: a fresh PostgreSQL schema, a Redis key prefix of its own, the
// Shopify simulator as a real HTTP server in this process, BullMQ queues and workers running the
// engine's handlers, and Tandem's own orders/create route behind a local HTTP server. The same
// isolation as the integration tests (test/support), so a bench run never touches other data.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';
import { openPostgres, useDatabase, type Db } from '../app/db.server.ts';
import { env } from '../app/env.server.ts';
import { useQueues } from '../app/jobs/app-queues.server.ts';
import { Budgets } from '../app/jobs/budget.server.ts';
import { engineHandlers } from '../app/jobs/handlers.server.ts';
import { openQueues, type QueueName, type Queues } from '../app/jobs/queues.server.ts';
import { startWorkers, type RunningWorkers } from '../app/jobs/worker.server.ts';
import { redisStockLock } from '../app/sync/stock-lock.server.ts';
import type { StockLock } from '../app/sync/stock-context.server.ts';
import { startShopifySimulator, type ShopifySimulator } from '../simulators/shopify/index.ts';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BenchEnv {
  db: Db;
  /** The PostgreSQL schema this run lives in. */
  schema: string;
  sim: ShopifySimulator;
  redis: Redis;
  prefix: string;
  queues: Queues;
  budgets: Budgets;
  stockLock: StockLock;
  /** Latency the simulator adds to every Shopify call from now on. */
  setLatency(ms: number): Promise<void>;
  /** Starts workers for these queues (the engine's handlers, shared Redis budgets and stock lock). */
  startWorkers(queues: readonly QueueName[], concurrency?: Partial<Record<QueueName, number>>): RunningWorkers;
  /** Subscribes Tandem's orders/create route (webhooks.orders.create.tsx) to the simulator's orders/create. */
  receiveOrderWebhooks(): Promise<void>;
  close(): Promise<void>;
}

/** Opens an isolated environment; the simulator starts with no latency so setup is quick. */
export async function openBenchEnv(label: string): Promise<BenchEnv> {
  const suffix = randomBytes(5).toString('hex');
  const schema = `bench_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${suffix}`;
  const { db, close: closeDb } = await openPostgres({ url: DATABASE_URL, schema, poolSize: 10 });
  useDatabase(db);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = `bench-${label}-${suffix}`;
  const queues = openQueues({ connection: redis, prefix });
  useQueues(queues);
  const budgets = new Budgets({ connection: redis, prefix });
  const stockLock = redisStockLock(redis, { prefix: `{${prefix}-stock}:` });
  const sim = await startShopifySimulator({ latencyMs: 0, app: { clientId: env().SHOPIFY_API_KEY, clientSecret: env().SHOPIFY_API_SECRET } });
  const running: RunningWorkers[] = [];
  let receiver: Server | undefined;

  return {
    db,
    schema,
    sim,
    redis,
    prefix,
    queues,
    budgets,
    stockLock,
    async setLatency(ms) {
      const response = await fetch(`${sim.url}/_control/latency`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms }) });
      if (!response.ok) throw new Error(`The simulator refused latency ${ms}: ${response.status}`);
    },
    startWorkers(names, concurrency) {
      const workers = startWorkers({ db, redis: { connection: redis, prefix }, handlers: engineHandlers({ budgets, stockLock }), queues: names, concurrency });
      running.push(workers);
      return workers;
    },
    async receiveOrderWebhooks() {
      receiver = await startOrderWebhookReceiver();
      const { port } = receiver.address() as AddressInfo;
      sim.setWebhookSubscriptions([{ topic: 'orders/create', uri: `http://127.0.0.1:${port}/webhooks/orders/create` }]);
    },
    async close() {
      for (const w of running) await w.close();
      await queues.close();
      await sim.close();
      if (receiver) await new Promise((r) => receiver!.close(r));
      await deletePrefix(redis, prefix);
      redis.disconnect();
      await closeDb();
      const admin = new pg.Client({ connectionString: DATABASE_URL });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

/** Hands each delivery to the route module exactly as Remix would (as test/oversell-webhook does). */
async function startOrderWebhookReceiver(): Promise<Server> {
  const { action } = await import('../app/routes/webhooks.orders.create.tsx');
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const request = new Request('http://localhost/webhooks/orders/create', { method: 'POST', headers, body: Buffer.concat(chunks) });
    try {
      const response = await action({ request, params: {}, context: {} });
      res.writeHead(response.status).end();
    } catch (thrown) {
      res.writeHead(thrown instanceof Response ? thrown.status : 500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function deletePrefix(redis: Redis, prefix: string) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
