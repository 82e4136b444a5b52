import { describe, expect, it } from 'vitest';
import { assembleCatalog } from './bulk.ts';

const product = (id: number, title: string) =>
  JSON.stringify({ id: `gid://shopify/Product/${id}`, title, descriptionHtml: '', vendor: 'Acme', productType: '', tags: ['tandem-ref:ref-' + id], updatedAt: '2026-11-01T00:00:00Z', options: [{ name: 'Size', values: ['S', 'M'] }], externalReference: null });
const variant = (id: number, parent: number, sku: string) =>
  JSON.stringify({ id: `gid://shopify/ProductVariant/${id}`, sku, title: sku, price: '10.00', compareAtPrice: null, barcode: null, updatedAt: '2026-11-01T00:00:00Z', inventoryQuantity: 3, selectedOptions: [{ name: 'Size', value: 'S' }], inventoryItem: { id: `gid://shopify/InventoryItem/${id}` }, __parentId: `gid://shopify/Product/${parent}` });

describe('when a bulk catalog export is downloaded', () => {
  it('puts every variant under its product even when children are not next to their parent', () => {
    const jsonl = [product(1, 'Tee'), variant(11, 1, 'TEE-S'), product(2, 'Cap'), variant(21, 2, 'CAP-1'), variant(12, 1, 'TEE-M'), ''].join('\n');
    const catalog = assembleCatalog(jsonl);
    expect(catalog.map((p) => [p.title, p.externalReference, p.variants.map((v) => [v.sku, v.productExternalId, v.productTitle])])).toEqual([
      ['Tee', 'ref-1', [['TEE-S', 'gid://shopify/Product/1', 'Tee'], ['TEE-M', 'gid://shopify/Product/1', 'Tee']]],
      ['Cap', 'ref-2', [['CAP-1', 'gid://shopify/Product/2', 'Cap']]],
    ]);
  });
});
