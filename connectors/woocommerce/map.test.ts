import { describe, expect, it } from 'vitest';
import type { Sku } from '../sdk/types.ts';
import { fromWooDate, shipmentNote, toTandemOrder, toTandemVariant, toWooDate, toWooOrder, toWooStockTarget } from './map.ts';
import { WooOrder, WooProduct, WooVariation } from './schemas.ts';

const shirt = WooProduct.parse({
  id: 10,
  name: 'Linen Shirt',
  type: 'variable',
  status: 'publish',
  sku: 'SHIRT',
  price: '40.00',
  regular_price: '',
  sale_price: '',
  manage_stock: true,
  stock_quantity: 9,
  date_modified_gmt: '2026-11-20T08:30:00',
  attributes: [{ name: 'Size', options: ['S', 'M'], variation: true }],
});

describe('when mapping WooCommerce variants', () => {
  it('keeps a variation under its parent, with the sale price in force and the regular price to compare', () => {
    const medium = WooVariation.parse({
      id: 12,
      sku: 'SHIRT-M',
      price: '38.00',
      regular_price: '42.00',
      sale_price: '38.00',
      manage_stock: true,
      stock_quantity: 7,
      date_modified_gmt: '2026-11-21T10:00:00',
      attributes: [{ name: 'Size', option: 'M' }],
    });
    expect(toTandemVariant(shirt, medium)).toEqual({
      externalId: '12',
      productExternalId: '10',
      sku: 'SHIRT-M',
      title: 'M',
      productTitle: 'Linen Shirt',
      selectedOptions: [{ name: 'Size', value: 'M' }],
      price: '38.00',
      compareAtPrice: '42.00',
      barcode: null,
      inventoryItemId: '10/12',
      available: 7,
      updatedAt: new Date('2026-11-21T10:00:00Z'),
    });
  });

  it.each([
    ['parent', 9],
    [false, null],
  ] as const)('reads stock of a variation whose manage_stock is %s as %s', (manage, available) => {
    const variation = WooVariation.parse({ id: 13, sku: 'SHIRT-S', price: '40.00', regular_price: '40.00', sale_price: '', manage_stock: manage, stock_quantity: null, date_modified_gmt: null });
    expect(toTandemVariant(shirt, variation).available).toBe(available);
  });

  it('addresses stock writes to a simple product or to a variation through its parent', () => {
    expect(toWooStockTarget({ variantId: '7' })).toEqual({ kind: 'product', productId: 7 });
    expect(toWooStockTarget({ variantId: '12', inventoryItemId: '10/12' })).toEqual({ kind: 'variation', productId: 10, variationId: 12 });
  });
});

describe('when mapping dates', () => {
  it('reads *_gmt dates as UTC and asks for changes from one whole second before `since`', () => {
    expect(fromWooDate('2026-11-20T08:30:00')).toEqual(new Date('2026-11-20T08:30:00Z'));
    expect(toWooDate(new Date('2026-11-20T08:30:00.750Z'))).toBe('2026-11-20T08:29:59');
  });
});

describe('when mapping orders', () => {
  it('reads Tandem’s reference back from the order meta', () => {
    const order = WooOrder.parse({
      id: 501,
      number: '501',
      status: 'cancelled',
      currency: 'EUR',
      total: '22.00',
      customer_id: 0,
      customer_note: '',
      date_created_gmt: '2026-11-20T08:00:00',
      date_modified_gmt: '2026-11-20T09:00:00',
      billing: { first_name: 'Ada', last_name: 'Lovelace', company: '', address_1: '', address_2: '', city: '', state: '', postcode: '', country: '', email: 'ada@example.com', phone: '' },
      shipping: { first_name: '', last_name: '', company: '', address_1: '', address_2: '', city: '', state: '', postcode: '', country: '' },
      line_items: [{ id: 1, name: 'Canvas Tote', product_id: 7, variation_id: 0, quantity: 2, sku: 'TOTE', price: 11 }],
      meta_data: [{ id: 9, key: 'tandem_reference', value: 'tandem:r:1' }],
    });
    expect(toTandemOrder(order)).toMatchObject({
      externalId: '501',
      name: '#501',
      cancelledAt: new Date('2026-11-20T09:00:00Z'),
      shippingAddress: null,
      customer: { email: 'ada@example.com', accountId: null },
      lineItems: [{ externalId: '1', sku: 'TOTE', quantity: 2, price: '11.00', variantExternalId: '7' }],
      externalReference: 'tandem:r:1',
    });
  });

  it('writes the reference and the wholesale line total on the order it forwards', () => {
    const body = toWooOrder({ externalReference: 'tandem:r:2', currency: 'USD', lineItems: [{ sku: 'TOTE' as Sku, title: 'Tote', quantity: 3, price: '4.10' }], poNumber: 'PO-9' }, [7]);
    expect(body.meta_data).toEqual([
      { key: 'tandem_reference', value: 'tandem:r:2' },
      { key: 'tandem_po_number', value: 'PO-9' },
    ]);
    expect(body.line_items).toEqual([{ product_id: 7, quantity: 3, subtotal: '12.30', total: '12.30', price: 4.1 }]);
    expect(body).toMatchObject({ status: 'processing', set_paid: false });
  });

  it('words the buyer’s shipment note with carrier, number, link and Tandem’s marker', () => {
    const note = shipmentNote({ id: '501-1', createdAt: '2026-11-20T09:00:00Z', carrier: 'UPS', trackingNumber: '1Z9', trackingUrl: null, lines: [{ lineId: 1, sku: 'TOTE', quantity: 1 }] });
    expect(note).toBe('Your order has shipped (1 item with UPS). Tracking number: 1Z9. [501-1]');
  });
});
