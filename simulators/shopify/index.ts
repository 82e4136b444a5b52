// startShopifySimulator: a real HTTP server standing in for Shopify (Admin GraphQL 2026-10,
// token exchange, webhooks, bulk operations) for tests, the demo and benchmarks.
import { createSimulatorBase, listen, type RunningSimulator } from '../common/server.ts';
import type { WebhookSenderOptions } from '../common/webhooks.ts';
import type { ShopInput } from './catalog.ts';
import type { Sim } from './context.ts';
import { ShopifyControl } from './control.ts';
import { mountControlRoutes } from './control-routes.ts';
import { APP_BRIDGE_PATH, mountAdminRoutes } from './admin.ts';
import { adminSchema, API_VERSION } from './schema.ts';
import { mountShopifyRoutes, shopifyErrorBody } from './server.ts';
import { createState, type AppConfig } from './state.ts';
import { ShopifyWebhooks } from './webhooks.ts';

export interface ShopifySimulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Added to every Shopify call; tests pass 0. Default 50 or SIM_LATENCY_MS. */
  latencyMs?: number;
  /** The app: client id/secret (session tokens and webhook HMAC), scopes, URL, webhook subscriptions. */
  app?: Partial<AppConfig>;
  /** Shops to create at start (also after /_control/reset). */
  shops?: ShopInput[];
  /** How long a bulk operation runs before it completes. Default 50 ms. */
  bulkDelayMs?: number;
  /** Webhook retry policy; default 9 attempts, 50 ms × 2^n backoff, 5 s timeout. */
  webhookDelivery?: WebhookSenderOptions;
}

export interface ShopifySimulator extends RunningSimulator, Omit<ShopifyControl, 'reset'> {
  sim: Sim;
  /** Admin GraphQL URL of a shop: `{url}/store/{shop}/admin/api/2026-10/graphql.json`. */
  graphqlUrl(shop: string): string;
  /** `{url}/store/{shop}` — the stand-in for `https://{shop}`. */
  shopUrl(shop: string): string;
  /** The simulated admin page that shows the app embedded for `shop` (open it in a browser). */
  adminAppUrl(shop: string): string;
  /** The App Bridge stand-in (the app's script in demo and test mode). */
  appBridgeUrl: string;
  control: ShopifyControl;
  /** Shop helpers grouped: `sim.shops.create({ domain })` is `sim.createShop({ domain })`. */
  shops: {
    create: ShopifyControl['createShop'];
    list: ShopifyControl['listShops'];
    get(domain: string): ReturnType<ShopifyControl['shopSummary']>;
  };
  faults: ReturnType<typeof createSimulatorBase>['faults'];
  lostResponses: ReturnType<typeof createSimulatorBase>['lostResponses'];
  clock: Sim['clock'];
  reset(): void;
}

export async function startShopifySimulator(options: ShopifySimulatorOptions = {}): Promise<ShopifySimulator> {
  adminSchema();
  const base = createSimulatorBase(shopifyErrorBody, { latencyMs: options.latencyMs });
  const state = createState(options.app);
  let url = '';
  const sim: Sim = {
    state,
    clock: base.clock,
    buckets: new Map(),
    webhooks: new ShopifyWebhooks(state, base.clock, options.webhookDelivery),
    initialApp: { ...state.app, webhooks: [...state.app.webhooks] },
    bulkDelayMs: options.bulkDelayMs ?? 50,
    baseUrl: () => url,
    timers: new Set(),
  };
  const control = new ShopifyControl(sim);
  const seed = () => {
    for (const shop of options.shops ?? []) control.createShop(shop);
  };
  seed();
  base.onReset(() => {
    control.reset();
    seed();
  });
  mountAdminRoutes(base.app, sim, control);
  mountControlRoutes(base.app, control);
  mountShopifyRoutes(base.app, sim);
  const running = await listen(base.app, options.port ?? 0);
  url = running.url;

  const api = Object.create(control) as ShopifySimulator;
  return Object.assign(api, {
    url: running.url,
    port: running.port,
    sim,
    control,
    shops: {
      create: (input: ShopInput) => control.createShop(input),
      list: () => control.listShops(),
      get: (domain: string) => control.shopSummary(control.shop(domain)),
    },
    faults: base.faults,
    lostResponses: base.lostResponses,
    clock: base.clock,
    graphqlUrl: (shop: string) => `${running.url}/store/${shop}/admin/api/${API_VERSION}/graphql.json`,
    shopUrl: (shop: string) => `${running.url}/store/${shop}`,
    adminAppUrl: (shop: string) => `${running.url}/store/${shop}/admin/apps/${encodeURIComponent(state.app.clientId)}`,
    appBridgeUrl: `${running.url}${APP_BRIDGE_PATH}`,
    reset: () => {
      base.faults.clear();
      base.lostResponses.clear();
      base.clock.reset();
      control.reset();
      seed();
    },
    close: async () => {
      control.reset();
      await running.close();
    },
  });
}

export { ShopifyControl, UnknownOrder, UnknownShop, UnknownSku, type InventoryRow, type ShipmentTracking, type StorefrontOrder } from './control.ts';
export { mintSessionToken, signJwt, verifySessionToken } from './oauth.ts';
export { APP_BRIDGE_PATH, APP_BRIDGE_STAND_IN } from './admin.ts';
export { signWebhook, TOPICS } from './webhooks.ts';
export { adminSchema, API_VERSION } from './schema.ts';
export { PLAN_BUCKETS, type AppConfig, type PlanName, type WebhookSubscription } from './state.ts';
export type { ShopInput, SeedProduct } from './catalog.ts';
