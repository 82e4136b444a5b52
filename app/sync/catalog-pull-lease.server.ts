// One catalog pull per supplier source at a time, across every worker. Several partnerships share a
// source (one supplier, many retailers); their catalog.sync jobs run side by side, and each pulling
// the same catalog would spend the supplier's API budget once per retailer and race on the source's
// checkpoint. A lease in Redis (redis-lease.server.ts: an owner token, an expiry renewed while the
// pull runs, released only by its owner) lets one job pull; the others wait for it and reuse its
// result when that pull started after they were asked for, so it saw every change they were asked
// to carry.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Unavailable } from '../../connectors/sdk/errors.ts';
import { holdLease, tryAcquireLease } from './redis-lease.server.ts';
import { pullSupplierCatalog, type PullResult, type SyncMode } from './catalog.server.ts';
import type { SyncContext } from './connections.server.ts';

export interface PullRequest {
  mode: SyncMode;
  /** A finished pull that started at or after this instant is fresh enough to reuse. */
  freshSince: Date;
  signal?: AbortSignal;
}

export interface LeasedPull {
  result: PullResult;
  /** Another job's pull was reused: this one read nothing from the supplier. */
  shared: boolean;
}

export type CatalogPullLease = (sourceConnectionId: string, request: PullRequest, pull: () => Promise<PullResult>) => Promise<LeasedPull>;

/** Without a shared lease (scripts, tests of one run): every call pulls. */
export const pullWithoutLease: CatalogPullLease = async (_source, _request, pull) => ({ result: await pull(), shared: false });

export interface RedisCatalogPullLeaseOptions {
  /** The deployment's REDIS_PREFIX: every key lives under it. */
  prefix: string;
  /** How long a lease outlives a dead worker; renewed every third of it while the pull runs. */
  leaseMs?: number;
  /** How long a job waits for another's pull before it is given back to the queue (retried later). */
  waitMs?: number;
  /** How long a finished pull stays reusable. */
  keepResultMs?: number;
}

/** What the last finished pull of a source was, for the jobs that waited on it. */
interface FinishedPull {
  startedAt: number;
  mode: SyncMode;
  result: PullResult;
}

export function redisCatalogPullLease(redis: Redis, options: RedisCatalogPullLeaseOptions): CatalogPullLease {
  const leaseMs = options.leaseMs ?? 60_000;
  const waitMs = options.waitMs ?? 15 * 60_000;
  const keepResultMs = options.keepResultMs ?? 24 * 3_600_000;
  // One hash tag per source keeps its two keys in one Redis Cluster slot.
  const keys = (source: string) => ({ lease: `${options.prefix}:catalog-pull:{${source}}:lease`, last: `${options.prefix}:catalog-pull:{${source}}:last` });

  const reusable = async (lastKey: string, request: PullRequest): Promise<FinishedPull | null> => {
    const raw = await redis.get(lastKey);
    if (!raw) return null;
    const last = JSON.parse(raw) as FinishedPull;
    const covers = request.mode === 'PARTIAL' || last.mode === 'FULL';
    return covers && last.startedAt >= request.freshSince.getTime() ? last : null;
  };

  return async (source, request, pull) => {
    const { lease, last } = keys(source);
    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
      request.signal?.throwIfAborted();
      const earlier = await reusable(last, request);
      if (earlier) return { result: earlier.result, shared: true };
      if (await tryAcquireLease(redis, [lease], token, leaseMs)) break;
      if (Date.now() > deadline) throw Unavailable(`Another job has been pulling this supplier's catalog for over ${Math.round(waitMs / 60_000)} minutes; this sync tries again later.`, { details: { sourceConnectionId: source } });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    return holdLease(redis, [lease], token, leaseMs, async () => {
      // The holder that just released may have finished what we need between our look and our SET.
      const earlier = await reusable(last, request);
      if (earlier) return { result: earlier.result, shared: true };
      const startedAt = Date.now();
      const result = await pull();
      const finished: FinishedPull = { startedAt, mode: request.mode, result };
      await redis.set(last, JSON.stringify(finished), 'PX', keepResultMs);
      return { result, shared: false };
    });
  };
}

/**
 * pullSupplierCatalog under the context's lease: one pull per source at a time across workers,
 * its result reused by the syncs that were asked for before it started. `freshSince` defaults to
 * now: a sync that waited for a pull already under way then pulls again itself.
 */
export function pullSourceCatalog(ctx: SyncContext, sourceConnectionId: string, options: { mode: SyncMode; freshSince?: Date }): Promise<LeasedPull> {
  const lease = ctx.catalogPullLease ?? pullWithoutLease;
  const request = { mode: options.mode, freshSince: options.freshSince ?? new Date(), signal: ctx.signal };
  return lease(sourceConnectionId, request, () => pullSupplierCatalog(ctx, sourceConnectionId, { mode: options.mode }));
}
