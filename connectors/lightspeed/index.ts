// The Lightspeed Retail (X-Series) connector: catalog, stock, sales and customers over REST.
import { defineConnector, type Connector, type ConnectorDeps } from '../sdk/connector.ts';
import { findVariantsBySku, listChangedProducts, listChangedVariants } from './catalog.ts';
import { LightspeedClient } from './client.ts';
import { createCustomer, findCustomer } from './customers.ts';
import { readInventory, writeInventory } from './inventory.ts';
import { manifest, type LightspeedConfig } from './manifest.ts';
import { Outlet } from './outlet.ts';
import { Sales } from './sales.ts';

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
    findCustomer: (query) => findCustomer(ls, query),
    createCustomer: (input) => createCustomer(ls, input),
  };
}

export default defineConnector({ manifest, create: (config, deps) => createLightspeedConnector(config, deps) });
