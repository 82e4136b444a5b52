// The Lightspeed Retail (X-Series) connector: catalog, stock, sales, their fulfilments, customers and
// signed webhooks over REST.
import { defineConnector, type Connector, type ConnectorDeps } from '../sdk/connector.ts';
import { Invalid } from '../sdk/errors.ts';
import { findVariantsBySku, listChangedProducts, listChangedVariants } from './catalog.ts';
import { LightspeedClient } from './client.ts';
import { createCustomer, findCustomer } from './customers.ts';
import { listFulfillments } from './fulfillments.ts';
import { readInventory, writeInventory } from './inventory.ts';
import { manifest, type LightspeedConfig } from './manifest.ts';
import { lightspeedOAuth } from './oauth.ts';
import { Outlet } from './outlet.ts';
import { Sales } from './sales.ts';
import { verifyLightspeedWebhook } from './webhooks.ts';

export function createLightspeedConnector(config: LightspeedConfig, deps: ConnectorDeps): Connector {
  const ls = new LightspeedClient({
    domainPrefix: config.domainPrefix,
    clientId: config.clientId,
    credentials: deps.credentials,
    budget: deps.budget,
    logger: deps.logger,
    fetch: deps.fetch,
    baseUrlOverride: deps.baseUrlOverride,
  });
  const outlet = new Outlet(ls, config);
  const sales = new Sales(ls, outlet, config.currency);
  return {
    id: manifest.id,
    capabilities: new Set(manifest.capabilities),
    listChangedProducts: (changed) => listChangedProducts(ls, changed),
    listChangedVariants: (changed) => listChangedVariants(ls, changed),
    findVariantsBySku: (skus) => findVariantsBySku(ls, skus),
    readInventory: (refs) => readInventory(ls, outlet, refs),
    writeInventory: (writes) => writeInventory(ls, outlet, writes, { customReasonId: config.adjustmentReasonId }),
    listChangedOrders: (changed) => sales.listChangedOrders(changed),
    findOrderByReference: (ref) => sales.findOrderByReference(ref),
    createOrder: (input) => sales.createOrder(input),
    listFulfillments: (saleId) => listFulfillments(ls, sales, saleId),
    findCustomer: (query) => findCustomer(ls, query),
    createCustomer: (input) => createCustomer(ls, input),
    async verifyWebhook(headers, rawBody) {
      // X-Series signs deliveries with the app's client secret.
      const { webhookSecret, apiSecret } = await deps.credentials.get();
      const secret = webhookSecret ?? apiSecret;
      if (!secret) throw Invalid('No Lightspeed client secret is stored to verify webhooks with', undefined, { connectorId: manifest.id });
      return verifyLightspeedWebhook(headers, rawBody, secret, config.domainPrefix);
    },
  };
}

export default defineConnector({ manifest, create: (config, deps) => createLightspeedConnector(config, deps), oauth: lightspeedOAuth });
