// The demo's outside world: the platforms Tandem's merchants use, each a local simulator seeded as
// the merchants would have set themselves up before installing Tandem. Nothing here touches
// Tandem's database; merchants and platforms act only through the simulators' control APIs.
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { startStripeSimulator } from '../../simulators/stripe/index.ts';
import { startWooCommerceSimulator, type WooCommerceSimulator } from '../../simulators/woocommerce/index.ts';
import { startXeroSimulator, type XeroSimulator } from '../../simulators/xero/index.ts';

export const ACME = { domain: 'acme-wholesale.myshopify.com', name: 'Acme Wholesale', email: 'owner@acme.example', ianaTimezone: 'America/New_York', currencyCode: 'USD' };
export const CORNER = { domain: 'corner-store.myshopify.com', name: 'Corner Store', email: 'owner@corner.example', ianaTimezone: 'Europe/London', currencyCode: 'USD' };
export const HARBOR = { domain: 'harbor-goods.myshopify.com', name: 'Harbor Goods', email: 'owner@harbor.example', ianaTimezone: 'Australia/Sydney', currencyCode: 'USD' };
/** A supplier whose catalog lives on WooCommerce; it installs Tandem from its Shopify admin. */
export const LOOM = { domain: 'loom-and-thread.myshopify.com', name: 'Loom & Thread', email: 'owner@loom.example', ianaTimezone: 'America/Chicago', currencyCode: 'USD' };
export const SHOPS = [ACME, CORNER, HARBOR, LOOM];

export type StripeSimulator = Awaited<ReturnType<typeof startStripeSimulator>>;

export interface World {
  shopify: ShopifySimulator;
  woo: WooCommerceSimulator;
  wooSite: { id: string; consumerKey: string; consumerSecret: string; url: string };
  xero: XeroSimulator;
  stripe: StripeSimulator;
  /** Acme's Stripe account and its secret key (what Acme pastes into Tandem). */
  acmeStripe: { accountId: string; secretKey: string };
  /** The official Stripe client pointed at the simulator. */
  stripeFor(secretKey: string): Stripe;
  close(): Promise<void>;
}

/**
 * The webhook subscriptions of shopify.app.toml, as `shopify app deploy` registers them: each
 * topic to the app's URL plus the subscription's path (compliance topics are not simulated).
 */
export function appWebhookSubscriptions(appUrl: string, toml = readFileSync(new URL('../../shopify.app.toml', import.meta.url), 'utf8')) {
  return toml
    .split('[[webhooks.subscriptions]]')
    .slice(1)
    .map((block) => ({ topics: /^\s*topics = \[([^\]]+)\]/m.exec(block)?.[1], uri: /^\s*uri = "([^"]+)"/m.exec(block)?.[1] }))
    .filter((s): s is { topics: string; uri: string } => Boolean(s.topics && s.uri))
    .map((s) => ({ topics: s.topics.split(',').map((t) => t.trim().replaceAll('"', '')), uri: new URL(s.uri, appUrl).href }));
}

export async function startWorld(app: { clientId: string; clientSecret: string; appUrl: string; scopes: string }): Promise<World> {
  const shopify = await startShopifySimulator({ app, shops: SHOPS });
  shopify.setWebhookSubscriptions(appWebhookSubscriptions(app.appUrl));
  // Acme sells on Shopify: the catalog its retailers will carry.
  shopify.seedProducts(ACME.domain, [
    {
      title: 'Canvas Tote',
      vendor: 'Acme',
      descriptionHtml: '<p>Heavy cotton canvas, natural or black.</p>',
      variants: [
        { sku: 'TOTE-NAT', title: 'Natural', price: '12.00', available: 40 },
        { sku: 'TOTE-BLK', title: 'Black', price: '12.00', available: 25 },
      ],
    },
    { title: 'Enamel Mug', vendor: 'Acme', descriptionHtml: '<p>Enamel camp mug, 350 ml.</p>', variants: [{ sku: 'MUG-WHT', price: '6.50', available: 120 }] },
    { title: 'Linen Apron', vendor: 'Acme', descriptionHtml: '<p>Washed linen apron.</p>', variants: [{ sku: 'APRON-OAT', price: '22.00', available: 18 }] },
  ]);

  // Loom & Thread sells on WooCommerce.
  const woo = await startWooCommerceSimulator();
  const site = woo.createSite({ id: 'loom-and-thread' });
  woo.seedProduct(site.id, { name: 'Wool Throw', sku: 'THROW-GRY', regular_price: '48.00', stock_quantity: 12 });
  woo.seedProduct(site.id, {
    name: 'Linen Shirt',
    sku: 'SHIRT',
    attributes: [{ id: 0, name: 'Size', options: ['S', 'M'], variation: true, visible: true }],
    variations: [
      { sku: 'SHIRT-S', regular_price: '40.00', stock_quantity: 5, attributes: [{ id: 0, name: 'Size', option: 'S' }] },
      { sku: 'SHIRT-M', regular_price: '42.00', stock_quantity: 7, attributes: [{ id: 0, name: 'Size', option: 'M' }] },
    ],
  });

  // Acme keeps its books in Xero and takes payments with Stripe; Corner Store keeps a card on file
  // with Acme (a customer of Acme's Stripe account, found by the retailer's email).
  const xero = await startXeroSimulator();
  const acmeStripe = { accountId: 'acct_acme_wholesale', secretKey: 'sk_test_acme_wholesale_demo' };
  const stripe = await startStripeSimulator({ accounts: [acmeStripe].map((a) => ({ id: a.accountId, secretKey: a.secretKey })) });
  const stripeFor = (secretKey: string) => new Stripe(secretKey, { host: '127.0.0.1', port: stripe.port, protocol: 'http', maxNetworkRetries: 0 });
  await stripeFor(acmeStripe.secretKey).customers.create({
    email: CORNER.email,
    name: CORNER.name,
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });

  return {
    shopify,
    woo,
    wooSite: { id: site.id, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret, url: `${woo.url}/sites/${site.id}` },
    xero,
    stripe,
    acmeStripe,
    stripeFor,
    async close() {
      await Promise.all([shopify.close(), woo.close(), xero.close(), stripe.close()]);
    },
  };
}

/** A merchant or platform action through a simulator's control API. */
export async function control<T>(base: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${body === undefined ? 'GET' : 'POST'} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
