import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyShopifyWebhook } from './webhooks.ts';

const secret = 'shpss_test_secret';
const samples = new URL('../../../shared/contracts/shopify/webhooks/', import.meta.url);
const sample = (file: string, fallback: string) => (existsSync(new URL(file, samples)) ? readFileSync(new URL(file, samples), 'utf8') : fallback);

function delivery(topic: string, body: string, sign = signWebhookBody(body, secret)) {
  return {
    'X-Shopify-Topic': topic,
    'X-Shopify-Hmac-Sha256': sign,
    'X-Shopify-Shop-Domain': 'retailer.myshopify.com',
    'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    'X-Shopify-API-Version': '2026-10',
  };
}

describe('when a webhook arrives signed with the app secret', () => {
  it.each([
    ['orders/create', sample('orders-create.json', '{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508"}'), { kind: 'order.created', orderExternalId: 'gid://shopify/Order/820982911946154508' }],
    ['orders/updated', sample('orders-updated.json', '{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508"}'), { kind: 'order.updated', orderExternalId: 'gid://shopify/Order/820982911946154508' }],
    ['products/update', sample('products-update.json', '{"id":788032119674292922,"admin_graphql_api_id":"gid://shopify/Product/788032119674292922"}'), { kind: 'product.updated', productExternalId: 'gid://shopify/Product/788032119674292922' }],
    ['products/delete', '{"id":788032119674292922}', { kind: 'product.deleted', productExternalId: 'gid://shopify/Product/788032119674292922' }],
    [
      'inventory_levels/update',
      sample('inventory_levels-update.json', '{"inventory_item_id":271878346596884015,"location_id":24826418,"available":10}'),
      { kind: 'inventory.updated', inventoryItemId: 'gid://shopify/InventoryItem/271878346596884015', locationId: 'gid://shopify/Location/24826418', available: 10 },
    ],
    ['fulfillments/create', sample('fulfillments-create.json', '{"id":123456,"order_id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Fulfillment/123456"}'), { kind: 'fulfillment.created', orderExternalId: 'gid://shopify/Order/820982911946154508', fulfillmentExternalId: 'gid://shopify/Fulfillment/123456' }],
    ['app/uninstalled', sample('app-uninstalled.json', '{"id":548380009}'), { kind: 'app.uninstalled' }],
    ['bulk_operations/finish', sample('bulk_operations-finish.json', '{"admin_graphql_api_id":"gid://shopify/BulkOperation/147595010","status":"completed"}'), { kind: 'bulk_operation.finished', operationId: 'gid://shopify/BulkOperation/147595010', status: 'completed' }],
  ])('translates %s into a Tandem event, keeping ids beyond 2^53 exact', (topic, body, expected) => {
    expect(verifyShopifyWebhook(delivery(topic, body), Buffer.from(body), secret)).toEqual({
      eventId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      shop: 'retailer.myshopify.com',
      ...expected,
    });
  });

  it('answers ignored for a topic Tandem does not act on', () => {
    const body = '{"id":1}';
    expect(verifyShopifyWebhook(delivery('themes/publish', body), body, secret)).toBe('ignored');
  });

  it('reads headers from a Headers object too', () => {
    const body = '{"id":1,"admin_graphql_api_id":"gid://shopify/Order/1"}';
    const event = verifyShopifyWebhook(new Headers(delivery('orders/create', body)), body, secret);
    expect(event).toMatchObject({ kind: 'order.created', orderExternalId: 'gid://shopify/Order/1' });
  });
});

describe('when a webhook is not what Shopify signed', () => {
  const body = '{"id":1,"admin_graphql_api_id":"gid://shopify/Order/1"}';

  it.each([
    ['the body was changed', delivery('orders/create', body), body.replace('Order/1', 'Order/2')],
    ['it was signed with another secret', delivery('orders/create', body, signWebhookBody(body, 'other')), body],
    ['the signature is not base64 of the right length', delivery('orders/create', body, 'abc'), body],
  ])('refuses it as invalid when %s', (_case, headers, raw) => {
    expect(() => verifyShopifyWebhook(headers, raw, secret)).toThrow(expect.objectContaining({ code: 'invalid', message: 'Shopify webhook orders/create from retailer.myshopify.com has a wrong signature' }));
  });

  it('refuses a delivery without its webhook id', () => {
    const headers: Record<string, string> = { ...delivery('orders/create', body) };
    delete headers['X-Shopify-Webhook-Id'];
    expect(() => verifyShopifyWebhook(headers, body, secret)).toThrow(expect.objectContaining({ code: 'invalid' }));
  });
});
