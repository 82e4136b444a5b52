// Issue 8, reliability: the daily charge under a worker process. The billing job runs twice (the
// schedule fired on two workers), the worker is SIGKILLed after Stripe took the money but before
// Tandem recorded it, and Stripe answers 429 and 500: each partner is charged once for the day, and
// the Charge row ends SUCCEEDED with that payment's id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobDefinitions } from '../../app/jobs/definitions.server.ts';
import { openQueues, type Queues } from '../../app/jobs/queues.server.ts';
import { forwardedOrder, seedPartnership, stripeRecord, type SeededPartnership } from '../../app/sync/billing.fixtures.ts';
import { startStripeSimulator, type StripeSimulator } from '../../simulators/stripe/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { TEST_REDIS_URL, deletePrefix, testRedis, uniquePrefix } from '../support/redis.ts';
import { until } from '../support/until.ts';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.ts';

const redis = testRedis();
const prefix = uniquePrefix('chaos-billing');
let t: TestDatabase;
let stripe: StripeSimulator;
let queues: Queues;
let worker: WorkerProcess | undefined;

const MONEY = '^POST /v1/payment_intents$';
/** Billing bills the supplier's previous day (UTC here) as of when the run was due: now. */
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const TERMS = { currency: 'USD', feePercent: 5, method: 'payment_intent' };

async function startWorker() {
  worker = startWorkerProcess({ databaseUrl: t.url, schema: t.schema, redisUrl: TEST_REDIS_URL, redisPrefix: prefix, env: { CONNECTOR_ORIGINS: `stripe=${stripe.url}` } });
  await worker.ready;
}

/** The billing schedule firing (billing.daily has no manual way in; this is its scheduler's add). */
async function billingFires(id: string) {
  const { options } = jobDefinitions['billing.daily'];
  await queues.get('billing.daily').add('billing.daily', {}, { ...options, jobId: `billing-daily_${id}` });
}

/** A partner with one forwarded order yesterday, so something is due. */
async function partnerWithOrder() {
  const seeded = await seedPartnership(t.db, stripe, { billingTerms: TERMS });
  await forwardedOrder(t.db, seeded.partnershipId, `${yesterday()}T12:00:00Z`, '200.00');
  return seeded;
}

const charged = (seeded: SeededPartnership) => until('the charge recorded', () => t.db.charge.findFirst({ where: { partnershipId: seeded.partnershipId, status: 'SUCCEEDED' } }));

/** Runs delayed jobs now instead of after their backoff (a 500 waits 10 minutes before the retry). */
async function skipBackoffs() {
  for (const job of await queues.get('billing.daily').getJobs(['delayed'])) await job?.promote().catch(() => {});
}

beforeAll(async () => {
  t = await createTestDatabase('chaos_billing');
  queues = openQueues({ connection: redis, prefix });
  stripe = await startStripeSimulator({ latencyMs: 0, ratePerSecond: 1000 });
  await startWorker();
});

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await queues?.close();
  await stripe?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await t?.drop();
});

describe('when the billing job runs twice', () => {
  it('charges the partner once for the day', async () => {
    const seeded = await partnerWithOrder();

    await Promise.all([billingFires('first'), billingFires('second')]);
    const charge = await charged(seeded);
    await until('both runs to finish', async () => (await queues.get('billing.daily').getJobCounts('completed')).completed === 2);

    const record = stripeRecord(stripe, seeded, yesterday());
    expect(record.succeededCharges).toHaveLength(1);
    // The amount is billing's own business (billing.int.test.ts); here: one payment, the one recorded.
    expect(record.succeededIntents.map((pi) => pi.id)).toEqual([charge.stripeId]);
    expect(await t.db.charge.count({ where: { partnershipId: seeded.partnershipId } })).toBe(1);
  });
});

describe('when the worker dies after Stripe took the money and before Tandem recorded it', () => {
  it('finds the payment after the restart and charges no second time', async () => {
    const seeded = await partnerWithOrder();
    stripe.lostResponses.add({ route: MONEY, times: 1, delayMs: 20_000 });

    await billingFires('killed');
    await until('Stripe to take the money', () => stripeRecord(stripe, seeded, yesterday()).succeededIntents.length === 1);
    await worker!.stop('SIGKILL');
    const unrecorded = await t.db.charge.findFirstOrThrow({ where: { partnershipId: seeded.partnershipId } });
    expect(unrecorded.status).not.toBe('SUCCEEDED');
    await startWorker();
    const charge = await charged(seeded);

    const record = stripeRecord(stripe, seeded, yesterday());
    expect(record.succeededCharges).toHaveLength(1);
    expect(charge.stripeId).toBe(record.succeededIntents[0]!.id);
  });
});

describe('when Stripe answers 429 and then 500 to the charge', () => {
  it('waits, retries and charges once', async () => {
    const seeded = await partnerWithOrder();
    stripe.faults.add({ route: MONEY, times: 2, status: 429, retryAfterS: 1 });
    stripe.faults.add({ route: MONEY, times: 1, status: 500 });

    await billingFires('faulty');
    const charge = await until('the charge after the faults', async () => {
      await skipBackoffs();
      return t.db.charge.findFirst({ where: { partnershipId: seeded.partnershipId, status: 'SUCCEEDED' } });
    });

    expect(stripe.faults.list().map((f) => f.hits)).toEqual([2, 1]);
    const record = stripeRecord(stripe, seeded, yesterday());
    expect(record.succeededCharges).toHaveLength(1);
    expect(charge.stripeId).toBe(record.succeededIntents[0]!.id);
  });
});
