// What every scenario runs on: a fresh PostgreSQL schema, a Redis key prefix of its own, the
// Shopify simulator as a real HTTP server in this process, BullMQ queues and workers running the
// engine's handlers (wired as the worker process wires them), and Tandem's own orders/create route
// behind a local HTTP server. The same isolation and helpers as the integration tests
// (test/support), so a bench run never touches other data.
import { useDatabase, type Db } from '../app/db.server.ts';
import { env } from '../app/env.server.ts';
import { useQueues } from '../app/jobs/app-queues.server.ts';
import { engineRedisDeps } from '../app/jobs/engine-redis.server.ts';
import { engineHandlers } from '../app/jobs/handlers.server.ts';
import { openQueues, type QueueName, type Queues } from '../app/jobs/queues.server.ts';
import { startWorkers, type RunningWorkers } from '../app/jobs/worker.server.ts';
import { startShopifySimulator, type ShopifySimulator } from '../simulators/shopify/index.ts';
import { createTestDatabase } from '../test/support/db.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../test/support/redis.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../test/support/webhook-receiver.ts';

export interface BenchEnv {
  db: Db;
  sim: ShopifySimulator;
  queues: Queues;
  /** Latency the simulator adds to every Shopify call from now on. */
  setLatency(ms: number): Promise<void>;
  /** Starts workers for these queues (the engine's handlers, shared Redis budgets, stock lock and pull lease). */
  startWorkers(queues: readonly QueueName[], concurrency?: Partial<Record<QueueName, number>>): RunningWorkers;
  /** Subscribes Tandem's orders/create route (webhooks.orders.create.tsx) to the simulator's orders/create. */
  receiveOrderWebhooks(): Promise<void>;
  close(): Promise<void>;
}

/** Opens an isolated environment; the simulator starts with no latency so setup is quick. */
export async function openBenchEnv(label: string): Promise<BenchEnv> {
  const database = await createTestDatabase(`bench_${label}`, { poolSize: 10 });
  const { db } = database;
  useDatabase(db);
  const redis = testRedis();
  const prefix = uniquePrefix(`bench-${label}`);
  const queues = openQueues({ connection: redis, prefix });
  useQueues(queues);
  const engine = engineRedisDeps({ connection: redis, prefix });
  const sim = await startShopifySimulator({ latencyMs: 0, app: { clientId: env().SHOPIFY_API_KEY, clientSecret: env().SHOPIFY_API_SECRET } });
  const running: RunningWorkers[] = [];
  let receiver: WebhookReceiver | undefined;

  return {
    db,
    sim,
    queues,
    async setLatency(ms) {
      const response = await fetch(`${sim.url}/_control/latency`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms }) });
      if (!response.ok) throw new Error(`The simulator refused latency ${ms}: ${response.status}`);
    },
    startWorkers(names, concurrency) {
      const workers = startWorkers({ db, redis: { connection: redis, prefix }, handlers: engineHandlers(engine), queues: names, concurrency });
      running.push(workers);
      return workers;
    },
    async receiveOrderWebhooks() {
      receiver = await startWebhookReceiver({ 'orders/create': (await import('../app/routes/webhooks.orders.create.tsx')).action });
      sim.setWebhookSubscriptions([{ topic: 'orders/create', uri: receiver.url }]);
    },
    async close() {
      for (const w of running) await w.close();
      await queues.close();
      await sim.close();
      await receiver?.close();
      await deletePrefix(redis, prefix);
      redis.disconnect();
      await database.drop();
    },
  };
}
