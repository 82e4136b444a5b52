import { describe, expect, it } from 'vitest';
import { toConnectorError } from './errors.ts';

const context = { site: 'shop.example.com' };
const wpError = (status: number, code: string, message: string) => ({ code, message, data: { status } });

describe('when WooCommerce refuses a call', () => {
  it.each([
    [401, wpError(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.'), 'auth_expired'],
    [401, wpError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.'), 'auth_expired'],
    [403, 'Forbidden by the host firewall', 'auth_expired'],
    [404, wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.'), 'not_found'],
    [404, wpError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.'), 'not_found'],
    [400, wpError(400, 'product_invalid_sku', 'Invalid or duplicated SKU.'), 'conflict'],
    [400, wpError(400, 'registration-error-email-exists', 'An account is already registered with your email address.'), 'conflict'],
    [400, wpError(400, 'rest_invalid_param', 'Invalid parameter(s): per_page'), 'invalid'],
    [413, wpError(413, 'woocommerce_rest_request_entity_too_large', 'Unable to accept more than 100 items for this request.'), 'invalid'],
  ])('maps HTTP %s %j to %s', (status, body, code) => {
    expect(toConnectorError({ kind: 'http', status, body }, context)?.code).toBe(code);
  });

  it.each([408, 429, 500, 503])('leaves HTTP %s to the HTTP layer’s retries', (status) => {
    expect(toConnectorError({ kind: 'http', status, body: wpError(status, 'internal_server_error', 'Down') }, context)).toBeUndefined();
  });

  it('tells the merchant where the REST API is missing, keeping the cause', () => {
    const cause = new Error('HTTP 404');
    const error = toConnectorError({ kind: 'http', status: 404, body: wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.') }, context, cause);
    expect(error?.merchantMessage).toBe(
      'shop.example.com has no WooCommerce REST API at /wp-json/wc/v3. Check the store address, that WooCommerce is active, and that WordPress permalinks are not "Plain".',
    );
    expect(error?.cause).toBe(cause);
  });

  it('names the refused batch item and how many others failed', () => {
    const error = toConnectorError({ kind: 'batch-item', item: 'stock of SKU TOTE', code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', others: 2, written: 97 }, context);
    expect(error?.code).toBe('not_found');
    expect(error?.merchantMessage).toBe('The stock of SKU TOTE no longer exists in WooCommerce at shop.example.com (and 2 more; 97 written). Re-run SKU matching in Tandem to link it again.');
  });
});
