// The WooCommerce connector: REST API wc/v3 over the SDK's HTTP layer, one site per connection.
import { defineConnector, type Connector, type ConnectorDeps } from '../sdk/connector.ts';
import { Invalid } from '../sdk/errors.ts';
import { findVariantsBySku, listChangedProducts, listChangedVariants } from './catalog.ts';
import { WooClient } from './client.ts';
import { createCustomer, findCustomer } from './customers.ts';
import { readInventory, writeInventory } from './inventory.ts';
import { manifest, WooConfig } from './manifest.ts';
import { createFulfillment, createOrder, findOrderByReference, listChangedOrders, listFulfillments } from './orders.ts';
import { verifyWooWebhook } from './webhooks.ts';

export function createWooConnector(input: WooConfig, deps: ConnectorDeps): Connector {
  const config = WooConfig.parse(input);
  const woo = new WooClient(config, deps);
  return {
    id: manifest.id,
    capabilities: new Set(manifest.capabilities),
    listChangedProducts: (changed) => listChangedProducts(woo, changed),
    listChangedVariants: (changed) => listChangedVariants(woo, changed),
    findVariantsBySku: (skus) => findVariantsBySku(woo, skus),
    readInventory: (refs) => readInventory(woo, refs),
    writeInventory: (writes) => writeInventory(woo, writes),
    listChangedOrders: (changed) => listChangedOrders(woo, changed),
    findOrderByReference: (reference) => findOrderByReference(woo, reference, config.orderLookbackDays),
    createOrder: (order) => createOrder(woo, order, config.orderLookbackDays),
    listFulfillments: (orderId) => listFulfillments(woo, orderId),
    createFulfillment: (fulfillment) => createFulfillment(woo, fulfillment),
    findCustomer: (query) => findCustomer(woo, query),
    createCustomer: (customer) => createCustomer(woo, customer),
    async verifyWebhook(headers, rawBody) {
      const { webhookSecret } = await deps.credentials.get();
      if (!webhookSecret) throw Invalid('No WooCommerce webhook secret is stored to verify webhooks with', undefined, { connectorId: 'woocommerce' });
      return verifyWooWebhook(headers, rawBody, webhookSecret);
    },
  };
}

export default defineConnector({ manifest, create: (config, deps) => createWooConnector(config, deps) });
