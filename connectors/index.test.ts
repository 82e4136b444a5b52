import { describe, expect, it } from 'vitest';
import { connectorFor, listConnectors } from './index.ts';
import { configFormFields } from './sdk/manifest.ts';

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
});
