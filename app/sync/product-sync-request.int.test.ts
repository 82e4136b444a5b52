// "Sync to partners now" when Redis refuses the job: the merchant is told per partner, and Activity
// shows no run that is not coming. (The working path is tested over HTTP in app/routes.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { testRedis, uniquePrefix } from '../../test/support/redis.ts';
import { requestManualRun } from '../jobs/enqueue.server.ts';
import { openQueues } from '../jobs/queues.server.ts';
import { sealCredentials } from './connections.server.ts';
import { requestProductSync } from './product-sync-request.server.ts';

const SUPPLIER = 'dune-supply.myshopify.com';
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase('product_sync_request');
  const [dune, elm, ash] = await Promise.all([SUPPLIER, 'elm-retail.myshopify.com', 'ash-co.myshopify.com'].map((domain, i) => t.db.shop.create({ data: { domain, name: ['Dune Supply', 'Elm Retail', 'Ash & Co'][i] } })));
  const store = await t.db.connection.create({ data: { shopId: dune!.id, platform: 'shopify', externalAccount: SUPPLIER, credentials: sealCredentials({ accessToken: 'unused-here' }) } });
  for (const retailer of [elm!, ash!]) {
    await t.db.partnership.create({ data: { supplierShopId: dune!.id, retailerShopId: retailer.id, invitedByShopId: dune!.id, status: 'ACTIVE', sourceConnectionId: store.id } });
  }
});
afterAll(async () => {
  await t.drop();
});

describe('when the job queue refuses "Sync to partners now"', () => {
  it('reports each partner as not queued and leaves no queued run behind', async () => {
    const redis = testRedis();
    redis.disconnect();
    const queues = openQueues({ connection: redis, prefix: uniquePrefix('refused') });

    const result = await requestProductSync(t.db, SUPPLIER, 'gid://shopify/Product/101', (run) => requestManualRun(t.db, queues, run));

    expect(result).toEqual({
      productId: 'gid://shopify/Product/101',
      results: [
        { partnershipId: expect.any(String), partner: 'Elm Retail', outcome: 'failed', reason: 'Tandem could not queue the sync for this partner. Try again in a minute.' },
        { partnershipId: expect.any(String), partner: 'Ash & Co', outcome: 'failed', reason: 'Tandem could not queue the sync for this partner. Try again in a minute.' },
      ],
    });
    expect(await t.db.syncRun.count()).toBe(0);
    await queues.close().catch(() => undefined);
  });
});
