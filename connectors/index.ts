// Every installed connector. Adding a platform = a folder with manifest.ts + index.ts (default
// export { manifest, create }) and one line here; the registry validates each manifest at boot.
// Static imports on purpose: the Vite server build bundles them, where a folder scan at run time
// would find no .ts files. index.test.ts names a folder left out; the engine needs no edit
// (test/architecture.test.ts keeps it on the registry).
import { createRegistry } from './sdk/registry.ts';
import type { ConnectorModule } from './sdk/connector.ts';
import bigcommerce from './bigcommerce/index.ts';
import lightspeed from './lightspeed/index.ts';
import shopify from './shopify/index.ts';
import woocommerce from './woocommerce/index.ts';
import xero from './xero/index.ts';

export const connectorModules: ConnectorModule[] = [shopify, woocommerce, xero, bigcommerce, lightspeed];

export const registry = createRegistry(connectorModules);
export const { getConnector, listConnectors, connectorFor } = registry;
