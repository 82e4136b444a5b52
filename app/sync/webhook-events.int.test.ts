import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { markWebhookProcessed, recordWebhook } from './webhook-events.server.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase('webhook_events');
});
afterAll(async () => {
  await t.drop();
});

const delivery = (webhookId: string) => ({ webhookId, shopDomain: 'retailer.myshopify.com', topic: 'ORDERS_CREATE' });

describe('when a delivery is recorded', () => {
  it('is new the first time and a duplicate of the same row after', async () => {
    const first = await recordWebhook(t.db, delivery('w-1'));
    const again = await recordWebhook(t.db, delivery('w-1'));

    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ duplicate: true, event: first.event });
  });
});

describe('when a delivery is marked processed', () => {
  it('keeps the first processing time when marked again', async () => {
    await recordWebhook(t.db, delivery('w-2'));
    await markWebhookProcessed(t.db, 'w-2', new Date('2026-11-23T10:00:00Z'));
    await markWebhookProcessed(t.db, 'w-2', new Date('2026-11-23T11:00:00Z'));

    const { event } = await recordWebhook(t.db, delivery('w-2'));

    expect(event.processedAt?.toISOString()).toBe('2026-11-23T10:00:00.000Z');
  });
});
