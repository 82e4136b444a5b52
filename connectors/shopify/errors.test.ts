import { describe, expect, it } from 'vitest';
import { toConnectorError, type ShopifyFailure } from './errors.ts';

const context = { shop: 'acme.myshopify.com', operation: 'TandemOrderCreate', doing: 'creating the order for tandem:1001' };

describe('when Shopify fails a call', () => {
  it.each<[string, ShopifyFailure, string, number | undefined]>([
    ['HTTP 401', { kind: 'http', status: 401, body: '' }, 'auth_expired', undefined],
    ['HTTP 403', { kind: 'http', status: 403, body: '' }, 'auth_expired', undefined],
    ['HTTP 404', { kind: 'http', status: 404, body: '' }, 'not_found', undefined],
    ['HTTP 423 (locked shop)', { kind: 'http', status: 423, body: '' }, 'invalid', undefined],
    ['HTTP 429 with Retry-After', { kind: 'http', status: 429, body: '', retryAfterMs: 2_000 }, 'rate_limited', 2_000],
    ['HTTP 502', { kind: 'http', status: 502, body: '' }, 'unavailable', undefined],
    ['a timeout', { kind: 'network', timedOut: true }, 'unavailable', undefined],
    ['THROTTLED', { kind: 'graphql', errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], retryAfterMs: 3_020 }, 'rate_limited', 3_020],
    ['ACCESS_DENIED', { kind: 'graphql', errors: [{ message: 'Access denied for orderCreate field.', extensions: { code: 'ACCESS_DENIED' } }] }, 'auth_expired', undefined],
    ['MAX_COST_EXCEEDED', { kind: 'graphql', errors: [{ message: 'Query cost is 1500', extensions: { code: 'MAX_COST_EXCEEDED' } }] }, 'invalid', undefined],
    ['INTERNAL_SERVER_ERROR', { kind: 'graphql', errors: [{ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }, 'unavailable', undefined],
    ['a stale compare-and-swap', { kind: 'user', userErrors: [{ field: ['input', 'quantities', '0', 'changeFromQuantity'], message: 'stale', code: 'CHANGE_FROM_QUANTITY_STALE' }] }, 'conflict', undefined],
    ['a concurrent idempotent request', { kind: 'user', userErrors: [{ field: null, message: 'busy', code: 'IDEMPOTENCY_CONCURRENT_REQUEST' }] }, 'unavailable', undefined],
    ['an invalid variant', { kind: 'user', userErrors: [{ field: ['order', 'lineItems', '0', 'variantId'], message: 'Variant is invalid' }] }, 'invalid', undefined],
    ['an unreadable answer', { kind: 'shape', issues: [] }, 'invalid', undefined],
  ])('maps %s to %s', (_case, failure, code, retryAfterMs) => {
    const cause = new Error('original');
    const err = toConnectorError(failure, context, cause);
    expect(err.code).toBe(code);
    expect(err.retryAfterMs).toBe(retryAfterMs);
    expect(err.options.connectorId).toBe('shopify');
    expect(err.cause).toBe(cause);
  });

  it('names the object and the field in a refused mutation', () => {
    const err = toConnectorError({ kind: 'user', userErrors: [{ field: ['order', 'lineItems', '0', 'variantId'], message: 'Variant is invalid' }] }, context);
    expect(err.message).toBe('Shopify acme.myshopify.com TandemOrderCreate refused creating the order for tandem:1001: order.lineItems.0.variantId: Variant is invalid');
  });
});
