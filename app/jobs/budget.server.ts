// RedisBudget: one connection's rate-limit budget shared by every worker (DESIGN.md: Records,
// checkpoints, budgets). Each spend runs one Lua script, so N workers on N Redis connections
// together never exceed the platform's policy. Time comes from Redis (TIME), not from each
// worker's clock. Keys share a hash tag per connection (`{<connectionId>}`) so a Redis Cluster
// keeps them in one slot, as multi-key scripts require.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Budget, RateLimitPolicy, SpendResult } from '../../connectors/sdk/budget.ts';
import { ConnectorError, RateLimited } from '../../connectors/sdk/errors.ts';
import type { Db } from '../db.server.ts';
import { RedisSemaphore } from './semaphore.server.ts';

const DAY_MS = 86_400_000;

// Shared Lua prelude: Redis time in ms.
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

// KEYS: state, day, month. ARGV: kind, capacity, rate (units per ms) or windowMs, units, dailyCap
// (0: none), dayTtlS, monthTtlS.
// Returns {status, now, windowStart}: status 0 = spent, -1 = daily cap reached, n > 0 = wait n ms.
const SPEND = `${NOW}
local kind, capacity, param, units, cap = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local today = tonumber(redis.call('GET', KEYS[2]) or '0')
if cap > 0 and today + units > cap then return {-1, now, 0} end
local windowStart = 0
if kind == 'token-bucket' then
  local s = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
  local tokens = tonumber(s[1]) or capacity
  local ts = tonumber(s[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - ts) * param)
  if tokens < units then
    redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
    return {math.max(1, math.ceil((units - tokens) / param)), now, 0}
  end
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - units), 'ts', now)
  redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / param) + 60000)
else
  local s = redis.call('HMGET', KEYS[1], 'count', 'start')
  local count = tonumber(s[1]) or 0
  local start = tonumber(s[2])
  if not start or now >= start + param then start = now; count = 0 end
  if count + units > capacity then return {math.max(1, start + param - now), now, start} end
  redis.call('HSET', KEYS[1], 'count', count + units, 'start', start)
  redis.call('PEXPIRE', KEYS[1], param * 2)
  windowStart = start
end
redis.call('INCRBY', KEYS[2], units)
redis.call('EXPIRE', KEYS[2], ARGV[6])
redis.call('INCRBY', KEYS[3], units)
redis.call('EXPIRE', KEYS[3], ARGV[7])
return {0, now, windowStart}
`;

// KEYS: state, day, month. ARGV: kind, capacity, rate or windowMs, units. Gives units back.
const REFUND = `${NOW}
local kind, capacity, param, units = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if kind == 'token-bucket' then
  local s = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
  local tokens = tonumber(s[1]) or capacity
  local ts = tonumber(s[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - ts) * param + units)
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
else
  local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
  redis.call('HSET', KEYS[1], 'count', math.max(0, count - units))
end
for i = 2, 3 do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used > 0 then redis.call('SET', KEYS[i], math.max(0, used - units), 'KEEPTTL') end
end
return 0
`;

// KEYS: state, day. ARGV: kind, capacity, rate or windowMs, remaining (-1: unknown),
// resetInMs (-1: unknown), dailyRemaining (-1: unknown), dailyCap (0: none), dayTtlS.
// Only ever makes the shared state more cautious: the vendor also counts calls we did not see.
const OBSERVE = `${NOW}
local kind, capacity, param = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local remaining, resetIn, dailyRemaining, cap = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
if remaining >= 0 then
  if kind == 'token-bucket' then
    local s = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
    local tokens = tonumber(s[1]) or capacity
    local ts = tonumber(s[2]) or now
    tokens = math.min(capacity, tokens + math.max(0, now - ts) * param, remaining)
    redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
  else
    local s = redis.call('HMGET', KEYS[1], 'count', 'start')
    local count = tonumber(s[1]) or 0
    local start = tonumber(s[2])
    if not start or now >= start + param then start = now; count = 0 end
    if resetIn >= 0 then start = now + resetIn - param end
    redis.call('HSET', KEYS[1], 'count', math.max(count, capacity - remaining), 'start', start)
    redis.call('PEXPIRE', KEYS[1], param * 2)
  end
end
if dailyRemaining >= 0 and cap > 0 then
  local used = tonumber(redis.call('GET', KEYS[2]) or '0')
  if cap - dailyRemaining > used then redis.call('SET', KEYS[2], cap - dailyRemaining, 'EX', ARGV[8]) end
end
return 0
`;

export interface RedisBudgetOptions {
  /** The deployment's key prefix (REDIS_PREFIX, or a test's unique prefix). */
  prefix: string;
  connectionId: string;
  policy: RateLimitPolicy;
  /** For error messages: 'xero', 'shopify'. */
  connectorId?: string;
  /** Default cap on waiting in spend() before it throws rate_limited (ms). */
  maxWaitMs?: number;
  /** Lease of a concurrency slot: a worker that dies mid-call gives it back after this. */
  slotLeaseMs?: number;
}

export interface RedisSpendResult extends SpendResult {
  /** Redis time (ms) when the units were spent. */
  grantedAt: number;
  /** Fixed window only: when the window that granted them opened (Redis time, ms). */
  windowStart?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** UTC day and month of `ms`: daily caps (Xero: 5,000 per tenant per day) reset at UTC midnight. */
function dayAndMonth(ms: number) {
  const iso = new Date(ms).toISOString();
  return { day: iso.slice(0, 10), month: iso.slice(0, 7) };
}

export class RedisBudget implements Budget {
  private readonly base: string;
  private readonly kind: RateLimitPolicy['kind'];
  /** Units per ms (token bucket) or window length in ms (fixed window). */
  private readonly param: number;
  private readonly semaphore?: RedisSemaphore;
  /** Concurrency slots this instance holds, released last-in first-out. */
  private readonly held: string[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisBudgetOptions,
  ) {
    const { policy, connectionId, prefix } = options;
    this.base = `${prefix}:budget:{${connectionId}}`;
    this.kind = policy.kind;
    if (policy.kind === 'token-bucket') {
      if (!policy.refillPerSecond || policy.refillPerSecond <= 0) throw new Error(`Token-bucket policy for ${connectionId} needs refillPerSecond`);
      this.param = policy.refillPerSecond / 1000;
    } else {
      if (!policy.windowMs || policy.windowMs <= 0) throw new Error(`Fixed-window policy for ${connectionId} needs windowMs`);
      this.param = policy.windowMs;
    }
    if (policy.maxConcurrent) this.semaphore = new RedisSemaphore(redis, `${this.base}:inflight`, policy.maxConcurrent, options.slotLeaseMs ?? 120_000);
  }

  private keys(now = Date.now()) {
    const { day, month } = dayAndMonth(now);
    return { state: `${this.base}:state`, day: `${this.base}:day:${day}`, month: `${this.base}:month:${month}` };
  }

  private get name() {
    return this.options.connectorId ?? this.options.connectionId;
  }

  async spend(units = 1, opts: { maxWaitMs?: number } = {}): Promise<RedisSpendResult> {
    const { policy } = this.options;
    if (units > policy.capacity) {
      throw new ConnectorError('invalid', `A call costing ${units} ${policy.unit}s can never fit ${this.name}'s limit of ${policy.capacity}`);
    }
    const started = Date.now();
    const deadline = started + (opts.maxWaitMs ?? this.options.maxWaitMs ?? 30_000);
    const holder = this.semaphore ? await this.takeSlot(deadline) : undefined;
    try {
      for (;;) {
        const k = this.keys();
        const [status, now, windowStart] = (await this.redis.eval(
          SPEND, 3, k.state, k.day, k.month,
          this.kind, policy.capacity, this.param, units, policy.dailyCap ?? 0, 2 * 86_400, 40 * 86_400,
        )) as [number, number, number];
        if (status === 0) {
          return { waitedMs: Date.now() - started, grantedAt: now, ...(this.kind === 'fixed-window' ? { windowStart } : {}) };
        }
        if (status === -1) throw this.exhausted(now);
        if (Date.now() + status > deadline) {
          throw RateLimited(status, `${this.name}'s shared budget needs ${status} ms before the next call`, { connectorId: this.options.connectorId });
        }
        // Look again at least every 50 ms rather than sleeping the whole refill time: a refund
        // (Shopify charges less than it asked for) may free the units much sooner. A little
        // jitter keeps workers that wait together from retrying in the same millisecond.
        await sleep(Math.min(status, 50) + Math.floor(Math.random() * 5));
      }
    } catch (err) {
      if (holder) await this.dropSlot(holder);
      throw err;
    }
  }

  private exhausted(now: number) {
    const { dailyCap } = this.options.policy;
    return new ConnectorError('budget_exhausted', `${this.name} has used its daily cap of ${dailyCap} calls`, {
      connectorId: this.options.connectorId,
      merchantMessage: `Tandem has used today's ${dailyCap} calls allowed by ${this.name}. Syncing resumes after midnight UTC.`,
      retryAfterMs: DAY_MS - (now % DAY_MS),
    });
  }

  private async takeSlot(deadline: number) {
    const holder = randomUUID();
    for (;;) {
      const hint = await this.semaphore!.tryAcquire(holder);
      if (hint === 0) {
        this.held.push(holder);
        return holder;
      }
      // Slots free up when calls finish (release), usually far sooner than the lease hint.
      const wait = Math.min(hint, 25);
      if (Date.now() + wait > deadline) {
        throw RateLimited(wait, `${this.name} already has ${this.options.policy.maxConcurrent} calls in flight`, { connectorId: this.options.connectorId });
      }
      await sleep(wait);
    }
  }

  private async dropSlot(holder: string) {
    const i = this.held.lastIndexOf(holder);
    if (i >= 0) this.held.splice(i, 1);
    await this.semaphore!.release(holder);
  }

  async release() {
    const holder = this.held.pop();
    if (holder) await this.semaphore!.release(holder);
  }

  async refund(units: number) {
    if (units <= 0) return;
    const k = this.keys();
    await this.redis.eval(REFUND, 3, k.state, k.day, k.month, this.kind, this.options.policy.capacity, this.param, units);
  }

  async observe(state: { remaining?: number; resetInMs?: number; dailyRemaining?: number }) {
    const k = this.keys();
    const { policy } = this.options;
    await this.redis.eval(
      OBSERVE, 2, k.state, k.day,
      this.kind, policy.capacity, this.param, state.remaining ?? -1, state.resetInMs ?? -1, state.dailyRemaining ?? -1, policy.dailyCap ?? 0, 2 * 86_400,
    );
  }

  async usage() {
    const k = this.keys();
    const [today, month] = await this.redis.mget(k.day, k.month);
    return { today: Number(today ?? 0), month: Number(month ?? 0), dailyCap: this.options.policy.dailyCap };
  }
}

/**
 * Copies today's usage into BudgetUsage (the marketplace screen's history). Idempotent: the
 * row for (connection, day) is overwritten with Redis's running total.
 */
export async function saveBudgetUsage(db: Db, connectionId: string, budget: Budget, unit: RateLimitPolicy['unit'], now = Date.now()) {
  const { today } = await budget.usage();
  const day = dayAndMonth(now).day;
  const field = unit === 'cost' ? { costPoints: today } : { calls: today };
  await db.budgetUsage.upsert({
    where: { connectionId_day: { connectionId, day } },
    create: { connectionId, day, ...field },
    update: field,
  });
}

/**
 * The budgets this process has handed out, one per connection, so every call of a connection in
 * this worker shares one instance (and its in-flight slots), and their usage can be saved.
 */
export class Budgets {
  private readonly byConnection = new Map<string, { budget: RedisBudget; unit: RateLimitPolicy['unit'] }>();

  constructor(private readonly target: { connection: Redis; prefix: string }) {}

  /** The connection's shared budget under its connector's policy. */
  forConnection(connectionId: string, policy: RateLimitPolicy, connectorId?: string): RedisBudget {
    let entry = this.byConnection.get(connectionId);
    if (!entry) {
      entry = { budget: new RedisBudget(this.target.connection, { prefix: this.target.prefix, connectionId, policy, connectorId }), unit: policy.unit };
      this.byConnection.set(connectionId, entry);
    }
    return entry.budget;
  }

  /** Saves today's usage of every budget used here to BudgetUsage (the worker calls it every few minutes). */
  async saveUsage(db: Db) {
    for (const [connectionId, { budget, unit }] of this.byConnection) await saveBudgetUsage(db, connectionId, budget, unit);
  }
}
