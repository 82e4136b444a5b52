import { describe, expect, it } from 'vitest';
import type { Sku, TandemProduct, TandemVariant } from '../../connectors/sdk/types.ts';
import { variantContentHash } from './source-ledger.server.ts';

const variant: TandemVariant = {
  externalId: 'gid://shopify/ProductVariant/1',
  productExternalId: 'gid://shopify/Product/1',
  sku: 'TEE-M' as Sku,
  title: 'M',
  productTitle: 'Tee',
  selectedOptions: [{ name: 'Size', value: 'M' }],
  price: '10.00',
  compareAtPrice: null,
  barcode: null,
  inventoryItemId: 'gid://shopify/InventoryItem/1',
  available: 5,
  updatedAt: new Date('2026-11-01T00:00:00Z'),
};
const product: TandemProduct = {
  externalId: 'gid://shopify/Product/1',
  title: 'Tee',
  description: '<p>Soft</p>',
  vendor: 'Acme',
  productType: null,
  tags: [],
  images: [{ url: 'https://cdn.example/tee.png', altText: null }],
  options: [{ name: 'Size', values: ['M'] }],
  variants: [variant],
  externalReference: null,
  updatedAt: new Date('2026-11-01T00:00:00Z'),
};
const base = variantContentHash(product, variant);

describe('when deciding whether a supplier edit is a content change', () => {
  it.each<[string, Partial<TandemProduct>, Partial<TandemVariant>]>([
    ['the title', { title: 'Tee (organic)' }, {}],
    ['the description', { description: '<p>Softer</p>' }, {}],
    ['the images', { images: [{ url: 'https://cdn.example/tee-2.png', altText: null }] }, {}],
    ['the options', { options: [{ name: 'Size', values: ['M', 'L'] }] }, {}],
    ['the vendor', { vendor: 'Acme Co' }, {}],
    ['the variant title', {}, { title: 'Medium' }],
  ])('counts a change of %s', (_what, productChange, variantChange) => {
    expect(variantContentHash({ ...product, ...productChange }, { ...variant, ...variantChange })).not.toBe(base);
  });

  it.each<[string, Partial<TandemProduct>, Partial<TandemVariant>]>([
    ['the price', {}, { price: '12.00', compareAtPrice: '15.00' }],
    ['the stock', {}, { available: 0 }],
    ['the update time', { updatedAt: new Date() }, { updatedAt: new Date() }],
    ['the tags', { tags: ['summer'] }, {}],
  ])('ignores a change of %s (prices and stock follow on their own)', (_what, productChange, variantChange) => {
    expect(variantContentHash({ ...product, ...productChange }, { ...variant, ...variantChange })).toBe(base);
  });
});
