// The web app's handle on the queues (to enqueue webhook work and manual runs). Kept on
// globalThis so Vite's separate module copies in development share one Redis connection.
import { openQueues, redisFromEnv, type Queues } from './queues.server.ts';

const holder = globalThis as typeof globalThis & { __tandemQueues?: Queues };

/** How long a request waits for Redis to (re)connect before saying it could not queue. */
const FAIL_FAST_MS = 1_000;

export function appQueues(): Queues {
  holder.__tandemQueues ??= openQueues(redisFromEnv({ producer: true }), { failFastMs: FAIL_FAST_MS });
  return holder.__tandemQueues;
}

/** Tests: route the app's enqueues to their own prefix. */
export function useQueues(queues: Queues) {
  holder.__tandemQueues = queues;
}

/**
 * Closes the queues `appQueues()` opened and their Redis connection, so the next app in this
 * process (the browser tests start one per suite) opens its own under its REDIS_PREFIX.
 */
export async function closeAppQueues() {
  const queues = holder.__tandemQueues;
  holder.__tandemQueues = undefined;
  if (!queues) return;
  await queues.close();
  await queues.connection.quit();
}
