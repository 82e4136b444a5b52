import { describe, expect, it } from 'vitest';
import type { Sku } from '../sdk/types.ts';
import { readQuota } from './client.ts';
import { toBigCommerceCarrier, toBigCommerceDate, toBigCommerceOrder, toTandemFulfillment, toTandemOrder, toTandemVariant } from './map.ts';
import { BigCommerceOrder, BigCommerceOrderProduct, BigCommerceProduct, BigCommerceShipment } from './schemas.ts';
import { callbackHash } from './webhooks.ts';

const product = (fields: Partial<Record<string, unknown>> = {}) =>
  BigCommerceProduct.parse({
    id: 111,
    name: 'Linen Shirt',
    sku: 'SHIRT',
    price: 40,
    inventory_tracking: 'variant',
    inventory_level: 12,
    is_visible: true,
    date_modified: '2026-11-20T08:30:00+00:00',
    ...fields,
  });
const variant = { id: 115, product_id: 111, sku: 'SHIRT-M', price: 42, calculated_price: 35, inventory_level: 7, upc: '', gtin: '0123', option_values: [{ label: 'M', option_display_name: 'Size' }] };

describe('when mapping BigCommerce variants', () => {
  it('sells at the calculated price, compares at the list price, and keys stock by variant id', () => {
    expect(toTandemVariant(product(), variant)).toEqual({
      externalId: '115',
      productExternalId: '111',
      sku: 'SHIRT-M',
      title: 'M',
      productTitle: 'Linen Shirt',
      selectedOptions: [{ name: 'Size', value: 'M' }],
      price: '35.00',
      compareAtPrice: '42.00',
      barcode: '0123',
      inventoryItemId: '115',
      available: 7,
      updatedAt: new Date('2026-11-20T08:30:00Z'),
    });
  });

  it.each([
    ['product', 12],
    ['none', null],
  ] as const)('reads stock of a product tracked by %s as %s', (tracking, available) => {
    expect(toTandemVariant(product({ inventory_tracking: tracking }), variant).available).toBe(available);
  });
});

describe('when mapping dates and quotas', () => {
  it('sends date_modified:min as a full timestamp in whole seconds', () => {
    expect(toBigCommerceDate(new Date('2026-11-20T08:30:00.750Z'))).toBe('2026-11-20T08:30:00+00:00');
  });

  it('reads the quota headers, and the reset time as the wait on a 429', () => {
    const headers = new Headers({ 'x-rate-limit-requests-left': '0', 'x-rate-limit-time-reset-ms': '4200', 'x-retry-after': '5' });
    expect(readQuota(headers, 429)).toEqual({ remaining: 0, resetInMs: 4200, retryAfterMs: 4200 });
    expect(readQuota(new Headers(), 200)).toBeUndefined();
  });
});

describe('when mapping orders and shipments', () => {
  const line = BigCommerceOrderProduct.parse({ id: 9, product_id: 111, variant_id: 115, order_address_id: 4, name: 'Linen Shirt', sku: 'SHIRT-M', quantity: 2, quantity_shipped: 0, price_inc_tax: '35.0000' });

  it('reads RFC 2822 dates, money with four places and the reference in external_order_id', () => {
    const order = BigCommerceOrder.parse({
      id: 250,
      status_id: 5,
      customer_id: 0,
      date_created: 'Fri, 20 Nov 2026 08:00:00 +0000',
      date_modified: 'Fri, 20 Nov 2026 09:00:00 +0000',
      currency_code: 'USD',
      total_inc_tax: '70.0000',
      external_order_id: 'tandem:r:1',
      billing_address: { first_name: 'Ada', email: 'ada@example.com' },
    });
    expect(toTandemOrder(order, [line], undefined)).toMatchObject({
      externalId: '250',
      name: '#250',
      createdAt: new Date('2026-11-20T08:00:00Z'),
      cancelledAt: new Date('2026-11-20T09:00:00Z'),
      totalPrice: '70.00',
      customer: { email: 'ada@example.com', accountId: null },
      lineItems: [{ externalId: '9', sku: 'SHIRT-M', quantity: 2, price: '35.00', variantExternalId: '115' }],
      externalReference: 'tandem:r:1',
    });
  });

  it('writes the reference, product and variant ids and the wholesale price on the order it forwards', () => {
    const body = toBigCommerceOrder({ externalReference: 'tandem:r:2', currency: 'USD', poNumber: 'PO-9', lineItems: [{ sku: 'SHIRT-M' as Sku, title: 'Shirt', quantity: 3, price: '30.50' }] }, [{ productId: 111, variantId: 115 }]);
    expect(body).toMatchObject({
      status_id: 11,
      external_order_id: 'tandem:r:2',
      staff_notes: 'Forwarded by Tandem; PO PO-9',
      products: [{ product_id: 111, variant_id: 115, quantity: 3, price_inc_tax: 30.5, price_ex_tax: 30.5 }],
    });
  });

  it('names carriers by BigCommerce code on the way in and by name on the way out', () => {
    expect(toBigCommerceCarrier('UPS')).toBe('ups');
    expect(toBigCommerceCarrier('Acme Freight')).toBe('Acme Freight');
    const shipment = BigCommerceShipment.parse({ id: 12, order_id: 250, date_created: 'Fri, 20 Nov 2026 10:00:00 +0000', tracking_number: '1Z9', tracking_carrier: 'ups', tracking_link: '', shipping_provider: '', items: [{ order_product_id: 9, quantity: 2 }] });
    expect(toTandemFulfillment(shipment, [line])).toEqual({
      externalId: '12',
      orderExternalId: '250',
      createdAt: new Date('2026-11-20T10:00:00Z'),
      lines: [{ sku: 'SHIRT-M', quantity: 2, lineExternalId: '9' }],
      carrier: 'UPS',
      trackingNumber: '1Z9',
      trackingUrl: null,
    });
  });
});

describe('when checking a callback hash', () => {
  it('hashes the bytes received without the hash member, wherever it sits', () => {
    const payload = '{"scope":"store/order/created","store_id":"1","data":{"type":"order","id":5},"created_at":1,"producer":"stores/abc"}';
    const expected = callbackHash(payload);
    expect(callbackHash(payload.replace(/}$/, `,"hash":"${expected}"}`))).toBe(expected);
    expect(callbackHash(payload.replace(/^{/, `{"hash":"${expected}",`))).toBe(expected);
  });
});
