// shopify.app.toml and the code must agree: every subscription is handled by the route it names,
// and the scopes Shopify installs with are the scopes the app asks for.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.server.ts';
import { SHOPIFY_API_VERSION } from './shopify.server.ts';

const toml = readFileSync(new URL('../shopify.app.toml', import.meta.url), 'utf8');

/** Each `# Handled by:` comment with the subscription block under it. */
const subscriptions = toml
  .split(/\n(?=[ \t]*# Handled by:)/)
  .slice(1)
  .map((block) => ({
    route: /# Handled by: (\S+)/.exec(block)![1],
    uri: /uri = "([^"]+)"/.exec(block)![1],
    topics: /topics = \[([^\]]+)\]/.exec(block)![1],
  }));

/** Remix flat routes: `webhooks.orders.create.tsx` serves `/webhooks/orders/create`. */
function pathOf(route: string) {
  return '/' + route.replace(/^app\/routes\//, '').replace(/\.tsx$/, '').replaceAll('.', '/');
}

describe('when shopify.app.toml subscribes to webhooks', () => {
  it('subscribes to every topic the sync engine needs', () => {
    const topics = subscriptions.flatMap((s) => s.topics.split(',').map((t) => t.trim().replaceAll('"', '')));
    expect(topics.sort()).toEqual(
      [
        'orders/create',
        'orders/updated',
        'products/update',
        'inventory_levels/update',
        'fulfillments/create',
        'bulk_operations/finish',
        'app/uninstalled',
        'customers/data_request',
        'customers/redact',
        'shop/redact',
      ].sort(),
    );
  });

  it.each(subscriptions.map((s) => [s.uri, s.route]))('sends %s to %s, which exists and serves that path', (uri, route) => {
    expect(existsSync(new URL(`../${route}`, import.meta.url))).toBe(true);
    expect(pathOf(route)).toBe(uri);
  });

  it('uses the API version the app calls with', () => {
    expect(toml).toContain(`api_version = "${SHOPIFY_API_VERSION}"`);
  });
});

describe('when Shopify installs the app', () => {
  it('grants exactly the default scopes the app requests', () => {
    const granted = /^scopes = "([^"]+)"/m.exec(toml)![1];
    expect(granted).toBe(parseEnv({}).SCOPES);
  });
});
