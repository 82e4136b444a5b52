import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { unlimitedBudget } from './budget.ts';
import { defineConnector, memoryCredentials, requireCapability, silentLogger, type ConnectorModule } from './connector.ts';
import { ConnectorError } from './errors.ts';
import { configFormFields } from './manifest.ts';
import { createRegistry } from './registry.ts';

const fakeStore = defineConnector({
  manifest: {
    id: 'fake-store',
    name: 'Fake Store',
    logo: '/connectors/fake-store.svg',
    authKind: 'api_key',
    configSchema: z.object({
      storeUrl: z.url().meta({ title: 'Store URL', examples: ['https://shop.example.com'] }),
      apiKey: z.string().min(1).meta({ secret: true, description: 'From Settings → API' }),
      region: z.enum(['eu', 'us']).default('eu'),
      pageSize: z.number().int().optional(),
      sandbox: z.boolean().default(false),
    }),
    capabilities: ['inventory.read'],
    rateLimit: { kind: 'fixed-window', capacity: 60, windowMs: 60_000, unit: 'call', source: 'https://example.com/limits' },
    docsUrl: 'https://example.com/docs',
  },
  create: () => ({
    id: 'fake-store',
    capabilities: new Set(['inventory.read'] as const),
    readInventory: async () => [],
  }),
});

function withManifest(patch: Record<string, unknown>): ConnectorModule {
  return { ...fakeStore, manifest: { ...fakeStore.manifest, ...patch } } as ConnectorModule;
}

describe('when registering connectors', () => {
  it('lists and returns each valid module by id', () => {
    const registry = createRegistry([fakeStore]);
    expect(registry.listConnectors().map((m) => m.manifest.id)).toEqual(['fake-store']);
    expect(registry.getConnector('fake-store')).toBe(fakeStore);
    expect(registry.connectorFor('fake-store', 'inventory.read')).toBe(fakeStore);
  });

  it.each([
    [{ capabilities: ['inventory.teleport'] }, 'capabilities.0'],
    [{ rateLimit: { kind: 'token-bucket', capacity: 40, unit: 'call', source: 'https://x.example' } }, 'rateLimit'],
    [{ logo: 'ftp://logo' }, 'logo'],
    [{ configSchema: { storeUrl: 'string' } }, 'configSchema'],
    [{ docsUrl: 'see the wiki' }, 'docsUrl'],
  ])('fails at boot naming the connector when the manifest has %j', (patch, path) => {
    expect(() => createRegistry([withManifest(patch)])).toThrow(new RegExp(`^Connector "fake-store" has an invalid manifest: .*${path.replace('.', '\\.')}`));
  });

  it('refuses two connectors with one id', () => {
    expect(() => createRegistry([fakeStore, fakeStore])).toThrow('Connector "fake-store" is registered twice');
  });

  it('answers not_found for an uninstalled connector and capability_missing for an undeclared capability', () => {
    const registry = createRegistry([fakeStore]);
    expect(() => registry.getConnector('woocommerce')).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => registry.connectorFor('fake-store', 'orders.write')).toThrow(
      expect.objectContaining({ code: 'capability_missing', message: 'Connector "fake-store" does not support orders.write' }),
    );
  });
});

describe('when the engine asks a connector for a capability', () => {
  const connector = fakeStore.create(
    { storeUrl: 'https://a.example', apiKey: 'k', region: 'eu', sandbox: false },
    { budget: unlimitedBudget, credentials: memoryCredentials({}), logger: silentLogger },
  );

  it('returns the connector when it declares and implements it', async () => {
    await expect(requireCapability(connector, 'inventory.read').readInventory([])).resolves.toEqual([]);
  });

  it('throws capability_missing naming the connector and the capability', () => {
    let thrown: unknown;
    try {
      requireCapability(connector, 'inventory.write');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConnectorError);
    expect((thrown as ConnectorError).toJSON()).toMatchObject({
      code: 'capability_missing',
      message: 'Connector "fake-store" does not support inventory.write',
      connectorId: 'fake-store',
      details: { capability: 'inventory.write', missingMethods: ['writeInventory'] },
    });
  });
});

describe('when the marketplace renders a connector’s settings', () => {
  it('turns the config schema into form fields, secrets as passwords', () => {
    expect(configFormFields(fakeStore.manifest)).toEqual([
      { name: 'storeUrl', label: 'Store URL', type: 'url', required: true, placeholder: 'https://shop.example.com' },
      { name: 'apiKey', label: 'Api key', type: 'password', required: true, description: 'From Settings → API' },
      { name: 'region', label: 'Region', type: 'select', required: false, options: ['eu', 'us'], defaultValue: 'eu' },
      { name: 'pageSize', label: 'Page size', type: 'number', required: false },
      { name: 'sandbox', label: 'Sandbox', type: 'boolean', required: false, defaultValue: false },
    ]);
  });
});

describe('when two workers refresh a rotating token at once', () => {
  it('applies the updates one after the other on the latest value', async () => {
    const store = memoryCredentials({ refreshToken: 'r0' });
    const rotate = (c: { refreshToken?: string }) => ({ ...c, refreshToken: `r${Number(c.refreshToken?.slice(1)) + 1}` });
    await Promise.all([store.update(rotate), store.update(rotate), store.update(rotate)]);
    expect((await store.get()).refreshToken).toBe('r3');
  });
});
