import { describe, expect, it } from 'vitest';
import { toConnectorError, vendorSays } from './errors.ts';

const context = { storeHash: 'abc123' };
const v3 = (status: number, title: string, errors?: Record<string, string>) => ({ status, title, type: '/api-docs/getting-started/api-status-codes', ...(errors ? { errors } : {}) });
const v2 = (status: number, message: string) => [{ status, message }];

describe('when BigCommerce refuses a call', () => {
  it.each([
    [401, v3(401, 'Unauthorized'), 'auth_expired'],
    [403, v2(403, 'You do not have permission to access this resource.'), 'auth_expired'],
    [404, v2(404, 'The requested resource was not found.'), 'not_found'],
    [409, v3(409, 'The product sku is a duplicate', { sku: 'Sku TOTE is not unique' }), 'conflict'],
    [413, v3(413, 'The request payload is too large. The maximum items allowed in the array is 50'), 'invalid'],
    [422, v3(422, 'JSON data is missing or invalid', { 'items.0.location_id': 'error.path.missing' }), 'invalid'],
    [400, v2(400, 'The field order_address_id is invalid'), 'invalid'],
  ])('maps HTTP %s %j to %s', (status, body, code) => {
    expect(toConnectorError({ kind: 'http', status, body }, context)?.code).toBe(code);
  });

  it.each([408, 429, 500, 502])('leaves HTTP %s to the HTTP layer’s retries', (status) => {
    expect(toConnectorError({ kind: 'http', status, body: v3(status, 'Internal Server Error') }, context)).toBeUndefined();
  });

  it('reads the vendor’s words from v3 titles with field errors and from v2 message lists', () => {
    expect(vendorSays(v3(422, 'JSON data is missing or invalid', { price: 'error.path.missing' }))).toBe('JSON data is missing or invalid (price: error.path.missing)');
    expect(vendorSays(v2(400, 'The field quantity is invalid'))).toBe('The field quantity is invalid');
  });

  it('names the variant and the fix when its stock is tracked on the product, keeping the cause', () => {
    const cause = new Error('HTTP 422');
    const error = toConnectorError({ kind: 'http', status: 422, body: v3(422, '[Item with variant_id 78 is tracked by product, please update stock by product id]') }, context, cause);
    expect(error?.merchantMessage).toBe(
      'BigCommerce store abc123 tracks stock of variant 78 on its product, so Tandem cannot set it per variant. In BigCommerce, set that product\'s inventory tracking to "track by variant" (or keep one variant), then press Retry in Activity.',
    );
    expect(error?.cause).toBe(cause);
  });

  it('passes BigCommerce’s own words on for other refusals', () => {
    const error = toConnectorError({ kind: 'http', status: 400, body: v2(400, 'The field order_address_id is invalid') }, context);
    expect(error?.merchantMessage).toBe('BigCommerce store abc123 refused Tandem\'s request: The field order_address_id is invalid. Fix it in BigCommerce, then press Retry in Activity.');
  });
});
