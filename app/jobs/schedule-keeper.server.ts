// Keeps the job schedulers in line with the database while workers run. The web app installs
// shops, accepts and ends partnerships, and Shopify uninstalls and redacts shops, all by changing
// rows; the keeper turns those rows into BullMQ schedulers within one interval. Several workers
// may run a keeper: a short Redis lease lets one of them do each pass. After Redis reconnects
// (it may have restarted empty) a pass runs at once.
import type { Db } from '../db.server.ts';
import type { Queues } from './queues.server.ts';
import { reconcileSchedules, type Reconciled } from './schedules.server.ts';

export const KEEP_SCHEDULES_EVERY_MS = 60_000;

export interface ScheduleKeeper {
  /** One pass now (skipped, returning null, while another worker's pass holds the lease). */
  runOnce(): Promise<Reconciled | null>;
  stop(): void;
}

export function startScheduleKeeper(db: Db, queues: Queues, options: { everyMs?: number; onError?: (err: unknown) => void } = {}): ScheduleKeeper {
  const everyMs = options.everyMs ?? KEEP_SCHEDULES_EVERY_MS;
  const lease = `${queues.prefix}:schedule-keeper`;
  const runOnce = async () => {
    // The lease outlives a pass that dies, so a crashed worker delays the next pass, never blocks it.
    const mine = await queues.connection.set(lease, String(process.pid), 'PX', Math.max(1_000, everyMs - 100), 'NX');
    if (mine !== 'OK') return null;
    return reconcileSchedules(db, queues);
  };
  const onError = options.onError ?? ((err: unknown) => console.error('Could not bring the job schedules in line', err));
  const timer = setInterval(() => void runOnce().catch(onError), everyMs);
  timer.unref();
  // Redis back after an outage may have lost every key (a restart without persistence): put the
  // schedules back at once rather than up to an interval later. A blip that kept the data finds
  // the lease or the schedulers in place and changes nothing.
  let wasReady = queues.connection.status === 'ready';
  const onReady = () => {
    if (wasReady) void runOnce().catch(onError);
    wasReady = true;
  };
  queues.connection.on('ready', onReady);
  return {
    runOnce,
    stop: () => {
      clearInterval(timer);
      queues.connection.off('ready', onReady);
    },
  };
}
