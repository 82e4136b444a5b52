// The web app's handle on the queues (to enqueue webhook work and manual runs). Kept on
// globalThis so Vite's separate module copies in development share one Redis connection.
import { openQueues, redisFromEnv, type Queues } from './queues.server.ts';

const holder = globalThis as typeof globalThis & { __tandemQueues?: Queues };

export function appQueues(): Queues {
  holder.__tandemQueues ??= openQueues(redisFromEnv());
  return holder.__tandemQueues;
}

/** Tests: route the app's enqueues to their own prefix. */
export function useQueues(queues: Queues) {
  holder.__tandemQueues = queues;
}
