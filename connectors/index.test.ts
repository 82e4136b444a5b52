import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ConnectorModule } from './sdk/connector.ts';
import { connectorFor, connectorModules, listConnectors } from './index.ts';
import { configFormFields } from './sdk/manifest.ts';

const here = dirname(fileURLToPath(import.meta.url));

describe('when Tandem boots with the installed connectors', () => {
  it('registers Shopify with a valid manifest and its settings form', () => {
    expect(listConnectors().map((m) => m.manifest.id)).toContain('shopify');
    const shopify = connectorFor('shopify', 'inventory.write');
    expect(configFormFields(shopify.manifest).map((f) => [f.name, f.type, f.required])).toEqual([
      ['shop', 'text', true],
      ['locationId', 'text', false],
      ['clientId', 'text', false],
    ]);
  });

  // connectors/index.ts lists the plugins with static imports, as the Vite server build needs (a
  // folder scan at run time would find no .ts files in build/). Adding a platform is a folder with
  // manifest.ts and index.ts plus its import line there; this test names any folder left out.
  it('registers every connector folder, each by its own default export', async () => {
    const folders = readdirSync(here).filter((d) => d !== 'sdk' && statSync(join(here, d)).isDirectory() && existsSync(join(here, d, 'manifest.ts')));
    const missing: string[] = [];
    for (const folder of folders) {
      const module = ((await import(pathToFileURL(join(here, folder, 'index.ts')).href)) as { default?: ConnectorModule }).default;
      if (!module || !connectorModules.includes(module)) missing.push(`connectors/${folder}: add "import ${folder} from './${folder}/index.ts'" to connectors/index.ts`);
    }
    expect(missing).toEqual([]);
    expect(connectorModules).toHaveLength(folders.length);
  });
});
