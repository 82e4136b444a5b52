import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { addVariantTo, createPartners, deleteProduct, editProduct, productWith, type Partners, type ProductEdit } from '../../test/support/partners.ts';
import { approveListings, listPendingApprovals, rejectListings } from './approvals.server.ts';
import { pullSupplierCatalog } from './catalog.server.ts';
import { Invalid } from '../../connectors/sdk/errors.ts';
import { createSyncContext, type SyncContext } from './connections.server.ts';
import { pushPricesToPartner, syncCatalogToPartner } from './listings.server.ts';
import { pushInventory } from './inventory-push.server.ts';
import { sweepOldest } from './sweep.server.ts';

let database: TestDatabase;
let sim: ShopifySimulator;
let ctx: SyncContext;
let p: Partners;

beforeAll(async () => {
  database = await createTestDatabase('catalog_sync');
  sim = await startShopifySimulator({ latencyMs: 0 });
  ctx = createSyncContext(database.db);
});
afterAll(async () => {
  await sim.close();
  await database.drop();
});

async function partners(options: Parameters<typeof createPartners>[2] = {}) {
  sim.reset();
  await database.db.shop.deleteMany();
  p = await createPartners(database.db, sim, options);
  return p;
}

const sync = (mode: 'FULL' | 'PARTIAL' = 'PARTIAL', context: SyncContext = ctx) => syncCatalogToPartner(context, p.partnershipId, { mode, trigger: 'manual' });
const retailerProducts = () => sim.products(p.retailerDomain);
const listings = () => database.db.listing.findMany({ where: { partnershipId: p.partnershipId }, include: { sourceVariant: true }, orderBy: { sourceVariantId: 'asc' } });
const productCalls = () => {
  const counts = sim.calls(p.retailerDomain).counts.byRootField;
  return (counts.productSet ?? 0) + (counts.productVariantsBulkUpdate ?? 0) + (counts.publishablePublish ?? 0);
};

describe('when a supplier syncs its catalog to a new retailer', () => {
  beforeEach(async () => {
    await partners({ pricingRule: { markupPercent: 100, rounding: 'x.99' } });
    sim.seedProducts(p.supplierDomain, [productWith('Linen Shirt', ['SHIRT-S', 'SHIRT-M'], '20.00'), productWith('Canvas Tote', ['TOTE'], '7.50')]);
  });

  it('creates each product once at the retailer as a draft, priced by the rule, with PENDING listings', async () => {
    const run = await sync();

    const products = retailerProducts();
    expect(products.map((x) => [x.title, x.status, x.publishedOn.length]).sort()).toEqual([
      ['Canvas Tote', 'DRAFT', 0],
      ['Linen Shirt', 'DRAFT', 0],
    ]);
    expect(products.flatMap((x) => x.variants.map((v) => [v.sku, v.price])).sort()).toEqual([
      ['SHIRT-M', '40.99'],
      ['SHIRT-S', '40.99'],
      ['TOTE', '15.99'],
    ]);
    const rows = await listings();
    expect(rows.map((l) => [l.sourceVariant.sku, l.approval, l.partnerSku, l.lastPushedPrice?.toFixed(2)])).toEqual(
      expect.arrayContaining([
        ['SHIRT-S', 'PENDING', 'SHIRT-S', '40.99'],
        ['SHIRT-M', 'PENDING', 'SHIRT-M', '40.99'],
        ['TOTE', 'PENDING', 'TOTE', '15.99'],
      ]),
    );
    expect(run.counts.created).toBe(3);
    const recorded = await database.db.syncRun.findUniqueOrThrow({ where: { id: run.syncRunId! } });
    expect(recorded).toMatchObject({ kind: 'catalog.sync', mode: 'PARTIAL', trigger: 'manual', status: 'SUCCEEDED', partnershipId: p.partnershipId });
    expect(recorded.counts).toMatchObject({ created: 3 });
    expect(recorded.apiCalls).toBeGreaterThan(0);
  });

  it('writes each new product once on a Full sync: no reference lookup before the first create, no price call after it', async () => {
    const run = await sync('FULL');

    const counts = sim.calls(p.retailerDomain).counts.byRootField;
    expect({ products: counts.products ?? 0, productSet: counts.productSet ?? 0, productVariantsBulkUpdate: counts.productVariantsBulkUpdate ?? 0 }).toEqual({
      products: 0,
      productSet: 2,
      productVariantsBulkUpdate: 0,
    });
    expect(run.counts).toMatchObject({ created: 3 });
    expect(run.counts.pricesUpdated ?? 0).toBe(0);
    expect(retailerProducts().flatMap((x) => x.variants.map((v) => [v.sku, v.price])).sort()).toEqual([
      ['SHIRT-M', '40.99'],
      ['SHIRT-S', '40.99'],
      ['TOTE', '15.99'],
    ]);
  });

  it('still writes the price on the next Full sync when the supplier changed it after the create', async () => {
    await sync('FULL');
    editProduct(sim, p.supplierDomain, sim.products(p.supplierDomain).find((x) => x.title === 'Canvas Tote')!.id, { price: '8.50' });

    const run = await sync('FULL');

    expect(run.counts.pricesUpdated).toBe(3);
    expect(retailerProducts().find((x) => x.title === 'Canvas Tote')!.variants.map((v) => v.price)).toEqual(['17.99']);
  });

  it('shows the retailer each pending variant with its price, wholesale cost and margin', async () => {
    await sync();
    const pending = await listPendingApprovals(database.db, p.retailerShopId);
    expect(pending.map((x) => [x.sku, x.price, x.wholesaleCost, x.margin, x.marginPercent, x.readyToApprove]).sort()).toEqual([
      ['SHIRT-M', '40.99', '20.00', '20.99', 51.2, true],
      ['SHIRT-S', '40.99', '20.00', '20.99', 51.2, true],
      ['TOTE', '15.99', '7.50', '8.49', 53.1, true],
    ]);
  });

  it('publishes the product to the online store when the retailer approves it', async () => {
    await sync();
    const shirt = (await listings()).filter((l) => l.sourceVariant.productTitle === 'Linen Shirt');

    const result = await approveListings(ctx, p.retailerShopId, shirt.map((l) => l.id));

    expect(result).toEqual({ approved: expect.arrayContaining(shirt.map((l) => l.id)), failed: [] });
    const onlineStore = sim.shopSummary(sim.shop(p.retailerDomain)).publications.find((x) => x.name === 'Online Store')!.id;
    const byTitle = Object.fromEntries(retailerProducts().map((x) => [x.title, x]));
    expect(byTitle['Linen Shirt']).toMatchObject({ status: 'ACTIVE', publishedOn: [onlineStore] });
    expect(byTitle['Canvas Tote']).toMatchObject({ status: 'DRAFT', publishedOn: [] });
    expect((await listings()).map((l) => [l.sourceVariant.sku, l.approval]).sort()).toEqual([
      ['SHIRT-M', 'APPROVED'],
      ['SHIRT-S', 'APPROVED'],
      ['TOTE', 'PENDING'],
    ]);
    expect((await listPendingApprovals(database.db, p.retailerShopId)).map((x) => x.sku)).toEqual(['TOTE']);
  });

  it('never offers a rejected product again', async () => {
    await sync();
    const tote = (await listings()).filter((l) => l.sourceVariant.sku === 'TOTE');
    expect(await rejectListings(database.db, p.retailerShopId, tote.map((l) => l.id))).toEqual(tote.map((l) => l.id));

    await sync('FULL');

    expect((await listings()).filter((l) => l.sourceVariant.sku === 'TOTE').map((l) => l.approval)).toEqual(['REJECTED']);
    expect(retailerProducts().filter((x) => x.title === 'Canvas Tote')).toHaveLength(1);
    expect((await listPendingApprovals(database.db, p.retailerShopId)).map((x) => x.sku)).not.toContain('TOTE');
  });

  it('imports a new product once: one the retailer deleted is not created again, even by a Full sync', async () => {
    await sync();
    const tote = retailerProducts().find((x) => x.title === 'Canvas Tote')!;
    deleteProduct(sim, p.retailerDomain, tote.id);

    const run = await sync('FULL');

    expect(retailerProducts().map((x) => x.title)).toEqual(['Linen Shirt']);
    expect(run.counts.created ?? 0).toBe(0);
    const listing = (await listings()).find((l) => l.sourceVariant.sku === 'TOTE')!;
    const refusal = `Shopify ${p.retailerDomain} TandemVariantPricesUpdate refused updating 1 variant price(s) of product ${tote.id}: productId: Product does not exist`;
    expect(listing).toMatchObject({ partnerProductId: tote.id, lastError: refusal });
    expect(run.errors).toEqual([{ subject: 'SKU TOTE', message: refusal }]);
  });

  it('pushes nothing on a second Partial sync when nothing changed', async () => {
    await sync();
    const callsBefore = productCalls();

    const second = await sync();

    expect(productCalls()).toBe(callsBefore);
    expect({ created: second.counts.created ?? 0, updated: second.counts.updated ?? 0, pricesUpdated: second.counts.pricesUpdated ?? 0, linked: second.counts.linked ?? 0 }).toEqual({ created: 0, updated: 0, pricesUpdated: 0, linked: 0 });
    expect(retailerProducts()).toHaveLength(2);
  });

  it('creates only the chosen product when the supplier presses "Sync to partners now" on it', async () => {
    await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });
    const tote = await database.db.sourceVariant.findFirstOrThrow({ where: { connectionId: p.supplierConnectionId, sku: 'TOTE' } });

    const run = await syncCatalogToPartner(ctx, p.partnershipId, { mode: 'PARTIAL', trigger: 'manual', pull: false, sourceVariantIds: [tote.id] });

    expect(retailerProducts().map((x) => x.title)).toEqual(['Canvas Tote']);
    expect((await listings()).map((l) => l.sourceVariant.sku)).toEqual(['TOTE']);
    expect(run.counts.created).toBe(1);
  });

  it('syncs a product chosen on its page even when it was created after the last pull', async () => {
    await sync();
    sim.clock.advance(5 * 60_000);
    const [mug] = sim.seedProducts(p.supplierDomain, [productWith('Enamel Mug', ['MUG-BLUE', 'MUG-RED'], '6.00')]);

    const run = await syncCatalogToPartner(ctx, p.partnershipId, { mode: 'PARTIAL', trigger: 'manual', sourceProductIds: [mug!.id] });

    expect(retailerProducts().map((x) => x.title).sort()).toEqual(['Canvas Tote', 'Enamel Mug', 'Linen Shirt']);
    expect((await listings()).filter((l) => l.sourceVariant.productTitle === 'Enamel Mug').map((l) => l.sourceVariant.sku).sort()).toEqual(['MUG-BLUE', 'MUG-RED']);
    expect(run.counts.created).toBe(2);
    expect(run.errors).toEqual([]);
  });

  it('names a chosen product the catalog does not hold and syncs nothing else', async () => {
    const run = await syncCatalogToPartner(ctx, p.partnershipId, { mode: 'PARTIAL', trigger: 'manual', sourceProductIds: ['gid://shopify/Product/999999'] });

    expect(retailerProducts()).toEqual([]);
    expect(await listings()).toEqual([]);
    expect(run.errors).toEqual([
      { subject: 'Product gid://shopify/Product/999999', message: "is not in supplier.myshopify.com's catalog at shopify (deleted, or sold from another catalog): nothing was synced for it" },
    ]);
  });

  it('does not create a second product when the worker died after the create but before the listing was linked', async () => {
    const crashing: SyncContext = {
      ...ctx,
      async connectorFor(connection) {
        const connector = await ctx.connectorFor(connection);
        if (connection.id !== p.retailerConnectionId) return connector;
        return {
          ...connector,
          async createProduct(input) {
            await connector.createProduct!(input);
            throw new Error('worker killed');
          },
        };
      },
    };
    await expect(sync('PARTIAL', crashing)).rejects.toThrow('worker killed');
    expect(retailerProducts()).toHaveLength(1);

    await sync();

    expect(retailerProducts().map((x) => x.title).sort()).toEqual(['Canvas Tote', 'Linen Shirt']);
    const rows = await listings();
    expect(rows.every((l) => l.partnerVariantId !== null && l.approval === 'PENDING')).toBe(true);
    expect(new Set(rows.filter((l) => l.sourceVariant.productTitle === 'Linen Shirt').map((l) => l.partnerProductId)).size).toBe(1);
  });
});

type RetailerProduct = ReturnType<ShopifySimulator['products']>[number];
const frontImage = [{ url: 'https://cdn.supplier.example/shirt-front.jpg', altText: 'Front' }];

// Issue 5: with force-overwrite on, later supplier edits of title, description, images and options
// overwrite the retailer's copy; off, only the price follows after the first import.
const contentEdits: [string, ProductEdit, (x: RetailerProduct) => unknown, unknown, unknown][] = [
  ['title', { title: 'Linen Shirt (2026)' }, (x) => x.title, 'Linen Shirt', 'Linen Shirt (2026)'],
  ['description', { description: '<p>Now in organic linen</p>' }, (x) => x.descriptionHtml, '<p>Linen Shirt</p>', '<p>Now in organic linen</p>'],
  [
    'images',
    { images: [{ url: 'https://cdn.supplier.example/shirt-back.jpg', altText: 'Back' }, ...frontImage] },
    (x) => x.images,
    frontImage,
    [{ url: 'https://cdn.supplier.example/shirt-back.jpg', altText: 'Back' }, ...frontImage],
  ],
  ['options', { optionValues: { S1: 'Small', S2: 'Medium' } }, (x) => [x.options, x.variants.map((v) => `${v.sku} ${v.title}`)], [[{ name: 'Size', values: ['S1', 'S2'] }], ['SHIRT-S S1', 'SHIRT-M S2']], [[{ name: 'Size', values: ['Small', 'Medium'] }], ['SHIRT-S Small', 'SHIRT-M Medium']]],
];

describe.each([true, false])('when force-overwrite is %s and the supplier edits a listed product', (forceOverwrite) => {
  it.each(contentEdits)('edits of the %s reach the retailer only under force-overwrite; the price always follows', async (_field, edit, read, before, after) => {
    await partners({ forceOverwrite, pricingRule: { markupPercent: 100 } });
    const [shirt] = sim.seedProducts(p.supplierDomain, [productWith('Linen Shirt', ['SHIRT-S', 'SHIRT-M'], '20.00', { images: frontImage })]);
    await sync();
    expect(read(retailerProducts()[0]!)).toEqual(before);

    editProduct(sim, p.supplierDomain, shirt!.id, { ...edit, price: '21.00' });
    const run = await sync();

    const [copy] = retailerProducts();
    expect(read(copy!)).toEqual(forceOverwrite ? after : before);
    expect(copy!.variants.map((v) => v.price)).toEqual(['42.00', '42.00']);
    expect(run.counts).toMatchObject(forceOverwrite ? { updated: 2 } : { pricesUpdated: 2 });
    expect(run.counts[forceOverwrite ? 'pricesUpdated' : 'updated']).toBeUndefined();
  });
});

describe('when the supplier edits a product the retailer already lists', () => {

  it.each([
    ['FULL', true, 'Linen Shirt'],
    ['FULL', false, 'Shirt (our name)'],
    ['PARTIAL', true, 'Shirt (our name)'],
  ] as const)('a %s sync with force-overwrite %s leaves the title the retailer edited as "%s"', async (mode, forceOverwrite, expected) => {
    await partners({ forceOverwrite });
    sim.seedProducts(p.supplierDomain, [productWith('Linen Shirt', ['SHIRT-S'], '20.00')]);
    await sync();
    editProduct(sim, p.retailerDomain, retailerProducts()[0]!.id, { title: 'Shirt (our name)' });

    await sync(mode);

    expect(retailerProducts().map((x) => x.title)).toEqual([expected]);
  });

  it.each([
    [{ markupPercent: 100 }, '12.00', '24.00'],
    [{ markupPercent: 50, rounding: 'x.99' }, '12.00', '18.99'],
    [{ markupPercent: 40, fixedAdd: 1, rounding: 'whole' }, '9.99', '15.00'],
    [{ markupPercent: 0 }, '8.25', '8.25'],
  ])('follows a price change with the rule %j applied (%s wholesale → %s retail)', async (pricingRule, wholesale, retail) => {
    await partners({ pricingRule, forceOverwrite: false });
    const [tote] = sim.seedProducts(p.supplierDomain, [productWith('Canvas Tote', ['TOTE'], '5.00')]);
    await sync();

    editProduct(sim, p.supplierDomain, tote!.id, { price: wholesale });
    const run = await sync();

    expect(retailerProducts().flatMap((x) => x.variants.map((v) => v.price))).toEqual([retail]);
    expect(run.counts.pricesUpdated).toBe(1);
    expect((await listings()).map((l) => l.lastPushedPrice?.toFixed(2))).toEqual([retail]);
  });
});

describe('when the hourly inventory push carries prices', () => {
  it('writes a supplier price change through the rule, but no content and no new product, even under force-overwrite', async () => {
    await partners({ forceOverwrite: true, pricingRule: { markupPercent: 100 } });
    const [tote] = sim.seedProducts(p.supplierDomain, [productWith('Canvas Tote', ['TOTE'], '5.00')]);
    await sync();

    editProduct(sim, p.supplierDomain, tote!.id, { title: 'Canvas Tote XL', price: '6.50' });
    sim.seedProducts(p.supplierDomain, [productWith('New Mug', ['MUG'], '3.00')]);
    const prices = await pushPricesToPartner(ctx, p.partnershipId, { mode: 'PARTIAL' });

    expect(retailerProducts().map((x) => [x.title, x.variants.map((v) => v.price)])).toEqual([['Canvas Tote', ['13.00']]]);
    expect(prices.counts).toEqual({ supplierProductsRead: 2, relinked: 0, pricesUpdated: 1 });
    expect(prices.errors).toEqual([]);
    expect((await listings()).map((l) => [l.sourceVariant.sku, l.lastPushedPrice?.toFixed(2)])).toEqual([['TOTE', '13.00']]);

    const again = await pushPricesToPartner(ctx, p.partnershipId, { mode: 'PARTIAL' });
    expect(again.counts.pricesUpdated ?? 0).toBe(0);

    const catalog = await sync();
    expect(catalog.counts).toMatchObject({ created: 1, updated: 1 });
    expect(retailerProducts().map((x) => x.title).sort()).toEqual(['Canvas Tote XL', 'New Mug']);
  });
});

describe('when the retailer edits a listed price by hand', () => {
  it('finds the drift in the sweep, and the next Partial price push writes the supplier’s price back', async () => {
    await partners({ pricingRule: { markupPercent: 100 } });
    sim.seedProducts(p.supplierDomain, [productWith('Canvas Tote', ['TOTE'], '5.00'), productWith('Mug', ['MUG'], '3.00')]);
    await sync();
    const mug = retailerProducts().find((x) => x.title === 'Mug')!;
    editProduct(sim, p.retailerDomain, mug.id, { price: '4.50' });

    const swept = await sweepOldest(ctx, p.partnershipId, 10);

    expect(swept.counts).toMatchObject({ checked: 2, priceDrifted: 1 });
    expect((await listings()).map((l) => [l.sourceVariant.sku, l.priceDrift, l.observedPrice?.toFixed(2)]).sort()).toEqual([
      ['MUG', true, '4.50'],
      ['TOTE', false, '10.00'],
    ]);

    const pushed = await pushPricesToPartner(ctx, p.partnershipId, { mode: 'PARTIAL' });

    expect(pushed.counts.pricesUpdated).toBe(1);
    expect(retailerProducts().map((x) => [x.title, x.variants[0]!.price]).sort()).toEqual([
      ['Canvas Tote', '10.00'],
      ['Mug', '6.00'],
    ]);
    expect((await listings()).every((l) => !l.priceDrift)).toBe(true);
  });
});

describe('when SKUs collide', () => {
  it('raises an alert naming both supplier variants and lists neither', async () => {
    await partners();
    const [a, b] = sim.seedProducts(p.supplierDomain, [productWith('Twin A', ['TWIN']), productWith('Twin B', ['TWIN']), productWith('Solo', ['SOLO'])]);

    await sync();

    expect((await listings()).map((l) => l.sourceVariant.sku)).toEqual(['SOLO']);
    expect(retailerProducts().map((x) => x.title)).toEqual(['Solo']);
    const alert = await database.db.alert.findUniqueOrThrow({ where: { shopId_key: { shopId: p.supplierShopId, key: `duplicate-sku_${p.partnershipId}_TWIN` } } });
    expect(alert.message).toBe(
      `In ${p.supplierDomain}, SKU TWIN is on 2 variants: "Twin A" (${a!.variants[0]!.id}), "Twin B" (${b!.variants[0]!.id}). Tandem cannot tell which one to sync with ${p.retailerDomain}, so it skips this SKU.`,
    );
    expect(alert.fix).toBe(`Give each of these variants its own SKU in ${p.supplierDomain}; the next catalog sync links it and clears this alert.`);
  });

  it('clears the alert and lists the variant once the supplier fixes the SKU', async () => {
    await partners();
    const [, b] = sim.seedProducts(p.supplierDomain, [productWith('Twin A', ['TWIN']), productWith('Twin B', ['TWIN'])]);
    await sync();

    editProduct(sim, p.supplierDomain, b!.id, { skus: { TWIN: 'TWIN-B' } });
    await sync();

    expect((await listings()).map((l) => l.sourceVariant.sku).sort()).toEqual(['TWIN', 'TWIN-B']);
    const alert = await database.db.alert.findUniqueOrThrow({ where: { shopId_key: { shopId: p.supplierShopId, key: `duplicate-sku_${p.partnershipId}_TWIN` } } });
    expect(alert.resolvedAt).not.toBeNull();
  });

  it('links to the retailer product that already carries the SKU instead of creating one, and alerts when it is there twice', async () => {
    await partners();
    sim.seedProducts(p.retailerDomain, [productWith('Own Mug', ['MUG']), productWith('Cap A', ['CAP']), productWith('Cap B', ['CAP'])]);
    sim.seedProducts(p.supplierDomain, [productWith('Mug', ['MUG']), productWith('Cap', ['CAP'])]);

    const run = await sync();

    const rows = await listings();
    expect(rows.map((l) => [l.sourceVariant.sku, l.partnerProductId])).toEqual([['MUG', retailerProducts().find((x) => x.title === 'Own Mug')!.id]]);
    expect(retailerProducts()).toHaveLength(3);
    expect(run.counts).toMatchObject({ linked: 1, skipped: 1 });
    const alert = await database.db.alert.findUniqueOrThrow({ where: { shopId_key: { shopId: p.retailerShopId, key: `duplicate-sku_${p.partnershipId}_CAP` } } });
    expect(alert.title).toBe('SKU CAP is used by 2 variants');
  });
});

describe('when the supplier deletes products', () => {
  it('marks variants a Full pull no longer sees as ghosts, and keeps the rest', async () => {
    await partners();
    const [gone] = sim.seedProducts(p.supplierDomain, [productWith('Gone', ['GONE-1', 'GONE-2']), productWith('Kept', ['KEPT'])]);
    await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });

    deleteProduct(sim, p.supplierDomain, gone!.id);
    const result = await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });

    expect(result.ghosts).toBe(2);
    const rows = await database.db.sourceVariant.findMany({ where: { connectionId: p.supplierConnectionId }, orderBy: { sku: 'asc' } });
    expect(rows.map((r) => [r.sku, r.deletedAt !== null])).toEqual([
      ['GONE-1', true],
      ['GONE-2', true],
      ['KEPT', false],
    ]);
  });

  it('re-links a product deleted and recreated with the same SKU to the same listing', async () => {
    await partners();
    const [tote] = sim.seedProducts(p.supplierDomain, [productWith('Canvas Tote', ['TOTE'], '5.00')]);
    await sync();
    const [before] = await listings();
    await approveListings(ctx, p.retailerShopId, [before!.id]);

    deleteProduct(sim, p.supplierDomain, tote!.id);
    sim.seedProducts(p.supplierDomain, [productWith('Canvas Tote', ['TOTE'], '6.00')]);
    const run = await sync('FULL');

    const after = await listings();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before!.id, approval: 'APPROVED', partnerProductId: before!.partnerProductId, lastPushedPrice: expect.anything() });
    expect(after[0]!.sourceVariantId).not.toBe(before!.sourceVariantId);
    expect(after[0]!.sourceVariant.deletedAt).toBeNull();
    expect(run.counts.relinked).toBe(1);
    expect(retailerProducts().map((x) => [x.title, x.variants.map((v) => v.price)])).toEqual([['Canvas Tote', ['12.00']]]);
  });
});

describe('when a SKU or a partner variant changes after listing', () => {
  it('with force-overwrite, a SKU edited at the supplier reaches the retailer and the listing follows it', async () => {
    await partners({ forceOverwrite: true });
    const [tote] = sim.seedProducts(p.supplierDomain, [productWith('Canvas Tote', ['TOTE'])]);
    await sync();
    const [before] = await listings();

    editProduct(sim, p.supplierDomain, tote!.id, { skus: { TOTE: 'TOTE-XL' } });
    const run = await sync();

    expect(retailerProducts().flatMap((x) => x.variants.map((v) => v.sku))).toEqual(['TOTE-XL']);
    const [after] = await listings();
    expect(after).toMatchObject({ id: before!.id, partnerSku: 'TOTE-XL', partnerProductId: before!.partnerProductId });
    expect(run.counts.updated).toBe(1);
  });

  it('with force-overwrite, a SKU edited at the supplier keeps the retailer’s variant, its id and its stock', async () => {
    await partners({ forceOverwrite: true });
    const [tote] = sim.seedProducts(p.supplierDomain, [productWith('Canvas Tote', ['TOTE'])]);
    await sync();
    const [listing] = await listings();
    await approveListings(ctx, p.retailerShopId, [listing!.id]);
    await pushInventory(ctx, p.partnershipId, { mode: 'PARTIAL', trigger: 'manual' });
    expect(sim.inventoryBySku(p.retailerDomain, 'TOTE')[0]?.available).toBe(5);

    editProduct(sim, p.supplierDomain, tote!.id, { skus: { TOTE: 'TOTE-XL' } });
    await sync();
    await pushInventory(ctx, p.partnershipId, { mode: 'PARTIAL', trigger: 'manual' });

    const [variant] = retailerProducts()[0]!.variants;
    expect(variant).toMatchObject({ id: listing!.partnerVariantId, sku: 'TOTE-XL', available: 5 });
    expect(await listings()).toMatchObject([{ id: listing!.id, partnerVariantId: listing!.partnerVariantId, partnerSku: 'TOTE-XL' }]);
  });

  it('without force-overwrite, a SKU edited at the supplier keeps the listing linked by id and pushes nothing', async () => {
    await partners({ forceOverwrite: false });
    const [tote] = sim.seedProducts(p.supplierDomain, [productWith('Canvas Tote', ['TOTE'])]);
    await sync();
    const [before] = await listings();
    const callsBefore = productCalls();

    editProduct(sim, p.supplierDomain, tote!.id, { skus: { TOTE: 'TOTE-XL' } });
    await sync();

    const [after] = await listings();
    expect(after).toMatchObject({ id: before!.id, partnerVariantId: before!.partnerVariantId, partnerSku: 'TOTE' });
    expect(after!.sourceVariant.sku).toBe('TOTE-XL');
    expect(productCalls()).toBe(callsBefore);
  });

  it('keeps a variant whose SKU the retailer edited linked by its id: price and stock still reach it', async () => {
    await partners({ pricingRule: { markupPercent: 100 } });
    const [tote] = sim.seedProducts(p.supplierDomain, [productWith('Canvas Tote', ['TOTE'], '5.00')]);
    await sync();
    const [listing] = await listings();
    await approveListings(ctx, p.retailerShopId, [listing!.id]);
    editProduct(sim, p.retailerDomain, retailerProducts()[0]!.id, { skus: { TOTE: 'OUR-TOTE' } });

    editProduct(sim, p.supplierDomain, tote!.id, { price: '6.00' });
    sim.placeOrder(p.supplierDomain, { lineItems: [{ sku: 'TOTE', quantity: 2 }] });
    const run = await sync();
    await pushInventory(ctx, p.partnershipId, { mode: 'PARTIAL', trigger: 'manual' });

    expect(retailerProducts().flatMap((x) => x.variants.map((v) => [v.id, v.sku, v.price, v.available]))).toEqual([[listing!.partnerVariantId, 'OUR-TOTE', '12.00', 3]]);
    expect(run.counts).toMatchObject({ pricesUpdated: 1 });
    expect(run.counts.relinked ?? 0).toBe(0);
    expect(await listings()).toMatchObject([{ id: listing!.id, partnerVariantId: listing!.partnerVariantId, lastError: null }]);
  });

  it('re-links by SKU a variant the retailer deleted and recreated, when its price next changes', async () => {
    await partners({ pricingRule: { markupPercent: 100 } });
    const [tote] = sim.seedProducts(p.supplierDomain, [productWith('Canvas Tote', ['TOTE'], '5.00')]);
    await sync();
    deleteProduct(sim, p.retailerDomain, retailerProducts()[0]!.id);
    const [recreated] = sim.seedProducts(p.retailerDomain, [productWith('My Tote', ['TOTE'], '9.00')]);

    editProduct(sim, p.supplierDomain, tote!.id, { price: '6.00' });
    const run = await sync();

    expect(retailerProducts().map((x) => [x.title, x.variants.map((v) => v.price)])).toEqual([['My Tote', ['12.00']]]);
    const [after] = await listings();
    expect(after).toMatchObject({ partnerProductId: recreated!.id, partnerVariantId: recreated!.variants[0]!.id, lastError: null });
    expect(run.counts).toMatchObject({ relinked: 1, pricesUpdated: 1 });
  });

  it('pushes the price again, on a Partial sync, to a listing whose retailer copy drifted', async () => {
    await partners({ pricingRule: { markupPercent: 100 } });
    sim.seedProducts(p.supplierDomain, [productWith('Canvas Tote', ['TOTE'], '5.00'), productWith('Mug', ['MUG'], '3.00')]);
    await sync();
    const mug = retailerProducts().find((x) => x.title === 'Mug')!;
    editProduct(sim, p.retailerDomain, mug.id, { price: '4.50' });
    await database.db.listing.updateMany({ where: { partnerProductId: mug.id }, data: { observedPrice: '4.50', priceDrift: true } });

    const run = await sync();

    expect(run.counts.pricesUpdated).toBe(1);
    expect(retailerProducts().map((x) => [x.title, x.variants[0]!.price]).sort()).toEqual([
      ['Canvas Tote', '10.00'],
      ['Mug', '6.00'],
    ]);
    expect((await listings()).map((l) => [l.sourceVariant.sku, l.priceDrift, l.observedPrice?.toFixed(2)]).sort()).toEqual([
      ['MUG', false, '6.00'],
      ['TOTE', false, '10.00'],
    ]);
  });
});

describe('when force-overwrite meets products the retailer had before Tandem', () => {
  it('keeps the retailer’s own product (title, status) when the supplier edits the matching product', async () => {
    await partners({ forceOverwrite: true, pricingRule: { markupPercent: 100 } });
    const [own] = sim.seedProducts(p.retailerDomain, [productWith('Our Mug', ['MUG'], '9.00')]);
    const [mug] = sim.seedProducts(p.supplierDomain, [productWith('Mug', ['MUG'], '4.00')]);
    await sync();

    editProduct(sim, p.supplierDomain, mug!.id, { title: 'Mug (stoneware)', price: '5.00' });
    await sync();

    expect(retailerProducts().map((x) => [x.id, x.title, x.status, x.variants.map((v) => v.price)])).toEqual([[own!.id, 'Our Mug', 'ACTIVE', ['10.00']]]);
  });

  it('overwrites a product recovered after a crash, since Tandem created it', async () => {
    await partners({ forceOverwrite: true });
    const [mug] = sim.seedProducts(p.supplierDomain, [productWith('Mug', ['MUG'], '4.00')]);
    const crashing: SyncContext = {
      ...ctx,
      async connectorFor(connection) {
        const connector = await ctx.connectorFor(connection);
        if (connection.id !== p.retailerConnectionId) return connector;
        return { ...connector, createProduct: async (input) => (await connector.createProduct!(input), Promise.reject(new Error('worker killed'))) };
      },
    };
    await expect(sync('PARTIAL', crashing)).rejects.toThrow('worker killed');
    const recovered = await sync();
    expect(recovered.counts).toMatchObject({ created: 1 });

    editProduct(sim, p.supplierDomain, mug!.id, { title: 'Mug (stoneware)' });
    await sync();

    expect(retailerProducts().map((x) => x.title)).toEqual(['Mug (stoneware)']);
  });

  it('adds a variant the supplier added to a listed product, under force-overwrite', async () => {
    await partners({ forceOverwrite: true, pricingRule: { markupPercent: 100 } });
    const [shirt] = sim.seedProducts(p.supplierDomain, [productWith('Linen Shirt', ['SHIRT-S'], '20.00')]);
    await sync();

    addVariantTo(sim, p.supplierDomain, shirt!.id, { sku: 'SHIRT-L', size: 'L', price: '22.00' });
    await sync();

    const [product] = retailerProducts();
    expect(retailerProducts()).toHaveLength(1);
    expect(product!.variants.map((v) => [v.sku, v.price]).sort()).toEqual([
      ['SHIRT-L', '44.00'],
      ['SHIRT-S', '40.00'],
    ]);
    expect((await listings()).map((l) => [l.sourceVariant.sku, l.partnerProductId, l.approval]).sort()).toEqual([
      ['SHIRT-L', product!.id, 'PENDING'],
      ['SHIRT-S', product!.id, 'PENDING'],
    ]);
  });
});

describe('when one product cannot be written', () => {
  it('records the refusal on the run and its listings, and still creates the others', async () => {
    await partners();
    sim.seedProducts(p.supplierDomain, [productWith('Good Mug', ['MUG']), productWith('Bad Tote', ['TOTE'])]);
    const refusing: SyncContext = {
      ...ctx,
      async connectorFor(connection) {
        const connector = await ctx.connectorFor(connection);
        if (connection.id !== p.retailerConnectionId) return connector;
        return {
          ...connector,
          async createProduct(input) {
            if (input.title === 'Bad Tote') throw Invalid('Shopify refused creating product "Bad Tote": title: is too long', undefined, { connectorId: 'shopify' });
            return connector.createProduct!(input);
          },
        };
      },
    };

    const run = await sync('PARTIAL', refusing);

    expect(retailerProducts().map((x) => x.title)).toEqual(['Good Mug']);
    expect(run.counts).toMatchObject({ created: 1, failed: 1 });
    expect(run.errors).toEqual([{ subject: 'Product "Bad Tote"', message: 'Shopify refused creating product "Bad Tote": title: is too long' }]);
    const recorded = await database.db.syncRun.findUniqueOrThrow({ where: { id: run.syncRunId! } });
    expect(recorded.status).toBe('PARTIAL');
    const tote = (await listings()).find((l) => l.sourceVariant.sku === 'TOTE')!;
    expect(tote).toMatchObject({ partnerVariantId: null, lastError: 'Shopify refused creating product "Bad Tote": title: is too long' });

    await sync();
    expect(retailerProducts().map((x) => x.title).sort()).toEqual(['Bad Tote', 'Good Mug']);
  });
});

describe('when a retailer approves listings', () => {
  it('ignores listings of another retailer and reports ones whose product is not created yet', async () => {
    await partners();
    sim.seedProducts(p.supplierDomain, [productWith('Mug', ['MUG'])]);
    await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });
    const mug = await database.db.sourceVariant.findFirstOrThrow({ where: { sku: 'MUG' } });
    const waiting = await database.db.listing.create({ data: { partnershipId: p.partnershipId, sourceVariantId: mug.id } });
    const stranger = await database.db.shop.create({ data: { domain: 'stranger.myshopify.com' } });

    expect(await approveListings(ctx, stranger.id, [waiting.id])).toEqual({ approved: [], failed: [] });
    expect(await approveListings(ctx, p.retailerShopId, [waiting.id])).toEqual({
      approved: [],
      failed: [{ listingId: waiting.id, message: '"Mug" is not at your store yet; it is created by the next catalog sync. Approve it after that.' }],
    });
    expect(await rejectListings(database.db, stranger.id, [waiting.id])).toEqual([]);
    expect((await database.db.listing.findUniqueOrThrow({ where: { id: waiting.id } })).approval).toBe('PENDING');
    expect((await listPendingApprovals(database.db, p.retailerShopId)).map((x) => [x.sku, x.readyToApprove])).toEqual([['MUG', false]]);
  });
});
