import { describe, expect, it } from 'vitest';
import { diagnoseOrder, editDistance, similarSkus, type DiagnosisInput, type OrderContent, type SupplierVariant } from './order-diagnosis.server.ts';

const address = { name: 'Ada Lovelace', company: null, address1: '1 Main St', address2: null, city: 'Portland', province: 'Oregon', provinceCode: 'OR', zip: '97201', country: 'United States', countryCode: 'US', phone: null };

function order(lines: { sku: string | null; quantity?: number }[], shippingAddress: OrderContent['shippingAddress'] = address): OrderContent {
  return {
    name: '#1001',
    createdAt: '2026-11-23T10:00:00.000Z',
    cancelledAt: null,
    currency: 'USD',
    lineItems: lines.map((l, i) => ({ externalId: `line-${i}`, sku: l.sku, title: `Item ${l.sku}`, quantity: l.quantity ?? 1, price: '40.00', variantExternalId: `rv-${i}` })),
    shippingAddress,
    customer: { email: null, accountId: null },
    tags: [],
  };
}

function variant(sku: string, id: string, price = '20.00'): SupplierVariant {
  return { id: `sv-${id}`, sku, externalVariantId: `v-${id}`, productTitle: `Product ${sku}`, variantTitle: null, price: { toFixed: () => price } };
}

function input(o: OrderContent, variants: SupplierVariant[], extra: Partial<DiagnosisInput> = {}): DiagnosisInput {
  const variantsBySku = new Map<string, SupplierVariant[]>();
  for (const v of variants) variantsBySku.set(v.sku!, [...(variantsBySku.get(v.sku!) ?? []), v]);
  return { order: o, supplierName: 'Acme Supply', retailerName: 'Corner Shop', variantsBySku, supplierSkus: variants.map((v) => v.sku!), platform: 'shopify', canCreateOrders: true, ...extra };
}

describe('when every line has one supplier variant and the order has an address', () => {
  it('is ready, each line paired with its supplier variant', () => {
    const result = diagnoseOrder(input(order([{ sku: 'A-1', quantity: 2 }, { sku: 'B-1' }]), [variant('A-1', '1'), variant('B-1', '2')]));
    expect(result).toEqual({ ok: true, lines: [expect.objectContaining({ variant: expect.objectContaining({ externalVariantId: 'v-1' }) }), expect.objectContaining({ variant: expect.objectContaining({ externalVariantId: 'v-2' }) })] });
  });
});

describe('when several problems meet on one order', () => {
  it.each([
    { case: 'no address and an unknown SKU', o: order([{ sku: 'GONE' }], null), canCreateOrders: true, reason: 'MISSING_SHIPPING_ADDRESS', state: 'FAILED' },
    { case: 'an address with only a name', o: order([{ sku: 'A-1' }], { ...address, address1: null, city: null }), canCreateOrders: true, reason: 'MISSING_SHIPPING_ADDRESS', state: 'FAILED' },
    { case: 'an unknown SKU and a duplicate', o: order([{ sku: 'DUP' }, { sku: 'GONE' }]), canCreateOrders: true, reason: 'SKU_MISMATCH', state: 'FAILED' },
    { case: 'a line without SKU', o: order([{ sku: null }]), canCreateOrders: true, reason: 'SKU_MISMATCH', state: 'FAILED' },
    { case: 'a duplicate on a platform that cannot take orders', o: order([{ sku: 'DUP' }]), canCreateOrders: false, reason: 'DUPLICATE_SKU', state: 'FAILED' },
    { case: 'good lines on a platform that cannot take orders', o: order([{ sku: 'A-1' }]), canCreateOrders: false, reason: 'UNSUPPORTED_PLATFORM', state: 'NEEDS_MANUAL_POSTING' },
  ])('reports $reason first for $case', ({ o, canCreateOrders, reason, state }) => {
    const result = diagnoseOrder(input(o, [variant('A-1', '1'), variant('DUP', '2'), variant('DUP', '3')], { canCreateOrders }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatchObject({ reason, state });
  });

  it('names a line without SKU by its title', () => {
    const result = diagnoseOrder(input(order([{ sku: null }]), [variant('A-1', '1')]));
    expect(!result.ok && result.problem.title).toBe('Order #1001: a line has no SKU');
    expect(!result.ok && result.problem.message).toBe(
      'Order #1001 from Corner Shop was not sent to Acme Supply: no Acme Supply variant carries this SKU (renamed or removed?). line "Item null" has no SKU: no similar supplier SKU.',
    );
  });

  it('lists the conflicting variants of a duplicate SKU', () => {
    const result = diagnoseOrder(input(order([{ sku: 'DUP' }]), [variant('DUP', '2'), variant('DUP', '3')]));
    expect(!result.ok && result.problem.detail).toEqual({
      skus: [
        {
          sku: 'DUP',
          variants: [
            { id: 'v-2', label: '"Product DUP" (v-2)' },
            { id: 'v-3', label: '"Product DUP" (v-3)' },
          ],
        },
      ],
    });
  });
});

describe('when a SKU matches no supplier variant', () => {
  it.each([
    { stale: 'SHIRT-S', known: ['SHIRT-SMALL', 'SHIRT-M', 'PANTS-S', 'TOTE'], candidates: ['SHIRT-M', 'SHIRT-SMALL'] },
    { stale: 'TEE-RED-L', known: ['TEE-RED-XL', 'TEE-RED-M', 'TEE-BLUE-L'], candidates: ['TEE-RED-M', 'TEE-RED-XL'] },
    { stale: 'mug01', known: ['MUG-01', 'CUP-01'], candidates: ['MUG-01'] },
    { stale: 'ABC', known: ['XYZ', 'LONGER-SKU'], candidates: [] },
    { stale: 'BAG', known: ['BAG-2026', 'BAGEL'], candidates: ['BAGEL', 'BAG-2026'] },
  ])('suggests $candidates for $stale', ({ stale, known, candidates }) => {
    expect(similarSkus(stale, known)).toEqual(candidates);
  });

  it('suggests at most five, closest first', () => {
    const known = ['A-99', 'A-3', 'A-2', 'A-30', 'A-20', 'A-10X', 'A-1'];
    expect(similarSkus('A-10', known)).toEqual(['A-1', 'A-10X', 'A-20', 'A-30', 'A-2']);
  });

  it.each([
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['SKU-1', 'SKU-1', 0],
    ['SKU-1', 'SKU-12', 1],
  ])('measures %s → %s as %i edits', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});
