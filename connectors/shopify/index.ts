// The Shopify connector: Admin GraphQL 2026-10 through one cost-aware client.
import { defineConnector, type Connector, type ConnectorDeps } from '../sdk/connector.ts';
import { Invalid } from '../sdk/errors.ts';
import { readAllInventory, readFullCatalog } from './bulk.ts';
import { createProduct, findVariantsBySku, listChangedProducts, listChangedVariants, updateProduct } from './catalog.ts';
import { ShopifyClient } from './client.ts';
import { createCustomer, findCustomer } from './customers.ts';
import { Location, readInventory, writeInventory } from './inventory.ts';
import { manifest, type ShopifyConfig } from './manifest.ts';
import { createFulfillment, createOrder, findOrderByReference, listChangedOrders, listFulfillments } from './orders.ts';
import { Publishing } from './publishing.ts';
import { verifyShopifyWebhook } from './webhooks.ts';

export function createShopifyConnector(config: ShopifyConfig, deps: ConnectorDeps, client?: ShopifyClient): Connector {
  const shopify =
    client ??
    new ShopifyClient({
      shop: config.shop,
      credentials: deps.credentials,
      budget: deps.budget,
      logger: deps.logger,
      fetch: deps.fetch,
      baseUrlOverride: deps.baseUrlOverride,
      clientId: config.clientId,
    });
  const location = new Location(shopify, config.locationId);
  const publishing = new Publishing(shopify);

  return {
    id: manifest.id,
    capabilities: new Set(manifest.capabilities),
    listChangedProducts: (changed) => listChangedProducts(shopify, changed),
    listChangedVariants: (changed) => listChangedVariants(shopify, changed),
    findVariantsBySku: (skus) => findVariantsBySku(shopify, skus),
    readFullCatalog: () => readFullCatalog(shopify, { fetch: deps.fetch }),
    createProduct: (input, options) => createProduct(shopify, input, () => location.get(), options),
    updateProduct: (externalId, input) => updateProduct(shopify, externalId, input),
    publishProduct: (externalId) => publishing.publishProduct(externalId),
    updateVariantPrices: (prices) => publishing.updateVariantPrices(prices),
    readInventory: (refs) => readInventory(shopify, location, refs),
    readAllInventory: () => readAllInventory(shopify, () => location.get(), { fetch: deps.fetch }),
    writeInventory: (writes) => writeInventory(shopify, location, writes),
    listChangedOrders: (changed) => listChangedOrders(shopify, changed),
    findOrderByReference: (ref) => findOrderByReference(shopify, ref),
    createOrder: (input) => createOrder(shopify, input),
    listFulfillments: (orderId) => listFulfillments(shopify, orderId),
    createFulfillment: (input) => createFulfillment(shopify, input),
    findCustomer: (query) => findCustomer(shopify, query),
    createCustomer: (input) => createCustomer(shopify, input),
    async verifyWebhook(headers, rawBody) {
      const { webhookSecret, apiSecret } = await deps.credentials.get();
      const secret = webhookSecret ?? apiSecret;
      if (!secret) throw Invalid('No Shopify app secret is stored to verify webhooks with', undefined, { connectorId: 'shopify' });
      return verifyShopifyWebhook(headers, rawBody, secret);
    },
  };
}

export default defineConnector({ manifest, create: (config, deps) => createShopifyConnector(config, deps) });
