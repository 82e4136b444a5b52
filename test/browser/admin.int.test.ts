// The embedded admin in a real browser (Debian chromium). First: a supplier and a retailer
// connect, the supplier turns on force overwrite, runs a Partial catalog sync and watches it reach
// 100% (a stand-in catalog.sync handler reporting progress in steps), and a failed order's reason
// shows on Activity, where Retry queues it again. Then, end to end with the engine's own catalog.sync handler: the retailer
// approves and rejects the drafts the sync made in its Shopify store. Each part has its own app,
// simulator and worker on a fresh Redis prefix; they run one after the other (one Vite server at
// a time shares the dependency cache safely).
import { Redis } from 'ioredis';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Budgets } from '../../app/jobs/budget.server.ts';
import { engineHandlers } from '../../app/jobs/handlers.server.ts';
import { startWorkers, type RunningWorkers } from '../../app/jobs/worker.server.ts';
import { exactTime } from '../../app/sync/dashboard.server.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { createPartners, deleteProduct, type Partners } from '../support/partners.ts';
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
    await retailer.getByText('Push stock levels and prices to partner shops (product details follow with catalog sync)').waitFor();
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

    // Retry queues an order pull for the partnership (no orders.pull worker runs here, so it stays queued).
    await supplier.getByRole('button', { name: 'Retry order #5001' }).click();
    await waitForToast(supplier, 'Order #5001 will be sent to Kestrel Supply again within moments.');
    await supplier.locator('[data-order="#5001"]').getByText('Retrying now').waitFor();
    await h.screenshot(supplier, 'activity-retry');
    expect(await t.db.syncRun.findFirstOrThrow({ where: { kind: 'orders.pull' } })).toMatchObject({ trigger: 'manual', status: 'QUEUED', partnershipId });
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

  it('opens inside the simulator’s admin page, where the app’s toasts show', async () => {
    const admin = await h.openInAdmin(SUPPLIER.domain);
    await admin.getByText('Shopify admin · simulator — Kestrel Supply').waitFor();
    const app = admin.frameLocator('iframe[title="App"]');
    await app.getByRole('heading', { name: 'Catalog sync' }).waitFor();
    await app.getByRole('link', { name: 'Partners' }).first().click();
    await app.locator(`[data-partnership="${RETAILER.domain}"]`).getByRole('link', { name: 'Settings' }).click();
    await app.getByLabel('Force overwrite products').uncheck();
    await app.getByRole('button', { name: 'Save' }).click();
    await admin.locator('#toasts').getByText('Partner settings saved').waitFor();
    await h.screenshot(admin, 'admin-frame');
    expect((await t.db.partnership.findUniqueOrThrow({ where: { id: partnershipId } })).forceOverwrite).toBe(false);
  }, 120_000);
});

const WREN = { domain: 'wren-wholesale.myshopify.com', name: 'Wren Wholesale', timezone: 'America/Chicago' };
const YARROW = { domain: 'yarrow-store.myshopify.com', name: 'Yarrow Store', timezone: 'Europe/Paris' };
const photo = (file: string, altText: string) => ({ url: `https://cdn.shopify.com/s/files/1/0042/files/${file}`, altText });
const sizes = (skus: Array<[string, string, string]>) => ({
  options: [{ name: 'Size', values: skus.map(([, size]) => size) }],
  variants: skus.map(([sku, size, price]) => ({ sku, price, available: 8, title: size, selectedOptions: [{ name: 'Size', value: size }] })),
});

/** Chooses a product's row the way a merchant does, by clicking it. */
async function choose(page: Page, title: string) {
  await page.getByRole('row', { name: new RegExp(title) }).getByText(title, { exact: true }).click();
  expect(await page.getByRole('checkbox', { name: `Select ${title}` }).isChecked()).toBe(true);
}

const toasts = (page: Page) => page.evaluate(() => (window as unknown as { __toasts: string[] }).__toasts);
const waitForToast = (page: Page, message: string) => page.waitForFunction((m) => (window as unknown as { __toasts: string[] }).__toasts.includes(m), message);

/** Hovers the relative time and returns the tooltip Polaris shows for it. */
async function hoverTime(page: Page, time: Locator): Promise<string> {
  await time.hover();
  const tooltip = page.getByRole('tooltip');
  await tooltip.waitFor();
  const text = (await tooltip.textContent()) ?? '';
  await page.mouse.move(0, 0);
  await tooltip.waitFor({ state: 'detached' });
  return text;
}

describe.skipIf(chromiumMissing)('when a retailer reviews a supplier’s new products in the browser', () => {
  const prefix = uniquePrefix('browser-approvals');
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  let t: TestDatabase;
  let h: Harness;
  let workers: RunningWorkers;
  let p: Partners;
  const atRetailer = (title: string) => h.shopify.products(YARROW.domain).find((x) => x.title === title)!;
  const onlineStore = () => h.shopify.shopSummary(h.shopify.shop(YARROW.domain)).publications.find((x) => x.name === 'Online Store')!.id;

  beforeAll(async () => {
    t = await createTestDatabase('browser_approvals');
    h = await startHarness({ db: t.db, shops: [WREN, YARROW], redisPrefix: prefix });
    // Both stores connected to Tandem and partnered (the Partners screens are tested above).
    p = await createPartners(t.db, h.shopify, { supplierDomain: WREN.domain, retailerDomain: YARROW.domain, pricingRule: { markupPercent: 100, rounding: 'x.99' } });
    h.shopify.seedProducts(WREN.domain, [
      { title: 'Linen Shirt', images: [photo('linen-shirt.png', 'Linen shirt, folded')], ...sizes([['SHIRT-S', 'S', '20.00'], ['SHIRT-M', 'M', '22.00']]) },
      { title: 'Canvas Tote', images: [photo('canvas-tote.png', 'Canvas tote bag')], ...sizes([['TOTE', 'One size', '7.50']]) },
      { title: 'Enamel Mug', images: [photo('enamel-mug.png', 'White enamel mug')], ...sizes([['MUG', 'One size', '6.50']]) },
    ]);
    workers = startWorkers({
      db: t.db,
      redis: { connection: redis, prefix },
      queues: ['catalog.sync'],
      perShopConcurrency: 0,
      handlers: engineHandlers({ budgets: new Budgets({ connection: redis, prefix }) }),
    });
  }, 180_000);

  afterAll(async () => {
    await workers?.close();
    await h?.close();
    await t?.drop();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('runs the supplier’s Full catalog sync from the Sync screen, creating unpublished drafts at the retailer', async () => {
    const supplier = await h.open(WREN.domain, '/app/sync');
    await supplier.getByText('Full: every product, from the beginning').click();
    expect(await supplier.getByLabel('Full: every product, from the beginning').isChecked()).toBe(true);
    await supplier.getByRole('button', { name: 'Run sync' }).click();
    await supplier.getByText('Sync finished').waitFor({ timeout: 60_000 });
    await supplier.getByText(/4 created/).waitFor();

    expect(h.shopify.products(YARROW.domain).map((x) => [x.title, x.status, x.publishedOn]).sort()).toEqual([
      ['Canvas Tote', 'DRAFT', []],
      ['Enamel Mug', 'DRAFT', []],
      ['Linen Shirt', 'DRAFT', []],
    ]);
    const run = await t.db.syncRun.findFirstOrThrow({ where: { kind: 'catalog.sync' } });
    expect(run).toMatchObject({ mode: 'FULL', status: 'SUCCEEDED', partnershipId: p.partnershipId });

    // Sync: the job's last run, with its exact time in the supplier's zone on hover.
    const lastRun = supplier.getByText('Last run:').locator('..');
    await lastRun.getByText('succeeded').waitFor();
    expect(await hoverTime(supplier, lastRun.getByText('just now'))).toBe(exactTime(run.finishedAt!, WREN.timezone));
  }, 120_000);

  it('shows the retailer how many products wait on Home, and each on Approvals with image, price and margin', async () => {
    const retailer = await h.open(YARROW.domain);
    await retailer.getByText('3 products waiting for approval').waitFor();
    await h.screenshot(retailer, 'home-approvals-waiting');
    await retailer.getByRole('link', { name: 'Review them' }).click();
    await retailer.waitForURL(/\/app\/approvals/);

    const shirt = retailer.getByRole('row', { name: /Linen Shirt/ });
    await shirt.waitFor();
    for (const text of ['Wren Wholesale', '2: S, M', '20.00–22.00', '40.99–44.99', '20.99–22.99 (51.1–51.2%)', 'Draft in your store']) await shirt.getByText(text, { exact: true }).waitFor();
    const tote = retailer.getByRole('row', { name: /Canvas Tote/ });
    for (const text of ['One size', '7.50', '15.99', '8.49 (53.1%)']) await tote.getByText(text, { exact: true }).waitFor();
    const image = shirt.getByRole('img', { name: 'Linen shirt, folded' });
    expect(await image.getAttribute('src')).toBe('https://cdn.shopify.com/s/files/1/0042/files/linen-shirt.png');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(200);
    await h.screenshot(retailer, 'approvals');
  }, 120_000);

  it('approves one product and rejects another: the first is published in the retailer’s Shopify, the second stays a draft', async () => {
    const retailer = await h.open(YARROW.domain, '/app/approvals');
    const shirt = retailer.getByRole('row', { name: /Linen Shirt/ });
    await choose(retailer, 'Linen Shirt');
    await retailer.getByRole('button', { name: 'Approve' }).click();
    await waitForToast(retailer, '1 product approved and published');
    await shirt.waitFor({ state: 'detached' });

    const tote = retailer.getByRole('row', { name: /Canvas Tote/ });
    await choose(retailer, 'Canvas Tote');
    await retailer.getByRole('button', { name: 'Reject' }).click();
    await waitForToast(retailer, '1 product rejected');
    await tote.waitFor({ state: 'detached' });
    expect(await toasts(retailer)).toEqual(['1 product approved and published', '1 product rejected']);

    expect(atRetailer('Linen Shirt')).toMatchObject({ status: 'ACTIVE', publishedOn: [onlineStore()] });
    expect(atRetailer('Canvas Tote')).toMatchObject({ status: 'DRAFT', publishedOn: [] });
    const states = await t.db.listing.findMany({ include: { sourceVariant: true }, orderBy: { sourceVariantId: 'asc' } });
    expect(Object.fromEntries(states.map((l) => [l.sourceVariant.sku, l.approval]))).toEqual({ 'SHIRT-S': 'APPROVED', 'SHIRT-M': 'APPROVED', TOTE: 'REJECTED', MUG: 'PENDING' });
  }, 120_000);

  it('names the product the retailer’s store refused to publish and keeps it waiting with the reason', async () => {
    // The retailer deleted the draft in Shopify before approving it.
    deleteProduct(h.shopify, YARROW.domain, atRetailer('Enamel Mug').id);
    const refusal = 'Shopify answered: Product does not exist.';

    const retailer = await h.open(YARROW.domain, '/app/approvals');
    const mug = retailer.getByRole('row', { name: /Enamel Mug/ });
    await choose(retailer, 'Enamel Mug');
    await retailer.getByRole('button', { name: 'Approve' }).click();
    await waitForToast(retailer, 'The product could not be approved');

    await retailer.getByText('1 product was not approved').waitFor();
    await retailer.getByText(`"Enamel Mug" could not be published in your store. ${refusal}`, { exact: true }).waitFor();
    await mug.getByText('Not published').waitFor();
    await mug.getByText(refusal, { exact: true }).waitFor();
    await h.screenshot(retailer, 'approvals-refused');
    expect((await t.db.listing.findFirstOrThrow({ where: { sourceVariant: { sku: 'MUG' } } })).approval).toBe('PENDING');
  }, 120_000);

  it('shows the last sync of each partnership on Partners, with the exact time in the retailer’s zone on hover', async () => {
    const retailer = await h.open(YARROW.domain, '/app/partners');
    const row = retailer.locator(`[data-partnership="${WREN.domain}"]`);
    await row.getByText('Last sync just now · Catalog sync, succeeded').waitFor();
    const run = await t.db.syncRun.findFirstOrThrow({ where: { kind: 'catalog.sync' } });
    expect(await hoverTime(retailer, row.locator('[data-last-sync]'))).toBe(exactTime(run.finishedAt!, YARROW.timezone));
    await h.screenshot(retailer, 'partners-last-sync');
  }, 120_000);

  it('tells a shop with nothing waiting so', async () => {
    const supplier = await h.open(WREN.domain, '/app/approvals');
    await supplier.getByText('Nothing waits for your approval').waitFor();
    await h.screenshot(supplier, 'approvals-empty');
  }, 120_000);
});
