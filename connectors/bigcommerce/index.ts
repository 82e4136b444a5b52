// The BigCommerce connector: v3 catalog/inventory/customers and v2 orders/shipments over the
// SDK's HTTP layer, one store per connection.
import { defineConnector, type Connector, type ConnectorDeps } from '../sdk/connector.ts';
import { Invalid } from '../sdk/errors.ts';
import { findVariantsBySku, listChangedProducts, listChangedVariants } from './catalog.ts';
import { BigCommerceClient } from './client.ts';
import { findCustomer } from './customers.ts';
import { readInventory, writeInventory } from './inventory.ts';
import { BigCommerceConfig, manifest } from './manifest.ts';
import { createFulfillment, createOrder, findOrderByReference, listChangedOrders, listFulfillments } from './orders.ts';
import { verifyBigCommerceWebhook } from './webhooks.ts';

export function createBigCommerceConnector(input: BigCommerceConfig, deps: ConnectorDeps): Connector {
  const config = BigCommerceConfig.parse(input);
  const bc = new BigCommerceClient(config, deps);
  return {
    id: manifest.id,
    capabilities: new Set(manifest.capabilities),
    listChangedProducts: (changed) => listChangedProducts(bc, changed),
    listChangedVariants: (changed) => listChangedVariants(bc, changed),
    findVariantsBySku: (skus) => findVariantsBySku(bc, skus),
    readInventory: (refs) => readInventory(bc, refs),
    writeInventory: (writes) => writeInventory(bc, writes),
    listChangedOrders: (changed) => listChangedOrders(bc, changed),
    findOrderByReference: (reference) => findOrderByReference(bc, reference),
    createOrder: (order) => createOrder(bc, order),
    listFulfillments: (orderId) => listFulfillments(bc, orderId),
    createFulfillment: (fulfillment) => createFulfillment(bc, fulfillment),
    findCustomer: (query) => findCustomer(bc, query),
    async verifyWebhook(headers, rawBody) {
      const { webhookSecret } = await deps.credentials.get();
      if (!webhookSecret) throw Invalid('No BigCommerce webhook token is stored to verify callbacks with', undefined, { connectorId: 'bigcommerce' });
      return verifyBigCommerceWebhook(headers, rawBody, webhookSecret, config.storeHash);
    },
  };
}

export default defineConnector({ manifest, create: (config, deps) => createBigCommerceConnector(config, deps) });
