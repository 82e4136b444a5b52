// `npm run worker`: opens the database and Redis, keeps the schedules in line with the shops and
// partnerships (at start, then every minute), runs every queue, and on SIGTERM/SIGINT lets active
// jobs finish before exiting.
import { closeDatabase, database } from '../db.server.ts';
import { env } from '../env.server.ts';
import { engineHandlers } from './handlers.server.ts';
import { engineRedisDeps } from './engine-redis.server.ts';
import { stripeClient } from '../sync/billing.server.ts';
import { openQueues, redisFromEnv } from './queues.server.ts';
import { startScheduleKeeper } from './schedule-keeper.server.ts';
import { syncAllSchedules } from './schedules.server.ts';
import { startWorkers } from './worker.server.ts';

const SAVE_USAGE_EVERY_MS = 5 * 60_000;

/** CONNECTOR_ORIGINS' `stripe=` (demo and tests): billing's Stripe client talks to the simulator there. */
function stripeForOrigin(origin: string | undefined) {
  if (!origin) return undefined;
  const url = new URL(origin);
  return (key: string) => stripeClient(key, { host: url.hostname, port: Number(url.port), protocol: url.protocol === 'https:' ? 'https' : 'http' });
}

async function main() {
  const db = await database();
  const redis = redisFromEnv();
  const queues = openQueues(redis);
  await syncAllSchedules(db, queues);
  const keeper = startScheduleKeeper(db, queues);
  const engine = engineRedisDeps(redis);
  const { budgets } = engine;
  const running = startWorkers({ db, redis, handlers: engineHandlers({ ...engine, stripeFor: stripeForOrigin(env().CONNECTOR_ORIGINS?.stripe) }), lockMs: env().WORKER_LOCK_MS });
  const saving = setInterval(() => void budgets.saveUsage(db).catch((err) => console.error('Could not save budget usage', err)), SAVE_USAGE_EVERY_MS);
  console.log(`Tandem worker running ${running.workers.length} queues under prefix "${redis.prefix}"`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing active jobs, then stopping`);
    clearInterval(saving);
    keeper.stop();
    await running.close();
    await budgets.saveUsage(db);
    await queues.close();
    await redis.connection.quit();
    await closeDatabase();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
