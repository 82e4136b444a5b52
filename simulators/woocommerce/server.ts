// WooCommerce REST API v3 routes (/wp-json/wc/v3/...), from the official reference in
// shared/contracts/woocommerce (no OpenAPI exists). A site lives at /sites/{site}/wp-json/wc/v3
// (a WordPress in a sub-folder); /wp-json/wc/v3 at the root finds the site by its consumer key.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { SimClock } from '../common/clock.ts';
import type { WebhookSender } from '../common/webhooks.ts';
import { createProduct, createVariation, deleteProduct, runBatch, updateProduct, WooError, type ProductInput } from './catalog.ts';
import { fireTopic, refreshWebhookHealth } from './events.ts';
import { addNote, createCustomer, createOrder, updateOrder } from './orders.ts';
import { presentCustomer, presentNote, presentOrder, presentProduct, presentVariation, presentWebhook } from './present.ts';
import type { WooCommerceState, WooProduct, WooSite } from './state.ts';

type SiteRequest = Request & { site: WooSite };

interface Deps {
  state: WooCommerceState;
  clock: SimClock;
  sender: WebhookSender;
}

export const MAX_PER_PAGE = 100;
const TOPICS = ['coupon', 'customer', 'order', 'product'].flatMap((r) => ['created', 'updated', 'deleted'].map((e) => `${r}.${e}`));

/** The permission error WooCommerce answers when no credentials arrive, by HTTP method. */
function cannot(method: string) {
  switch (method) {
    case 'POST':
      return new WooError(401, 'woocommerce_rest_cannot_create', 'Sorry, you are not allowed to create resources.');
    case 'PUT':
    case 'PATCH':
      return new WooError(401, 'woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.');
    case 'DELETE':
      return new WooError(401, 'woocommerce_rest_cannot_delete', 'Sorry, you are not allowed to delete this resource.');
    default:
      return new WooError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
  }
}

function credentials(req: Request): { key: string; secret: string } | undefined {
  const header = req.header('authorization');
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    if (at > 0) return { key: decoded.slice(0, at), secret: decoded.slice(at + 1) };
  }
  // Query-string fallback for servers that drop the Authorization header (authentication docs).
  const { consumer_key: key, consumer_secret: secret } = req.query;
  if (typeof key === 'string' && typeof secret === 'string') return { key, secret };
  return undefined;
}

/** WC_REST_Authentication: unknown key and wrong secret are told apart. */
function authenticate(state: WooCommerceState) {
  return (req: Request, res: Response, next: NextFunction) => {
    const creds = credentials(req);
    const fail = (err: WooError) => res.status(err.status).json(err.body());
    if (!creds) return fail(cannot(req.method));
    const site = req.params.site ? state.site(req.params.site) : state.siteByKey(creds.key);
    if (!site || site.consumerKey !== creds.key) {
      return fail(new WooError(401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.'));
    }
    if (site.consumerSecret !== creds.secret) {
      return fail(new WooError(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.'));
    }
    (req as SiteRequest).site = site;
    next();
  };
}

/** WooCommerce has no rate limit; a host may add one (fixed window, 429 with Retry-After seconds). */
function hostLimit(clock: SimClock) {
  return (req: Request, res: Response, next: NextFunction) => {
    const site = (req as SiteRequest).site;
    if (!site.hostLimit) return next();
    const now = clock.nowMs();
    if (now - site.window.startedAtMs >= site.hostLimit.windowMs) site.window = { startedAtMs: now, used: 0 };
    if (site.window.used >= site.hostLimit.requests) {
      const waitS = Math.max(Math.ceil((site.window.startedAtMs + site.hostLimit.windowMs - now) / 1000), 1);
      res.setHeader('Retry-After', String(waitS));
      res.status(429).json({ code: 'rest_too_many_requests', message: 'Too many requests.', data: { status: 429 } });
      return;
    }
    site.window.used += 1;
    next();
  };
}

/** page / per_page / offset with X-WP-Total, X-WP-TotalPages and an RFC 5988 Link header. */
function paginate<T>(req: Request, res: Response, items: T[]): T[] {
  const perPage = req.query.per_page === undefined ? 10 : Number(req.query.per_page);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
    throw new WooError(400, 'rest_invalid_param', `Invalid parameter(s): per_page (per_page must be between 1 (inclusive) and ${MAX_PER_PAGE} (inclusive))`);
  }
  const page = req.query.page === undefined ? 1 : Number(req.query.page);
  if (!Number.isInteger(page) || page < 1) throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): page');
  const offset = req.query.offset === undefined ? (page - 1) * perPage : Number(req.query.offset);
  const totalPages = Math.ceil(items.length / perPage);
  res.setHeader('X-WP-Total', String(items.length));
  res.setHeader('X-WP-TotalPages', String(totalPages));
  const url = new URL(`${req.protocol}://${req.get('host')}${req.originalUrl}`);
  const at = (p: number) => {
    url.searchParams.set('page', String(p));
    return url.toString();
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`<${at(1)}>; rel="first"`, `<${at(Math.min(page - 1, Math.max(totalPages, 1)))}>; rel="prev"`);
  if (page < totalPages) rels.push(`<${at(page + 1)}>; rel="next"`, `<${at(totalPages)}>; rel="last"`);
  if (rels.length) res.setHeader('Link', rels.join(', '));
  return items.slice(offset, offset + perPage);
}

function dateFilter(req: Request) {
  const after = typeof req.query.modified_after === 'string' ? new Date(req.query.modified_after) : undefined;
  const before = typeof req.query.modified_before === 'string' ? new Date(req.query.modified_before) : undefined;
  return (d: Date) => (!after || d > after) && (!before || d < before);
}

/** `order` / `orderby` (date, id, modified); WooCommerce lists newest first by default. */
function sortBy<T extends { id: number; date_created: Date; date_modified: Date }>(req: Request, items: T[]) {
  const key = req.query.orderby === 'id' ? 'id' : req.query.orderby === 'modified' ? 'date_modified' : 'date_created';
  const dir = req.query.order === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => (Number(a[key]) - Number(b[key]) || a.id - b.id) * dir);
}

const ids = (value: unknown) =>
  value === undefined ? undefined : (Array.isArray(value) ? value : String(value).split(',')).map(Number);

export function wooCommerceRouter({ state, clock, sender }: Deps) {
  const router = express.Router({ mergeParams: true });
  const base = (req: Request) => `${req.protocol}://${req.get('host')}${req.baseUrl}`;
  const handle =
    (fn: (req: SiteRequest, res: Response) => void) =>
    (req: Request, res: Response) => {
      try {
        fn(req as SiteRequest, res);
      } catch (err) {
        if (!(err instanceof WooError)) throw err;
        res.status(err.status).json(err.body());
      }
    };

  router.use(authenticate(state));
  router.use((req, res, next) => {
    const site = (req as SiteRequest).site;
    res.on('finish', () => site.requests.push({ method: req.method, path: req.path, status: res.statusCode, at: clock.now().toISOString() }));
    next();
  });
  router.use(hostLimit(clock));

  const product = (req: SiteRequest, id = req.params.id) => {
    const p = req.site.products.find((x) => x.id === Number(id) && x.type !== 'variation');
    if (!p) throw new WooError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
    return p;
  };
  const variation = (req: SiteRequest, parent: WooProduct, id: unknown) => {
    const v = req.site.products.find((x) => x.id === Number(id) && x.type === 'variation' && x.parent_id === parent.id);
    if (!v) throw new WooError(404, 'woocommerce_rest_product_variation_invalid_id', 'Invalid ID.');
    return v;
  };
  const productChanged = (req: SiteRequest, p: WooProduct, event: 'created' | 'updated') =>
    fireTopic(state, sender, req.site, `product.${event}`, presentProduct(base(req), req.site, p));

  // ---- products (wp-api-v3_products.md)
  router.get(
    '/products',
    handle((req, res) => {
      const q = req.query;
      const inRange = dateFilter(req);
      const skus = typeof q.sku === 'string' ? q.sku.split(',') : undefined;
      const include = ids(q.include);
      let rows = req.site.products.filter((p) => p.type !== 'variation' && inRange(p.date_modified));
      if (skus) rows = rows.filter((p) => skus.includes(p.sku));
      if (include) rows = rows.filter((p) => include.includes(p.id));
      if (typeof q.type === 'string') rows = rows.filter((p) => p.type === q.type);
      if (typeof q.status === 'string' && q.status !== 'any') rows = rows.filter((p) => p.status === q.status);
      if (typeof q.search === 'string') rows = rows.filter((p) => p.name.toLowerCase().includes(String(q.search).toLowerCase()));
      res.json(paginate(req, res, sortBy(req, rows)).map((p) => presentProduct(base(req), req.site, p)));
    }),
  );
  router.post(
    '/products',
    handle((req, res) => {
      const p = createProduct(state, req.site, req.body ?? {}, clock.now());
      productChanged(req, p, 'created');
      res.status(201).json(presentProduct(base(req), req.site, p));
    }),
  );
  router.post(
    '/products/batch',
    handle((req, res) => {
      const result = runBatch<ProductInput>(req.body ?? {}, {
        create: (item) => {
          const p = createProduct(state, req.site, item, clock.now());
          productChanged(req, p, 'created');
          return presentProduct(base(req), req.site, p);
        },
        update: (item) => {
          const p = updateProduct(state, req.site, product(req, String(item.id)), item, clock.now());
          productChanged(req, p, 'updated');
          return presentProduct(base(req), req.site, p);
        },
        remove: (id) => {
          const p = product(req, String(id));
          const shown = presentProduct(base(req), req.site, p);
          deleteProduct(req.site, p);
          return shown;
        },
      });
      res.json(result);
    }),
  );
  router.get(
    '/products/:id',
    handle((req, res) => res.json(presentProduct(base(req), req.site, product(req)))),
  );
  router.put(
    '/products/:id',
    handle((req, res) => {
      const p = updateProduct(state, req.site, product(req), req.body ?? {}, clock.now());
      productChanged(req, p, 'updated');
      res.json(presentProduct(base(req), req.site, p));
    }),
  );

  // ---- variations (wp-api-v3_product-variations.md)
  router.get(
    '/products/:id/variations',
    handle((req, res) => {
      const parent = product(req);
      const inRange = dateFilter(req);
      const skus = typeof req.query.sku === 'string' ? req.query.sku.split(',') : undefined;
      let rows = req.site.products.filter((v) => v.type === 'variation' && v.parent_id === parent.id && inRange(v.date_modified));
      if (skus) rows = rows.filter((v) => skus.includes(v.sku));
      res.json(paginate(req, res, sortBy(req, rows)).map((v) => presentVariation(base(req), req.site, v)));
    }),
  );
  router.post(
    '/products/:id/variations',
    handle((req, res) => {
      const v = createVariation(state, req.site, product(req), req.body ?? {}, clock.now());
      productChanged(req, v, 'created');
      res.status(201).json(presentVariation(base(req), req.site, v));
    }),
  );
  router.post(
    '/products/:id/variations/batch',
    handle((req, res) => {
      const parent = product(req);
      const result = runBatch<ProductInput>(req.body ?? {}, {
        create: (item) => presentVariation(base(req), req.site, createVariation(state, req.site, parent, item, clock.now())),
        update: (item) => {
          const v = updateProduct(state, req.site, variation(req, parent, item.id), item, clock.now());
          productChanged(req, v, 'updated');
          return presentVariation(base(req), req.site, v);
        },
        remove: (id) => {
          const v = variation(req, parent, id);
          const shown = presentVariation(base(req), req.site, v);
          deleteProduct(req.site, v);
          return shown;
        },
      });
      res.json(result);
    }),
  );
  router.get(
    '/products/:id/variations/:variationId',
    handle((req, res) => res.json(presentVariation(base(req), req.site, variation(req, product(req), req.params.variationId)))),
  );
  router.put(
    '/products/:id/variations/:variationId',
    handle((req, res) => {
      const v = updateProduct(state, req.site, variation(req, product(req), req.params.variationId), req.body ?? {}, clock.now());
      productChanged(req, v, 'updated');
      res.json(presentVariation(base(req), req.site, v));
    }),
  );

  // ---- orders and notes (wp-api-v3_orders.md, wp-api-v3_order-notes.md)
  const order = (req: SiteRequest) => {
    const o = req.site.orders.find((x) => x.id === Number(req.params.id));
    if (!o) throw new WooError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
    return o;
  };
  router.get(
    '/orders',
    handle((req, res) => {
      const q = req.query;
      const inRange = dateFilter(req);
      const statuses = typeof q.status === 'string' ? q.status.split(',') : undefined;
      const include = ids(q.include);
      let rows = req.site.orders.filter((o) => inRange(o.date_modified));
      if (statuses && !statuses.includes('any')) rows = rows.filter((o) => statuses.includes(o.status));
      if (include) rows = rows.filter((o) => include.includes(o.id));
      if (q.customer !== undefined) rows = rows.filter((o) => o.customer_id === Number(q.customer));
      if (typeof q.search === 'string') {
        // Order search looks at the id, billing/shipping names and email, and item names.
        const term = q.search.toLowerCase();
        rows = rows.filter((o) =>
          [String(o.id), o.billing.email, o.billing.first_name, o.billing.last_name, o.shipping.first_name, o.shipping.last_name, ...o.line_items.map((l) => l.name)]
            .some((v) => v.toLowerCase().includes(term)),
        );
      }
      res.json(paginate(req, res, sortBy(req, rows)).map((o) => presentOrder(base(req), o)));
    }),
  );
  router.post(
    '/orders',
    handle((req, res) => {
      const o = createOrder(state, req.site, req.body ?? {}, clock.now());
      const shown = presentOrder(base(req), o);
      fireTopic(state, sender, req.site, 'order.created', shown);
      res.status(201).json(shown);
    }),
  );
  router.get(
    '/orders/:id',
    handle((req, res) => res.json(presentOrder(base(req), order(req)))),
  );
  router.put(
    '/orders/:id',
    handle((req, res) => {
      const o = updateOrder(state, req.site, order(req), req.body ?? {}, clock.now());
      const shown = presentOrder(base(req), o);
      fireTopic(state, sender, req.site, 'order.updated', shown);
      res.json(shown);
    }),
  );
  router.get(
    '/orders/:id/notes',
    handle((req, res) => {
      const o = order(req);
      const type = req.query.type;
      const notes = o.notes.filter((n) => type === 'customer' ? n.customer_note : type === 'internal' ? !n.customer_note : true);
      res.json([...notes].reverse().map((n) => presentNote(base(req), o.id, n)));
    }),
  );
  router.post(
    '/orders/:id/notes',
    handle((req, res) => {
      const o = order(req);
      const note = addNote(state, o, req.body ?? {}, clock.now());
      res.status(201).json(presentNote(base(req), o.id, note));
    }),
  );

  // ---- customers (wp-api-v3_customers.md)
  router.get(
    '/customers',
    handle((req, res) => {
      const email = typeof req.query.email === 'string' ? req.query.email.toLowerCase() : undefined;
      const rows = req.site.customers.filter((c) => !email || c.email.toLowerCase() === email);
      res.json(paginate(req, res, rows).map((c) => presentCustomer(base(req), c)));
    }),
  );
  router.post(
    '/customers',
    handle((req, res) => {
      const c = createCustomer(state, req.site, req.body ?? {}, clock.now());
      fireTopic(state, sender, req.site, 'customer.created', presentCustomer(base(req), c));
      res.status(201).json(presentCustomer(base(req), c));
    }),
  );
  router.get(
    '/customers/:id',
    handle((req, res) => {
      const c = req.site.customers.find((x) => x.id === Number(req.params.id));
      if (!c) throw new WooError(404, 'woocommerce_rest_invalid_id', 'Invalid resource ID.');
      res.json(presentCustomer(base(req), c));
    }),
  );

  // ---- webhooks (wp-api-v3_webhooks.md)
  const webhook = (req: SiteRequest) => {
    refreshWebhookHealth(req.site, sender);
    const w = req.site.webhooks.find((x) => x.id === Number(req.params.id));
    if (!w) throw new WooError(404, 'woocommerce_rest_webhook_invalid_id', 'Invalid ID.');
    return w;
  };
  router.get(
    '/webhooks',
    handle((req, res) => {
      refreshWebhookHealth(req.site, sender);
      const status = req.query.status;
      const rows = req.site.webhooks.filter((w) => !status || status === 'all' || w.status === status);
      res.json(paginate(req, res, rows).map((w) => presentWebhook(base(req), w)));
    }),
  );
  router.post(
    '/webhooks',
    handle((req, res) => {
      const body = req.body ?? {};
      const missing = ['topic', 'delivery_url'].filter((k) => typeof body[k] !== 'string');
      if (missing.length) throw new WooError(400, 'rest_missing_callback_param', `Missing parameter(s): ${missing.join(', ')}`);
      if (!TOPICS.includes(body.topic)) throw new WooError(400, 'woocommerce_rest_webhook_invalid_topic', 'Webhook topic is required and must be valid.');
      const now = clock.now();
      const w = {
        id: state.nextId(),
        name: body.name ?? `Webhook created on ${now.toUTCString()}`,
        status: body.status ?? 'active',
        topic: body.topic,
        delivery_url: body.delivery_url,
        secret: body.secret ?? req.site.consumerSecret,
        failure_count: 0,
        countedUpTo: sender.log.length,
        date_created: now,
        date_modified: now,
      };
      req.site.webhooks.push(w);
      res.status(201).json(presentWebhook(base(req), w));
    }),
  );
  router.get(
    '/webhooks/:id',
    handle((req, res) => res.json(presentWebhook(base(req), webhook(req)))),
  );
  router.put(
    '/webhooks/:id',
    handle((req, res) => {
      const w = webhook(req);
      const body = req.body ?? {};
      if (typeof body.name === 'string') w.name = body.name;
      if (typeof body.delivery_url === 'string') w.delivery_url = body.delivery_url;
      if (typeof body.secret === 'string') w.secret = body.secret;
      if (typeof body.topic === 'string') {
        if (!TOPICS.includes(body.topic)) throw new WooError(400, 'woocommerce_rest_webhook_invalid_topic', 'Webhook topic is required and must be valid.');
        w.topic = body.topic;
      }
      if (body.status === 'active' || body.status === 'paused' || body.status === 'disabled') {
        // Re-enabling through the API starts the failure count again.
        if (body.status === 'active') w.failure_count = 0;
        w.status = body.status;
      }
      w.date_modified = clock.now();
      res.json(presentWebhook(base(req), w));
    }),
  );
  router.delete(
    '/webhooks/:id',
    handle((req, res) => {
      const w = webhook(req);
      if (req.query.force !== 'true') throw new WooError(501, 'woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.');
      req.site.webhooks = req.site.webhooks.filter((x) => x !== w);
      res.json(presentWebhook(base(req), w));
    }),
  );

  router.use((_req, res) => {
    res.status(404).json({ code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } });
  });
  return router;
}
