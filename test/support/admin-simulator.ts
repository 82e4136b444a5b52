// The Shopify simulator playing the admin for this app: it knows the app's key, secret and scopes
// (so session tokens it mints verify and token exchange works) and serves the given shops.
import { env } from '../../app/env.server.ts';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';

export interface AdminShop {
  domain: string;
  /** Defaults to the first label of the domain. */
  name?: string;
  /** IANA time zone; UTC unless a test is about time zones. */
  timezone?: string;
}

export function startAdminSimulator(shops: Array<string | AdminShop>): Promise<ShopifySimulator> {
  return startShopifySimulator({
    latencyMs: 0,
    app: { clientId: env().SHOPIFY_API_KEY, clientSecret: env().SHOPIFY_API_SECRET, scopes: env().SCOPES },
    shops: shops
      .map((s) => (typeof s === 'string' ? { domain: s } : s))
      .map((s) => ({ domain: s.domain, name: s.name ?? s.domain.split('.')[0]!, email: `owner@${s.domain}`, ianaTimezone: s.timezone ?? 'UTC' })),
  });
}
