// The Approvals screen's engine: products a supplier offers wait as drafts at the retailer (made by
// a real catalog sync into the Shopify simulator), one row per product; approving publishes it,
// rejecting keeps it unpublished, and a shop only ever sees and decides its own.
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ShopifySimulator } from '../../simulators/shopify/index.ts';
import type { TestDatabase } from '../../test/support/db.ts';
import { usePartnerWorld } from '../../test/support/partner-world.ts';
import { createPartners, deleteProduct, productWith, type Partners } from '../../test/support/partners.ts';
import { ApprovalDecision, ApprovalRefused, countProductsAwaitingApproval, decideApprovals, loadApprovalsScreen } from './approvals.server.ts';
import type { SyncContext } from './connections.server.ts';
import { syncCatalogToPartner } from './listings.server.ts';

const SHIRT_PHOTO = { url: 'https://cdn.shopify.com/s/files/1/0001/files/linen-shirt.png', altText: 'Linen shirt, folded' };

const world = usePartnerWorld('approvals', { pricingRule: { markupPercent: 100, rounding: 'x.99' } });
let database: TestDatabase;
let sim: ShopifySimulator;
let ctx: SyncContext;
let p: Partners;

beforeEach(() => void ({ database, sim, ctx, partners: p } = world));

beforeEach(async () => {
  sim.seedProducts(p.supplierDomain, [
    {
      ...productWith('Linen Shirt', ['SHIRT-S', 'SHIRT-M'], '20.00', { images: [SHIRT_PHOTO] }),
      variants: [
        { sku: 'SHIRT-S', price: '20.00', available: 4, title: 'S', selectedOptions: [{ name: 'Size', value: 'S' }] },
        { sku: 'SHIRT-M', price: '22.00', available: 6, title: 'M', selectedOptions: [{ name: 'Size', value: 'M' }] },
      ],
      options: [{ name: 'Size', values: ['S', 'M'] }],
    },
    productWith('Canvas Tote', ['TOTE'], '7.50'),
  ]);
  await syncCatalogToPartner(ctx, p.partnershipId, { mode: 'FULL', trigger: 'manual' });
});

const retailerProduct = (title: string) => sim.products(p.retailerDomain).find((x) => x.title === title)!;
const onlineStore = () => sim.shopSummary(sim.shop(p.retailerDomain)).publications.find((x) => x.name === 'Online Store')!.id;
const rowOf = async (title: string) => (await loadApprovalsScreen(database.db, p.retailerDomain)).products.find((x) => x.title === title)!;
const decide = (intent: 'approve' | 'reject', ids: string[], shop = p.retailerDomain) => decideApprovals(ctx, shop, ApprovalDecision.parse({ intent, listingIds: ids.join(',') }));
const states = async () =>
  Object.fromEntries((await database.db.listing.findMany({ include: { sourceVariant: true } })).map((l) => [l.sourceVariant.sku, l.approval]));

describe('when a retailer opens the Approvals screen', () => {
  it('shows one row per supplier product with its image, variants, wholesale cost, price by the rule and margin', async () => {
    const screen = await loadApprovalsScreen(database.db, p.retailerDomain);

    expect(screen.total).toBe(2);
    const rows = [...screen.products].sort((a, b) => a.title.localeCompare(b.title));
    expect(rows.map(({ id: _id, partnershipId: _p, variants, ...row }) => ({ ...row, variants: variants.map(({ listingId: _l, ...v }) => v) }))).toEqual([
      {
        title: 'Canvas Tote',
        supplierName: p.supplierDomain,
        image: null,
        variants: [{ variantTitle: 'S1', sku: 'TOTE', wholesaleCost: '7.50', price: '15.99', margin: '8.49', marginPercent: 53.1, available: 5 }],
        wholesaleCost: '7.50',
        price: '15.99',
        margin: '8.49',
        marginPercent: '53.1%',
        readyToApprove: true,
        lastError: null,
      },
      {
        title: 'Linen Shirt',
        supplierName: p.supplierDomain,
        image: SHIRT_PHOTO,
        variants: [
          { variantTitle: 'S', sku: 'SHIRT-S', wholesaleCost: '20.00', price: '40.99', margin: '20.99', marginPercent: 51.2, available: 4 },
          { variantTitle: 'M', sku: 'SHIRT-M', wholesaleCost: '22.00', price: '44.99', margin: '22.99', marginPercent: 51.1, available: 6 },
        ],
        wholesaleCost: '20.00–22.00',
        price: '40.99–44.99',
        margin: '20.99–22.99',
        marginPercent: '51.1–51.2%',
        readyToApprove: true,
        lastError: null,
      },
    ]);
  });

  it('shows the first page of products and counts all of them', async () => {
    const screen = await loadApprovalsScreen(database.db, p.retailerDomain, { limit: 1 });

    expect(screen.products).toHaveLength(1);
    expect(screen.total).toBe(2);
    expect(await countProductsAwaitingApproval(database.db, p.retailerShopId)).toBe(2);
  });

  it('shows the supplier and a shop outside the partnership nothing', async () => {
    await database.db.shop.create({ data: { domain: 'stranger.myshopify.com' } });

    expect(await loadApprovalsScreen(database.db, p.supplierDomain)).toEqual({ products: [], total: 0 });
    expect(await loadApprovalsScreen(database.db, 'stranger.myshopify.com')).toEqual({ products: [], total: 0 });
    expect(await loadApprovalsScreen(database.db, 'never-installed.myshopify.com')).toEqual({ products: [], total: 0 });
  });
});

describe('when a retailer approves or rejects products', () => {
  it('publishes every variant of the chosen product and says how many were approved', async () => {
    const shirt = await rowOf('Linen Shirt');

    const outcome = await decide('approve', [shirt.id]);

    expect(outcome).toEqual({ intent: 'approve', done: ['Linen Shirt'], failed: [], message: '1 product approved and published' });
    expect(retailerProduct('Linen Shirt')).toMatchObject({ status: 'ACTIVE', publishedOn: [onlineStore()] });
    expect(retailerProduct('Canvas Tote')).toMatchObject({ status: 'DRAFT', publishedOn: [] });
    expect(await states()).toEqual({ 'SHIRT-S': 'APPROVED', 'SHIRT-M': 'APPROVED', TOTE: 'PENDING' });
    expect((await loadApprovalsScreen(database.db, p.retailerDomain)).products.map((x) => x.title)).toEqual(['Canvas Tote']);
  });

  it('approves many products at once', async () => {
    const rows = (await loadApprovalsScreen(database.db, p.retailerDomain)).products;

    const outcome = await decide('approve', rows.map((r) => r.id));

    expect(outcome.message).toBe('2 products approved and published');
    expect(sim.products(p.retailerDomain).map((x) => x.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(await countProductsAwaitingApproval(database.db, p.retailerShopId)).toBe(0);
  });

  it('rejects the chosen product whole and leaves its draft unpublished', async () => {
    const shirt = await rowOf('Linen Shirt');

    const outcome = await decide('reject', [shirt.id]);

    expect(outcome).toEqual({ intent: 'reject', done: ['Linen Shirt'], failed: [], message: '1 product rejected' });
    expect(retailerProduct('Linen Shirt')).toMatchObject({ status: 'DRAFT', publishedOn: [] });
    expect(await states()).toEqual({ 'SHIRT-S': 'REJECTED', 'SHIRT-M': 'REJECTED', TOTE: 'PENDING' });
  });

  it('names the product Shopify refused to publish, keeps it waiting with the reason, and approves the others', async () => {
    const [shirt, tote] = [await rowOf('Linen Shirt'), await rowOf('Canvas Tote')];
    deleteProduct(sim, p.retailerDomain, retailerProduct('Canvas Tote').id);
    const refusal = 'Shopify answered: Product does not exist.';

    const outcome = await decide('approve', [shirt.id, tote.id]);

    expect(outcome).toEqual({
      intent: 'approve',
      done: ['Linen Shirt'],
      failed: [{ title: 'Canvas Tote', message: `"Canvas Tote" could not be published in your store. ${refusal}` }],
      message: '1 product approved and published, 1 could not be',
    });
    expect(await states()).toEqual({ 'SHIRT-S': 'APPROVED', 'SHIRT-M': 'APPROVED', TOTE: 'PENDING' });
    expect((await rowOf('Canvas Tote')).lastError).toBe(refusal);
  });

  it('names every product left unpublished when Shopify refuses the store’s access token', async () => {
    const rows = (await loadApprovalsScreen(database.db, p.retailerDomain)).products;
    sim.uninstall(p.retailerDomain);

    const outcome = await decide('approve', rows.map((r) => r.id));

    const reason = `Shopify refused Tandem's access token for ${p.retailerDomain}. Open Tandem from that store's admin to reconnect it.`;
    expect(outcome.failed.sort((a, b) => a.title.localeCompare(b.title))).toEqual([
      { title: 'Canvas Tote', message: `"Canvas Tote": ${reason}` },
      { title: 'Linen Shirt', message: `"Linen Shirt": ${reason}` },
    ]);
    expect(outcome).toMatchObject({ done: [], message: '2 products could not be approved' });
    expect(await states()).toEqual({ 'SHIRT-S': 'PENDING', 'SHIRT-M': 'PENDING', TOTE: 'PENDING' });
  });

  it('does not publish a product the retailer rejected, when a stale screen approves it', async () => {
    const tote = await rowOf('Canvas Tote');
    await decide('reject', [tote.id]);

    const outcome = await decide('approve', [tote.id]);

    expect(outcome).toEqual({
      intent: 'approve',
      done: [],
      failed: [{ title: 'Canvas Tote', message: '"Canvas Tote" was rejected, so it stays unpublished and is not offered again.' }],
      message: 'The product could not be approved',
    });
    expect(retailerProduct('Canvas Tote')).toMatchObject({ status: 'DRAFT', publishedOn: [] });
  });

  it('says a product already approved cannot be rejected here', async () => {
    const shirt = await rowOf('Linen Shirt');
    await decide('approve', [shirt.id]);

    const outcome = await decide('reject', [shirt.id]);

    expect(outcome.failed).toEqual([{ title: 'Linen Shirt', message: '"Linen Shirt" is already approved and published. To stop selling it, unpublish it in your store.' }]);
    expect(retailerProduct('Linen Shirt').status).toBe('ACTIVE');
  });
});

describe('when a shop decides listings that are not its own', () => {
  it.each([
    ['the supplier of the partnership', () => p.supplierDomain],
    ['a shop outside the partnership', () => 'stranger.myshopify.com'],
    ['a shop never installed', () => 'never-installed.myshopify.com'],
  ])('refuses %s and changes nothing', async (_who, shop) => {
    await database.db.shop.create({ data: { domain: 'stranger.myshopify.com' } });
    const shirt = await rowOf('Linen Shirt');

    for (const intent of ['approve', 'reject'] as const) {
      await expect(decide(intent, [shirt.id], shop())).rejects.toThrow(new ApprovalRefused('None of the chosen products waits for your approval.'));
    }

    expect(await states()).toEqual({ 'SHIRT-S': 'PENDING', 'SHIRT-M': 'PENDING', TOTE: 'PENDING' });
    expect(retailerProduct('Linen Shirt')).toMatchObject({ status: 'DRAFT', publishedOn: [] });
  });

  it('acts only on its own when another shop’s id is mixed in', async () => {
    const other = await createPartners(database.db, sim, { supplierDomain: 'other-supplier.myshopify.com', retailerDomain: 'other-retailer.myshopify.com' });
    sim.seedProducts(other.supplierDomain, [productWith('Other Mug', ['OTHER-MUG'])]);
    await syncCatalogToPartner(ctx, other.partnershipId, { mode: 'FULL', trigger: 'manual' });
    const theirs = (await loadApprovalsScreen(database.db, other.retailerDomain)).products[0]!;
    const shirt = await rowOf('Linen Shirt');

    const outcome = await decide('approve', [shirt.id, theirs.id]);

    expect(outcome).toEqual({ intent: 'approve', done: ['Linen Shirt'], failed: [], message: '1 product approved and published' });
    expect(sim.products(other.retailerDomain)).toMatchObject([{ title: 'Other Mug', status: 'DRAFT', publishedOn: [] }]);
  });
});

describe('when the Approvals form is read', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `l${String(i).padStart(32, '0')}`).join(',');
  it.each([
    ['no product chosen', { intent: 'approve', listingIds: '' }, { listingIds: ['Choose at least one product'] }],
    ['no list at all', { intent: 'approve' }, { listingIds: ['Choose at least one product'] }],
    ['an unknown action', { intent: 'publish', listingIds: ids(1) }, { intent: ['Choose Approve or Reject'] }],
    ['an id that is not one', { intent: 'reject', listingIds: `${ids(1)},1 OR 1=1` }, { listingIds: ['Not a product from the approvals list'] }],
    ['251 products', { intent: 'reject', listingIds: ids(251) }, { listingIds: ['Choose at most 250 products at a time'] }],
  ])('refuses %s, naming the field', (_case, form, errors) => {
    const parsed = ApprovalDecision.safeParse(form);
    expect(parsed.success).toBe(false);
    expect(z.flattenError(parsed.error!).fieldErrors).toEqual(errors);
  });

  it('reads a comma-separated list of row ids once each', () => {
    const planned = 'l3f2b8c0d9e8a7b6c5d4e3f2a1b0c9d8e';
    expect(ApprovalDecision.parse({ intent: 'reject', listingIds: `cmx9cllzb0000xt7dltdw1our, cmx9cllzb0000xt7dltdw1our,${planned}` })).toEqual({
      intent: 'reject',
      listingIds: ['cmx9cllzb0000xt7dltdw1our', planned],
    });
  });
});
