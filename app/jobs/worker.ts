// `npm run worker`: opens the database and Redis, keeps the schedules in line with the shops,
// runs every queue, and on SIGTERM/SIGINT lets active jobs finish before exiting.
import { closeDatabase, database } from '../db.server.ts';
import type { JobHandlers } from './definitions.server.ts';
import { openQueues, redisFromEnv } from './queues.server.ts';
import { syncAllSchedules } from './schedules.server.ts';
import { startWorkers } from './worker.server.ts';

/**
 * The engine's handlers. Until app/sync provides them, every job fails with capability_missing
 * (dead-lettered, with an alert) rather than pretending to succeed.
 */
async function loadHandlers(): Promise<JobHandlers> {
  return {};
}

async function main() {
  const db = await database();
  const redis = redisFromEnv();
  const queues = openQueues(redis);
  await syncAllSchedules(db, queues);
  const running = startWorkers({ db, redis, handlers: await loadHandlers() });
  console.log(`Tandem worker running ${running.workers.length} queues under prefix "${redis.prefix}"`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing active jobs, then stopping`);
    await running.close();
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
