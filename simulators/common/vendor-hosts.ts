// The outside world, local: a fetch that sends each vendor's real host to the simulator standing in
// for it, so Tandem's connectors keep their production URLs (no per-connection override) in the
// demo and in tests. Anything else (the simulators themselves, the app) passes through untouched.
//   https://{shop}.myshopify.com/admin/...      -> {shopify}/store/{shop}.myshopify.com/admin/...
//   https://api.xero.com/..., https://identity.xero.com/... -> {xero}/...

export interface SimulatedVendors {
  shopify?: string;
  xero?: string;
}

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

/** Where `url` goes when the vendors are simulated; unchanged when no simulator stands in for its host. */
export function simulatedUrl(vendors: SimulatedVendors, url: string): string {
  const target = new URL(url);
  if (target.protocol !== 'https:') return url;
  const root = (origin: string) => origin.replace(/\/+$/, '');
  if (vendors.shopify && SHOP_HOST.test(target.hostname)) return `${root(vendors.shopify)}/store/${target.hostname}${target.pathname}${target.search}`;
  if (vendors.xero && (target.hostname === 'api.xero.com' || target.hostname === 'identity.xero.com')) return `${root(vendors.xero)}${target.pathname}${target.search}`;
  return url;
}

/** A fetch for connectors (SyncContextOptions.fetch): same contract as the global one. */
export function fetchThroughSimulators(vendors: SimulatedVendors, upstream: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    if (input instanceof Request) {
      const to = simulatedUrl(vendors, input.url);
      return upstream(to === input.url ? input : new Request(to, input), init);
    }
    return upstream(simulatedUrl(vendors, input instanceof URL ? input.href : input), init);
  };
}
