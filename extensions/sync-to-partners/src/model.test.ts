import { describe, expect, it } from 'vitest';
import type { ProductAtPartner, ProductSyncResult, ProductSyncStatus } from '../../../app/sync/product-sync-answer.ts';
import { emptyMessage, isProductSyncResult, isProductSyncStatus, partnerLine, productSyncPath, resultNotice, syncButton, type ActionPhase } from './model.ts';

/** Elm Retail, fed from this store, with both variants of a two-variant product on sale. */
function partner(overrides: Partial<ProductAtPartner> = {}): ProductAtPartner {
  return {
    partnershipId: 'p-elm',
    partner: 'Elm Retail',
    fromThisStore: true,
    catalogPlatform: 'Shopify',
    variantsInCatalog: 2,
    offered: 2,
    created: 2,
    approved: 2,
    pending: 0,
    rejected: 0,
    lastSyncedAt: '2026-11-23T12:05:00.000Z',
    lastSyncedExact: 'Nov 23, 2026, 7:05 AM EST',
    lastError: null,
    ...overrides,
  };
}

const status = (...partners: ProductAtPartner[]): ProductSyncStatus => ({ productId: 'gid://shopify/Product/101', partners });

describe('when the action finds the product on its page', () => {
  it.each([
    ['gid://shopify/Product/8123456789', '/api/products/8123456789/sync'],
    ['gid://shopify/ProductVariant/5', null],
    ['gid://shopify/Product/0', null],
    ['gid://shopify/Product/12?x=1', null],
    [undefined, null],
  ])('turns %s into the path %s', (gid, path) => {
    expect(productSyncPath(gid)).toBe(path);
  });

  it('accepts only answers shaped like the app’s', () => {
    expect(isProductSyncStatus(status())).toBe(true);
    expect(isProductSyncStatus({ partners: 'none' })).toBe(false);
    expect(isProductSyncResult({ productId: 'x', results: [] })).toBe(true);
    expect(isProductSyncResult('<html>')).toBe(false);
  });
});

describe('when a partner line tells where the product stands', () => {
  it.each<[string, Partial<ProductAtPartner>, { label: string; tone: string }, string]>([
    ['selling everywhere', {}, { label: 'Selling', tone: 'success' }, '2 of 2 variants on sale, last synced Nov 23, 2026, 7:05 AM EST.'],
    ['selling with one variant waiting', { approved: 1, pending: 1 }, { label: 'Selling', tone: 'success' }, '1 of 2 variants on sale; 1 variant waiting for approval, last synced Nov 23, 2026, 7:05 AM EST.'],
    ['created as drafts', { approved: 0, pending: 2 }, { label: 'Awaiting approval', tone: 'info' }, 'In Elm Retail\'s store as a draft, waiting for their approval, last synced Nov 23, 2026, 7:05 AM EST.'],
    ['offered, not created yet', { approved: 0, pending: 2, created: 0, lastSyncedExact: null }, { label: 'Being created', tone: 'info' }, '2 variants not yet created in Elm Retail\'s store.'],
    ['declined by the retailer', { approved: 0, rejected: 2 }, { label: 'Declined', tone: 'critical' }, 'Elm Retail declined this product; Tandem does not offer it again.'],
    ['never offered', { offered: 0, created: 0, approved: 0 }, { label: 'Not offered', tone: 'warning' }, 'No variant has been offered yet: each needs a SKU no other variant uses. Sync now to try again.'],
    ['not read by Tandem yet', { variantsInCatalog: 0, offered: 0, created: 0, approved: 0 }, { label: 'Not synced yet', tone: 'info' }, 'Tandem has not read this product yet. Sync now to send it.'],
    ['fed from another catalog', { fromThisStore: false, catalogPlatform: 'WooCommerce', variantsInCatalog: 0 }, { label: 'Other catalog', tone: 'neutral' }, 'Gets its catalog from your WooCommerce connection, so this product is not sent there.'],
    ['without any catalog connection', { fromThisStore: false, catalogPlatform: null }, { label: 'Other catalog', tone: 'neutral' }, 'Gets its catalog from no catalog connection yet, so this product is not sent there.'],
  ])('says %s', (_case, overrides, badge, detail) => {
    const line = partnerLine(partner(overrides));
    expect(line).toEqual({ partnershipId: 'p-elm', partner: 'Elm Retail', badge, detail, problem: null });
  });

  it('shows the partner store’s last complaint about the product', () => {
    expect(partnerLine(partner({ lastError: 'Shopify rejected product "Linen Shirt": title is too long.' })).problem).toBe('Shopify rejected product "Linen Shirt": title is too long.');
  });
});

describe('when the button decides whether it can be pressed', () => {
  const fromHere = status(partner());
  const elsewhere = status(partner({ fromThisStore: false }));
  it.each<[string, ActionPhase, { disabled: boolean; loading: boolean }]>([
    ['while the partners load', { step: 'loading' }, { disabled: true, loading: true }],
    ['when the app could not be reached', { step: 'unavailable', message: 'x' }, { disabled: true, loading: false }],
    ['with a partner fed from this store', { step: 'ready', status: fromHere }, { disabled: false, loading: false }],
    ['with partners fed only from other catalogs', { step: 'ready', status: elsewhere }, { disabled: true, loading: false }],
    ['with no partners', { step: 'ready', status: status() }, { disabled: true, loading: false }],
    ['while the sync is being queued', { step: 'syncing', status: fromHere }, { disabled: true, loading: true }],
    ['after it was queued (a second press joins the waiting run)', { step: 'synced', status: fromHere, result: { productId: 'x', results: [] } }, { disabled: false, loading: false }],
    ['after queueing failed, to try again', { step: 'sync-failed', status: fromHere, message: 'x' }, { disabled: false, loading: false }],
  ])('is %s', (_case, phase, state) => {
    expect(syncButton(phase)).toEqual({ label: 'Sync to partners now', ...state });
  });
});

describe('when there is nobody to sync to', () => {
  it('says so for a shop that supplies no one, and for one whose partners use other catalogs', () => {
    expect(emptyMessage(status())).toBe('You supply no partners yet. Invite a retailer from Partners in the Tandem app.');
    expect(emptyMessage(status(partner({ fromThisStore: false })))).toBe('None of your partners gets its catalog from this store.');
    expect(emptyMessage(status(partner()))).toBeNull();
  });
});

describe('when the press comes back', () => {
  const queued = { partnershipId: 'p-elm', partner: 'Elm Retail', outcome: 'queued' as const, syncRunId: 'run-1' };
  const skipped = { partnershipId: 'p-oak', partner: 'Oak Goods', outcome: 'skipped' as const, reason: 'Oak Goods gets its catalog from your WooCommerce connection, not from this store.' };
  const failed = { partnershipId: 'p-ash', partner: 'Ash & Co', outcome: 'failed' as const, reason: 'Tandem could not queue the sync for this partner. Try again in a minute.' };
  const result = (...results: ProductSyncResult['results']): ProductSyncResult => ({ productId: 'gid://shopify/Product/101', results });

  it('reports every partner queued as a success', () => {
    expect(resultNotice(result(queued))).toEqual({
      tone: 'success',
      heading: 'Queued for 1 partner',
      lines: ['Elm Retail: queued.', 'Tandem sends the product within a few minutes; the run shows in Activity.'],
    });
  });

  it('warns when some partners were skipped or failed, naming why', () => {
    expect(resultNotice(result(queued, skipped, failed))).toEqual({
      tone: 'warning',
      heading: 'Queued for 1 of 3 partners',
      lines: [
        'Elm Retail: queued.',
        'Oak Goods: skipped. Oak Goods gets its catalog from your WooCommerce connection, not from this store.',
        'Ash & Co: not queued. Tandem could not queue the sync for this partner. Try again in a minute.',
        'Tandem sends the product within a few minutes; the run shows in Activity.',
      ],
    });
  });

  it('is critical when the queue refused every partner', () => {
    expect(resultNotice(result(failed))).toEqual({ tone: 'critical', heading: 'Nothing was queued', lines: ['Ash & Co: not queued. Tandem could not queue the sync for this partner. Try again in a minute.'] });
  });

  it('warns when there was no partner to queue for', () => {
    expect(resultNotice(result(skipped))).toEqual({ tone: 'warning', heading: 'Nothing was queued', lines: ['Oak Goods: skipped. Oak Goods gets its catalog from your WooCommerce connection, not from this store.'] });
    expect(resultNotice(result())).toEqual({ tone: 'warning', heading: 'Nothing to sync', lines: ['You supply no partners yet.'] });
  });
});
