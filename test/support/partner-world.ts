// The fixture most engine tests share: one test database, one in-process Shopify simulator, a sync
// context, and before each test a fresh supplier ↔ retailer partnership (test/support/partners.ts).
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createSyncContext, type SyncContext } from '../../app/sync/connections.server.ts';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { createPartners, type Partners, type PartnersOptions } from './partners.ts';

export interface PartnerWorld {
  database: TestDatabase;
  sim: ShopifySimulator;
  ctx: SyncContext;
  partners: Partners;
}

/**
 * Registers the hooks and returns the world they fill in. Read its fields inside tests or later
 * hooks (hooks registered after this call run after it), never at module load.
 */
export function usePartnerWorld(label: string, options: PartnersOptions = {}): PartnerWorld {
  const world = {} as PartnerWorld;
  beforeAll(async () => {
    world.database = await createTestDatabase(label);
    world.sim = await startShopifySimulator({ latencyMs: 0 });
    world.ctx = createSyncContext(world.database.db);
  });
  afterAll(async () => {
    await world.sim?.close();
    await world.database?.drop();
  });
  beforeEach(async () => {
    world.sim.reset();
    await world.database.db.shop.deleteMany();
    world.partners = await createPartners(world.database.db, world.sim, options);
  });
  return world;
}
