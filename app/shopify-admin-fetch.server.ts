// Demo and tests: send every Shopify Admin call (token exchange, GraphQL, REST) to the Shopify
// simulator instead of the real shop. @shopify/shopify-api makes all of its HTTP calls through one
// replaceable function, `abstractFetch` (set by its runtime adapter, `setAbstractFetchFunc` in
// `@shopify/shopify-api/runtime`): wrapping it is the library's own seam, so the real token
// exchange, session and GraphQL client code runs unchanged against the simulator.
import { abstractFetch, setAbstractFetchFunc } from '@shopify/shopify-api/runtime';

/** Hosts that are a shop's Admin API (the domains @shopify/shopify-api's sanitizeShop accepts). */
const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.(myshopify\.com|myshopify\.io|shop\.dev)$/i;

/**
 * `https://{shop}/admin/...` becomes `${origin}/store/{shop}/admin/...` (the simulator's path
 * scheme). Any other URL is returned unchanged.
 */
export function simulatorUrlFor(origin: string, url: string): string {
  const target = new URL(url);
  if (target.protocol !== 'https:' || !SHOP_HOST.test(target.hostname)) return url;
  const base = origin.replace(/\/+$/, '');
  return `${base}/store/${target.hostname}${target.pathname}${target.search}`;
}

export class AdminOriginRefused extends Error {
  constructor() {
    super('SHOPIFY_ADMIN_ORIGIN reroutes Shopify Admin calls to a simulator; it is refused in production.');
    this.name = 'AdminOriginRefused';
  }
}

/** The fetch the runtime adapter installed, kept so a second call replaces rather than stacks. */
let adapterFetch: typeof abstractFetch | undefined;

/**
 * Reroutes the library's Shopify calls to `origin`. Call after `@shopify/shopify-app-remix` has
 * loaded (its web-api adapter sets the plain fetch on import). Calling again replaces the origin.
 */
export function routeShopifyAdminCallsTo(origin: string, nodeEnv: string) {
  if (nodeEnv === 'production') throw new AdminOriginRefused();
  adapterFetch ??= abstractFetch;
  const upstream = adapterFetch;
  setAbstractFetchFunc((input, init) => {
    if (input instanceof Request) return upstream(new Request(simulatorUrlFor(origin, input.url), input), init);
    return upstream(simulatorUrlFor(origin, input instanceof URL ? input.href : input), init);
  });
}
