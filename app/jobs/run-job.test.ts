import { describe, expect, it } from 'vitest';
import { AuthExpired, Conflict, ConnectorError, Invalid, NotFound, RateLimited, Unavailable } from '../../connectors/sdk/errors.ts';
import { jobDefinitions } from './definitions.server.ts';
import { decide, retryAdvice } from './run-job.server.ts';

const noon = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('when a job fails, the decision depends only on the error code', () => {
  it.each([
    { error: Unavailable('Shopify answered 503'), decision: { action: 'retry' } },
    { error: Conflict('Stale inventory compare-and-swap'), decision: { action: 'retry' } },
    { error: new Error('socket hang up'), decision: { action: 'retry' } },
    { error: RateLimited(2_500), decision: { action: 'delay', ms: 2_500 } },
    { error: new ConnectorError('budget_exhausted', 'cap', { retryAfterMs: 60_000 }), decision: { action: 'delay', ms: 60_000 } },
    { error: new ConnectorError('budget_exhausted', 'cap'), decision: { action: 'delay', ms: 12 * 3_600_000 } },
    { error: Invalid('title too long'), decision: { action: 'give-up' } },
    { error: NotFound('variant 42'), decision: { action: 'give-up' } },
    { error: AuthExpired(), decision: { action: 'give-up' } },
    { error: new ConnectorError('capability_missing', 'no orders.write'), decision: { action: 'give-up' } },
  ])('$error.message → $decision.action', ({ error, decision }) => {
    expect(decide(error, noon)).toEqual(decision);
  });

  it('reads the code from an error that crossed the queue as JSON', () => {
    const json = JSON.parse(JSON.stringify(RateLimited(900)));
    expect(decide(json, noon)).toEqual({ action: 'delay', ms: 900 });
    expect(decide(JSON.parse(JSON.stringify(Invalid('bad'))), noon)).toEqual({ action: 'give-up' });
  });
});

describe('when a stopped job’s alert says how its work is done again', () => {
  it.each([
    ['catalog.sync', 'then press Retry in Activity'],
    ['orders.pull', 'then press Retry in Activity'],
    ['nightly.full', 'then press Retry in Activity'],
    ['invoices.post', 'then press Retry in Activity'],
    ['oversell', 'and the next hourly inventory push sets partner stock right again'],
    ['billing.daily', 'and Tandem tries again at its next scheduled run'],
  ] as const)('%s: %s', (queue, advice) => {
    expect(retryAdvice(jobDefinitions[queue])).toBe(advice);
  });
});
