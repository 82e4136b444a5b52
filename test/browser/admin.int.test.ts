// The embedded admin in a real browser (Debian chromium): a supplier and a retailer connect, the
// supplier turns on force overwrite, runs a Partial catalog sync and watches it reach 100%, and a
// failed order's reason shows on Activity. The catalog.sync handler here is a stand-in that
// reports progress in steps (the engine's handler needs real catalogs; this test is about the
// screens), run by the real BullMQ worker on a fresh Redis prefix.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers, type RunningWorkers } from '../../app/jobs/worker.server.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { deletePrefix, uniquePrefix, TEST_REDIS_URL } from '../support/redis.ts';
import { CHROMIUM, chromiumMissing, startHarness, type Harness } from './harness.ts';

const SUPPLIER = { domain: 'kestrel-supply.myshopify.com', name: 'Kestrel Supply', timezone: 'America/New_York' };
const RETAILER = { domain: 'lumen-store.myshopify.com', name: 'Lumen Store', timezone: 'Europe/Berlin' };

if (chromiumMissing) console.warn(`Browser tests skipped: no chromium at ${CHROMIUM} (Debian: apt-get install -y chromium).`);

describe.skipIf(chromiumMissing)('when merchants use the embedded admin in a browser', () => {
  const prefix = uniquePrefix('browser');
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  let t: TestDatabase;
  let h: Harness;
  let workers: RunningWorkers;
  let partnershipId: string;

  beforeAll(async () => {
    t = await createTestDatabase('browser');
    h = await startHarness({ db: t.db, shops: [SUPPLIER, RETAILER], redisPrefix: prefix });
    workers = startWorkers({
      db: t.db,
      redis: { connection: redis, prefix },
      queues: ['catalog.sync'],
      perShopConcurrency: 0,
      handlers: {
        'catalog.sync': async (_payload, ctx) => {
          // Five seconds in eight steps: slow enough for a once-a-second poll to see it climb.
          for (let done = 0; done <= 40; done += 5) {
            await ctx.progress(done, 40, 'listings');
            await new Promise((r) => setTimeout(r, 600));
          }
          return { counts: { updated: 40 }, apiCalls: 6, costPoints: 60, errors: [] };
        },
      },
    });
  }, 180_000);

  afterAll(async () => {
    await workers?.close();
    await h?.close();
    await t?.drop();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('installs both shops and shows the home dashboard with every sync job', async () => {
    const supplier = await h.open(SUPPLIER.domain);
    await supplier.getByRole('heading', { name: 'Catalog sync' }).waitFor();
    await supplier.getByRole('heading', { name: 'Daily billing' }).waitFor();
    await h.screenshot(supplier, 'home');
    const retailer = await h.open(RETAILER.domain);
    await retailer.getByText('Push stock levels to partner shops (prices follow with every catalog sync)').waitFor();
  }, 120_000);

  it('connects a partner: the supplier invites by domain and the retailer accepts', async () => {
    const supplier = await h.open(SUPPLIER.domain, '/app/partners');
    await supplier.getByLabel('Partner’s shop domain or invite code').fill(RETAILER.domain);
    await supplier.getByLabel('Your side').selectOption('SUPPLIER');
    await supplier.getByRole('button', { name: 'Send invitation' }).click();
    await supplier.getByText('Invitation sent to Lumen Store.').waitFor();
    await h.screenshot(supplier, 'partners-invited');

    const retailer = await h.open(RETAILER.domain, '/app/partners');
    const row = retailer.locator(`[data-partnership="${SUPPLIER.domain}"]`);
    await row.getByRole('button', { name: 'Accept' }).click();
    await row.getByText('active').waitFor();
    await h.screenshot(retailer, 'partners-accepted');

    const partnership = await t.db.partnership.findFirstOrThrow();
    partnershipId = partnership.id;
    expect(partnership.status).toBe('ACTIVE');
  }, 120_000);

  it('turns on force overwrite and shows the saved toast', async () => {
    const supplier = await h.open(SUPPLIER.domain, '/app/partners');
    await supplier.locator(`[data-partnership="${RETAILER.domain}"]`).getByRole('link', { name: 'Settings' }).click();
    await supplier.getByLabel('Force overwrite products').check();
    await supplier.getByRole('button', { name: 'Save' }).click();
    await supplier.waitForFunction(() => (window as unknown as { __toasts: string[] }).__toasts.includes('Partner settings saved'));
    await h.screenshot(supplier, 'partner-settings');
    expect((await t.db.partnership.findUniqueOrThrow({ where: { id: partnershipId } })).forceOverwrite).toBe(true);
  }, 120_000);

  it('runs a Partial catalog sync and watches the progress bar reach 100%', async () => {
    const supplier = await h.open(SUPPLIER.domain, '/app/sync');
    await supplier.getByText('Sync all my products to partner shops').waitFor();
    await supplier.getByLabel('Partial: only what changed since the last sync').check();
    await supplier.getByRole('button', { name: 'Run sync' }).click();
    const seen = new Set<string>();
    const label = supplier.locator('#sync-progress-label');
    await label.waitFor();
    for (let i = 0; i < 60 && !seen.has('100'); i++) {
      seen.add((await label.getAttribute('data-progress')) ?? '');
      await supplier.waitForTimeout(250);
    }
    // It was watched on the way up, not only seen finished.
    expect([...seen].some((p) => Number(p) > 0 && Number(p) < 100), `progress seen: ${[...seen].join(', ')}`).toBe(true);
    expect(seen.has('100'), `progress seen: ${[...seen].join(', ')}`).toBe(true);
    await supplier.getByText('Sync finished').waitFor();
    await supplier.getByText('40 updated').waitFor();
    await supplier.getByText(/6 API calls · took/).waitFor();
    expect(await supplier.locator('progress').getAttribute('value')).toBe('100');
    await supplier.getByText('Last run:').locator('..').getByText('succeeded').waitFor();
    await h.screenshot(supplier, 'sync');
    const run = await t.db.syncRun.findFirstOrThrow({ where: { kind: 'catalog.sync' } });
    expect(run).toMatchObject({ mode: 'PARTIAL', status: 'SUCCEEDED', progressDone: 40, progressTotal: 40 });
  }, 120_000);

  it('shows a failed order’s reason and fix on Activity', async () => {
    const link = await t.db.orderLink.create({
      data: {
        partnershipId,
        retailerOrderId: '5001',
        retailerOrderName: '#5001',
        state: 'FAILED',
        failureReason: 'SKU_MISMATCH',
        failureDetail: { sku: 'LAMP-OLD' },
        content: {},
        contentHash: 'h',
        totalAmount: '30.00',
        currency: 'EUR',
        retailerCreatedAt: new Date(),
      },
    });
    const supplierShop = await t.db.shop.findUniqueOrThrow({ where: { domain: SUPPLIER.domain } });
    await t.db.alert.create({
      data: {
        shopId: supplierShop.id,
        key: `order-failed_${link.id}`,
        title: 'Order #5001 not forwarded',
        message: 'Order #5001 has SKU LAMP-OLD, which Kestrel Supply does not sell.',
        fix: 'Change the SKU of “Desk Lamp” at Lumen Store to LAMP-01, then press Retry.',
      },
    });
    const supplier = await h.open(SUPPLIER.domain, '/app/activity');
    await supplier.getByText('Order #5001 (Lumen Store): SKU mismatch').waitFor();
    await supplier.getByText('Fix: Change the SKU of “Desk Lamp” at Lumen Store to LAMP-01, then press Retry.').waitFor();
    await supplier.getByText('Catalog sync (partial)').waitFor();
    await h.screenshot(supplier, 'activity');

    await supplier.getByLabel('Kind').selectOption('orders');
    await supplier.getByRole('button', { name: 'Apply filters' }).click();
    await supplier.waitForURL(/kind=orders/);
    await supplier.getByText('Catalog sync (partial)').waitFor({ state: 'detached' });
    await supplier.getByText('Order #5001 (Lumen Store): SKU mismatch').waitFor();
  }, 120_000);

  it('lists the connectors with their capabilities', async () => {
    const supplier = await h.open(SUPPLIER.domain, '/app/connectors');
    await supplier.locator('[data-connector="woocommerce"]').getByText('orders.write').waitFor();
    await h.screenshot(supplier, 'connectors');
    await supplier.locator('[data-connector="woocommerce"]').getByRole('link', { name: 'Connect' }).click();
    await supplier.getByLabel('Store address').waitFor();
    await supplier.getByLabel('System of record').check();
    expect(await supplier.getByLabel('System of record').isChecked()).toBe(true);
    await h.screenshot(supplier, 'connector-woocommerce');
  }, 120_000);
});
