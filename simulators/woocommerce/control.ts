// The WooCommerce simulator's control API (/_control/...): create sites with API keys, seed
// products and variations, place orders as a shopper would, read state, set a host rate limit and
// webhook delivery faults. The base adds /_control/{faults,lost-responses,latency,clock,reset}.
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { SimClock } from '../common/clock.ts';
import type { WebhookSender } from '../common/webhooks.ts';
import { createProduct, createVariation, WooError, type ProductInput } from './catalog.ts';
import { fireTopic, refreshWebhookHealth } from './events.ts';
import { createCustomer, createOrder, type CustomerInput } from './orders.ts';
import { presentOrder } from './present.ts';
import { stockBySku, type WooCommerceState, type WooOrder, type WooProduct, type WooSite } from './state.ts';

export interface SiteInput {
  id?: string;
  consumerKey?: string;
  consumerSecret?: string;
  /** Optional host limit: requests per window. */
  hostLimit?: { requests: number; windowMs: number } | null;
}

export interface SeedProductInput extends ProductInput {
  /** For a variable product: its variations (each with sku, regular_price, stock_quantity, attributes). */
  variations?: ProductInput[];
}

export interface SeedOrderInput {
  lines: { sku: string; quantity: number }[];
  email?: string;
  first_name?: string;
  last_name?: string;
  /** Default true: a paid checkout (processing, stock taken). */
  paid?: boolean;
  meta_data?: { key: string; value: unknown }[];
}

export interface WooCommerceControl {
  createSite(input?: SiteInput): WooSite;
  seedProduct(siteId: string, input: SeedProductInput): { product: WooProduct; variations: WooProduct[] };
  seedCustomer(siteId: string, input: CustomerInput): ReturnType<typeof createCustomer>;
  placeOrder(siteId: string, input: SeedOrderInput): WooOrder;
  stockBySku(siteId: string): Record<string, number | null>;
  setHostLimit(siteId: string, limit: SiteInput['hostLimit']): void;
  requestCounts(siteId: string): Record<string, number>;
  /** Base URL of a site's REST API. */
  apiBase(url: string, siteId: string): string;
}

export function wooCommerceControl(state: WooCommerceState, clock: SimClock, sender: WebhookSender, url: () => string): WooCommerceControl {
  const mustSite = (id: string) => {
    const site = state.site(id);
    if (!site) throw new WooError(404, 'sim_no_site', `No site ${id}`);
    return site;
  };
  const apiBase = (base: string, id: string) => `${base}/sites/${id}/wp-json/wc/v3`;
  return {
    createSite(input = {}) {
      const id = input.id ?? randomBytes(4).toString('hex');
      if (state.sites.has(id)) throw new WooError(409, 'sim_site_exists', `Site ${id} already exists`);
      const site: WooSite = {
        id,
        source: `${url()}/sites/${id}/`,
        consumerKey: input.consumerKey ?? `ck_${randomBytes(20).toString('hex')}`,
        consumerSecret: input.consumerSecret ?? `cs_${randomBytes(20).toString('hex')}`,
        hostLimit: input.hostLimit ?? null,
        window: { startedAtMs: clock.nowMs(), used: 0 },
        products: [],
        orders: [],
        customers: [],
        webhooks: [],
        requests: [],
      };
      state.sites.set(id, site);
      return site;
    },
    seedProduct(siteId, input) {
      const site = mustSite(siteId);
      const { variations = [], ...fields } = input;
      const type = variations.length ? 'variable' : (fields.type ?? 'simple');
      const product = createProduct(state, site, { manage_stock: type === 'simple' ? true : undefined, ...fields, type }, clock.now());
      const made = variations.map((v) => createVariation(state, site, product, { manage_stock: true, ...v }, clock.now()));
      return { product, variations: made };
    },
    seedCustomer(siteId, input) {
      return createCustomer(state, mustSite(siteId), input, clock.now());
    },
    placeOrder(siteId, input) {
      const site = mustSite(siteId);
      const order = createOrder(
        state,
        site,
        {
          set_paid: input.paid ?? true,
          billing: { email: input.email ?? 'shopper@example.com', first_name: input.first_name ?? 'Sam', last_name: input.last_name ?? 'Shopper' },
          line_items: input.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
          meta_data: input.meta_data,
        },
        clock.now(),
        'checkout',
      );
      fireTopic(state, sender, site, 'order.created', presentOrder(`${url()}/sites/${siteId}/wp-json/wc/v3`, order));
      return order;
    },
    stockBySku(siteId) {
      return stockBySku(mustSite(siteId));
    },
    setHostLimit(siteId, limit) {
      const site = mustSite(siteId);
      site.hostLimit = limit ?? null;
      site.window = { startedAtMs: clock.nowMs(), used: 0 };
    },
    requestCounts(siteId) {
      const counts: Record<string, number> = {};
      for (const r of mustSite(siteId).requests) {
        const key = `${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    apiBase,
  };
}

export function wooCommerceControlRouter(state: WooCommerceState, control: WooCommerceControl, sender: WebhookSender) {
  const router = express.Router();
  const handle = (fn: (req: Request, res: Response) => void) => (req: Request, res: Response) => {
    try {
      fn(req, res);
    } catch (err) {
      if (!(err instanceof WooError)) throw err;
      res.status(err.status).json(err.body());
    }
  };
  const site = (req: Request) => {
    const s = state.site(req.params.site);
    if (!s) throw new WooError(404, 'sim_no_site', `No site ${req.params.site}`);
    return s;
  };
  const origin = (req: Request) => `${req.protocol}://${req.get('host')}`;

  router.post(
    '/sites',
    handle((req, res) => {
      const s = control.createSite(req.body ?? {});
      res.status(201).json({ id: s.id, consumerKey: s.consumerKey, consumerSecret: s.consumerSecret, apiBase: control.apiBase(origin(req), s.id) });
    }),
  );
  router.post(
    '/sites/:site/products',
    handle((req, res) => {
      const { product, variations } = control.seedProduct(req.params.site, req.body ?? {});
      res.status(201).json({ id: product.id, sku: product.sku, variations: variations.map((v) => ({ id: v.id, sku: v.sku })) });
    }),
  );
  router.post(
    '/sites/:site/customers',
    handle((req, res) => res.status(201).json({ id: control.seedCustomer(req.params.site, req.body ?? {}).id })),
  );
  router.post(
    '/sites/:site/orders',
    handle((req, res) => {
      const o = control.placeOrder(req.params.site, req.body ?? {});
      res.status(201).json({ id: o.id, status: o.status, line_items: o.line_items });
    }),
  );
  router.get('/sites/:site/stock', handle((req, res) => res.json(control.stockBySku(req.params.site))));
  router.get(
    '/sites/:site/orders',
    handle((req, res) => res.json(site(req).orders.map((o) => ({ ...presentOrder(control.apiBase(origin(req), req.params.site), o), notes: o.notes })))),
  );
  router.get(
    '/sites/:site/webhooks',
    handle((req, res) => {
      const s = site(req);
      refreshWebhookHealth(s, sender);
      res.json(s.webhooks.map(({ secret: _secret, ...w }) => w));
    }),
  );
  router.get(
    '/sites/:site/requests',
    handle((req, res) => res.json({ requests: site(req).requests, counts: control.requestCounts(req.params.site) })),
  );
  router.post(
    '/sites/:site/limits',
    handle((req, res) => {
      control.setHostLimit(req.params.site, req.body?.hostLimit ?? null);
      res.json({ hostLimit: site(req).hostLimit });
    }),
  );
  router.post('/webhook-faults', (req, res) => {
    Object.assign(sender.faults, req.body ?? {});
    res.json(sender.faults);
  });
  router.get('/webhooks', (_req, res) => res.json({ deliveries: sender.log }));
  return router;
}
