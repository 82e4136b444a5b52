// The registry: every connector module, validated once. A bad manifest fails at boot naming the
// connector, rather than at 2 a.m. in a worker.
import type { Capability } from './capabilities.ts';
import { ConnectorError } from './errors.ts';
import type { ConnectorModule } from './connector.ts';
import { ConnectorManifestSchema } from './manifest.ts';

export interface ConnectorRegistry {
  /** Throws `not_found` for an unknown id (a Connection row naming a removed plugin). */
  getConnector(id: string): ConnectorModule;
  listConnectors(): ConnectorModule[];
  /** The module for `id`, or `capability_missing` when its manifest does not list `capability`. */
  connectorFor(id: string, capability: Capability): ConnectorModule;
}

export class ManifestError extends Error {
  readonly name = 'ManifestError';
}

export function createRegistry(modules: ConnectorModule[]): ConnectorRegistry {
  const byId = new Map<string, ConnectorModule>();
  modules.forEach((module, index) => {
    const id = typeof module?.manifest?.id === 'string' ? module.manifest.id : `#${index}`;
    const parsed = ConnectorManifestSchema.safeParse(module?.manifest);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(manifest)'}: ${i.message}`).join('; ');
      throw new ManifestError(`Connector "${id}" has an invalid manifest: ${issues}`, { cause: parsed.error });
    }
    if (typeof module.create !== 'function') throw new ManifestError(`Connector "${id}" exports no create(config, deps)`);
    if (byId.has(id)) throw new ManifestError(`Connector "${id}" is registered twice`);
    byId.set(id, module);
  });

  function getConnector(id: string): ConnectorModule {
    const module = byId.get(id);
    if (!module) {
      throw new ConnectorError('not_found', `No connector "${id}" is installed`, {
        connectorId: id,
        merchantMessage: `The ${id} connector is not installed in this Tandem. Remove the connection or reinstall the connector.`,
      });
    }
    return module;
  }

  return {
    getConnector,
    listConnectors: () => [...byId.values()],
    connectorFor(id, capability) {
      const module = getConnector(id);
      if (!module.manifest.capabilities.includes(capability)) {
        throw new ConnectorError('capability_missing', `Connector "${id}" does not support ${capability}`, {
          connectorId: id,
          merchantMessage: `${module.manifest.name} cannot do ${capability}. Choose a connector that lists it, or turn that sync off.`,
          details: { capability },
        });
      }
      return module;
    },
  };
}
