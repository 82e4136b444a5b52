// The Xero connector: customers (contacts) and sales invoices through the official xero-node client.
import { defineConnector, type Connector, type ConnectorDeps } from '../sdk/connector.ts';
import { XeroClient } from './client.ts';
import { createCustomer, findCustomer } from './customers.ts';
import { findInvoiceByReference, postInvoice } from './invoices.ts';
import { manifest, type XeroConfig } from './manifest.ts';
import { xeroOAuth } from './oauth.ts';

export function createXeroConnector(config: XeroConfig, deps: ConnectorDeps): Connector {
  const xero = new XeroClient({
    tenantId: config.tenantId,
    clientId: config.clientId,
    credentials: deps.credentials,
    budget: deps.budget,
    logger: deps.logger,
    fetch: deps.fetch,
    baseUrlOverride: deps.baseUrlOverride,
  });
  return {
    id: manifest.id,
    capabilities: new Set(manifest.capabilities),
    findCustomer: (query) => findCustomer(xero, query),
    createCustomer: (input) => createCustomer(xero, input),
    postInvoice: (input, idempotencyKey) => postInvoice(xero, config, input, idempotencyKey),
    findInvoiceByReference: (reference) => findInvoiceByReference(xero, reference),
  };
}

export default defineConnector({ manifest, create: (config, deps) => createXeroConnector(config, deps), oauth: xeroOAuth });
