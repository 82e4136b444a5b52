// BigCommerce's REST routes under /stores/{store_hash}/v3 and /v2, checked against the specs in
// shared/contracts/bigcommerce. Every call needs the store's X-Auth-Token and spends one unit of
// the store's quota (api-fundamentals/rate-limits: each request consumes one quota unit, refreshed
// per window; Standard/Plus 150 per 30 s).
import express, { type NextFunction, type Request, type Response } from 'express';
import type { SimClock } from '../common/clock.ts';
import type { WebhookSender } from '../common/webhooks.ts';
import { adjustInventory, BcError, createProduct, updateVariant, type AdjustmentItem } from './catalog.ts';
import { fireEvent, fireOrderStock, fireProductChanged, fireSkuUpdated, fireStockChanged } from './events.ts';
import { createShipment, placeOrder } from './orders.ts';
import {
  paginate,
  presentCustomer,
  presentHook,
  presentInventoryItem,
  presentLocation,
  presentOrder,
  presentOrderProduct,
  presentProduct,
  presentShipment,
  presentShippingAddress,
  presentVariant,
} from './present.ts';
import type { BcProduct, BcStore, BcVariant, BigCommerceState } from './state.ts';

export const STATUS_DOCS = '/api-docs/getting-started/api-status-codes';

/** v3 error body (`error_Base` / `errorDetailed_Full`). */
export const v3Error = (status: number, title: string, errors?: Record<string, string>) => ({
  status,
  title,
  type: STATUS_DOCS,
  ...(errors ? { errors } : {}),
});

/** v2 error body: an array of `{ status, message }` (orders.v2.oas2.yml 404_Resp). */
export const v2Error = (status: number, message: string) => [{ status, message }];

type StoreRequest = Request & { store: BcStore };

export const BATCH_VARIANT_LIMIT = 50;

interface Deps {
  state: BigCommerceState;
  clock: SimClock;
  sender: WebhookSender;
}

/** Adds the quota headers and answers 429 once the store's window is spent. */
function rateLimit(clock: SimClock) {
  return (req: Request, res: Response, next: NextFunction) => {
    const store = (req as StoreRequest).store;
    const now = clock.nowMs();
    if (now - store.window.startedAtMs >= store.windowMs) store.window = { startedAtMs: now, used: 0 };
    const resetMs = Math.max(store.window.startedAtMs + store.windowMs - now, 0);
    const left = store.quota - store.window.used;
    res.setHeader('X-Rate-Limit-Time-Window-Ms', String(store.windowMs));
    res.setHeader('X-Rate-Limit-Time-Reset-Ms', String(resetMs));
    res.setHeader('X-Rate-Limit-Requests-Quota', String(store.quota));
    if (left <= 0) {
      res.setHeader('X-Rate-Limit-Requests-Left', '0');
      // The API reference lists X-Retry-After (seconds until the quota refreshes) on 429s.
      res.setHeader('X-Retry-After', String(Math.max(Math.ceil(resetMs / 1000), 1)));
      res.status(429).json(v3Error(429, 'Too many requests'));
      return;
    }
    store.window.used += 1;
    res.setHeader('X-Rate-Limit-Requests-Left', String(left - 1));
    next();
  };
}

function sendError(req: Request, res: Response, err: unknown) {
  if (!(err instanceof BcError)) throw err;
  if (req.path.startsWith('/v2/')) res.status(err.status).json(v2Error(err.status, err.title));
  else res.status(err.status).json(v3Error(err.status, err.title, err.errors));
}

const csv = (value: unknown) =>
  typeof value === 'string' && value.length ? value.split(',').map((s) => s.trim()) : undefined;
const csvNumbers = (value: unknown) => csv(value)?.map(Number);

/** Parses RFC 2822 or ISO 8601 (BigCommerce accepts either for v2 date filters). */
const parseDate = (value: unknown) => (typeof value === 'string' ? new Date(value) : undefined);

export function bigCommerceRouter({ state, clock, sender }: Deps) {
  const router = express.Router({ mergeParams: true });
  /** A variant edit fires store/sku/updated, and a stock event when it set inventory_level. */
  const variantChanged = (store: BcStore, product: BcProduct, variant: BcVariant, update: { inventory_level?: unknown }) => {
    fireSkuUpdated(sender, store, product, variant, clock.nowMs());
    if (update.inventory_level !== undefined) fireStockChanged(sender, store, product, variant, 'adjustment', clock.nowMs());
  };
  const handle =
    (fn: (req: StoreRequest, res: Response) => void) =>
    (req: Request, res: Response) => {
      try {
        fn(req as StoreRequest, res);
      } catch (err) {
        sendError(req, res, err);
      }
    };

  router.use((req, res, next) => {
    const store = state.store(req.params.hash);
    const token = req.header('x-auth-token');
    if (!store || !token || token !== store.accessToken) {
      const message = 'Unauthorized - the v3 Auth client ID or token in the request are not a valid combination for this store.';
      if (req.path.startsWith('/v2/')) res.status(401).json(v2Error(401, message));
      else res.status(401).json(v3Error(401, message));
      return;
    }
    (req as StoreRequest).store = store;
    res.on('finish', () => {
      store.requests.push({ method: req.method, path: req.baseUrl + req.path, status: res.statusCode, at: clock.now().toISOString() });
    });
    next();
  });
  router.use(rateLimit(clock));

  // ---- v3 catalog: products_catalog.v3.yml
  router.get(
    '/v3/catalog/products',
    handle((req, res) => {
      const q = req.query;
      let products = req.store.products;
      const ids = csvNumbers(q['id:in']);
      if (ids) products = products.filter((p) => ids.includes(p.id));
      if (typeof q.sku === 'string') products = products.filter((p) => p.sku === q.sku);
      const skus = csv(q['sku:in']);
      if (skus) products = products.filter((p) => skus.includes(p.sku));
      if (typeof q['date_modified:min'] === 'string') {
        const min = parseModifiedMin(q['date_modified:min'], clock.now());
        products = products.filter((p) => p.date_modified >= min);
      }
      if (typeof q['date_modified:max'] === 'string') {
        const max = new Date(q['date_modified:max']);
        products = products.filter((p) => p.date_modified <= max);
      }
      if (typeof q.name === 'string') products = products.filter((p) => p.name === q.name);
      const include = csv(q.include) ?? [];
      const page = paginate(products, q as Record<string, unknown>);
      res.json({ ...page, data: page.data.map((p) => presentProduct(p, include)) });
    }),
  );
  router.post(
    '/v3/catalog/products',
    handle((req, res) => {
      const product = createProduct(state, req.store, req.body ?? {}, clock.now());
      fireProductChanged(sender, req.store, product, 'store/product/created', clock.nowMs());
      res.json({ data: presentProduct(product, ['variants']), meta: {} });
    }),
  );
  router.get(
    '/v3/catalog/products/:id',
    handle((req, res) => {
      const product = req.store.products.find((p) => p.id === Number(req.params.id));
      if (!product) throw new BcError(404, 'The requested product was not found.');
      res.json({ data: presentProduct(product, csv(req.query.include) ?? []), meta: {} });
    }),
  );
  router.put(
    '/v3/catalog/products/:id',
    handle((req, res) => {
      const product = req.store.products.find((p) => p.id === Number(req.params.id));
      if (!product) throw new BcError(404, 'The requested product was not found.');
      const body = req.body ?? {};
      if (typeof body.name === 'string') product.name = body.name;
      if (typeof body.price === 'number') product.price = body.price;
      if (typeof body.is_visible === 'boolean') product.is_visible = body.is_visible;
      if (typeof body.inventory_level === 'number') {
        if (product.inventory_tracking === 'variant') throw new BcError(422, 'inventory_level is tracked by variant for this product');
        updateVariant(req.store, { id: product.variants[0].id, inventory_level: body.inventory_level }, clock.now());
        fireStockChanged(sender, req.store, product, product.variants[0], 'adjustment', clock.nowMs());
      }
      product.date_modified = clock.now();
      fireProductChanged(sender, req.store, product, 'store/product/updated', clock.nowMs());
      res.json({ data: presentProduct(product, csv(req.query.include) ?? []), meta: {} });
    }),
  );

  // ---- v3 variants: product-variants_catalog.v3.yml
  router.get(
    '/v3/catalog/products/:id/variants',
    handle((req, res) => {
      const product = req.store.products.find((p) => p.id === Number(req.params.id));
      if (!product) throw new BcError(404, 'The requested product was not found.');
      const page = paginate(product.variants, req.query as Record<string, unknown>);
      res.json({ ...page, data: page.data.map((v) => presentVariant(product, v)) });
    }),
  );
  router.get(
    '/v3/catalog/variants',
    handle((req, res) => {
      const q = req.query;
      let rows = req.store.products.flatMap((product) => product.variants.map((variant) => ({ product, variant })));
      if (typeof q.sku === 'string') rows = rows.filter((r) => r.variant.sku === q.sku);
      const skus = csv(q['sku:in']);
      if (skus) rows = rows.filter((r) => skus.includes(r.variant.sku));
      const productIds = csvNumbers(q['product_id:in']);
      if (productIds) rows = rows.filter((r) => productIds.includes(r.product.id));
      const ids = csvNumbers(q['id:in']);
      if (ids) rows = rows.filter((r) => ids.includes(r.variant.id));
      const page = paginate(rows, q as Record<string, unknown>);
      res.json({ ...page, data: page.data.map((r) => presentVariant(r.product, r.variant)) });
    }),
  );
  router.put(
    '/v3/catalog/variants',
    handle((req, res) => {
      const items = req.body;
      if (!Array.isArray(items)) throw new BcError(422, 'The request body must be an array of variants');
      if (items.length > BATCH_VARIANT_LIMIT) {
        // product-variants_catalog.v3.yml documents 413 with this title for oversized batches.
        res.status(413).json({
          errors: {},
          status: 413,
          title: `The request payload is too large. The maximum items allowed in the array is ${BATCH_VARIANT_LIMIT}`,
          type: STATUS_DOCS,
        });
        return;
      }
      const missing = items.findIndex((i) => typeof i?.id !== 'number');
      if (missing >= 0) throw new BcError(422, 'JSON data is missing or invalid', { [`${missing}.id`]: 'error.path.missing' });
      const updated = items.map((item) => updateVariant(req.store, item, clock.now()));
      updated.forEach(({ product, variant }, i) => variantChanged(req.store, product, variant, items[i]));
      res.json({ data: updated.map(({ product, variant }) => presentVariant(product, variant)), meta: {} });
    }),
  );
  router.put(
    '/v3/catalog/products/:id/variants/:variantId',
    handle((req, res) => {
      const product = req.store.products.find((p) => p.id === Number(req.params.id));
      if (!product || !product.variants.some((v) => v.id === Number(req.params.variantId))) {
        throw new BcError(404, 'The requested variant was not found.');
      }
      const { variant } = updateVariant(req.store, { ...(req.body ?? {}), id: Number(req.params.variantId) }, clock.now());
      variantChanged(req.store, product, variant, req.body ?? {});
      res.json({ data: presentVariant(product, variant), meta: {} });
    }),
  );

  // ---- v3 inventory and locations: inventory.v3.yml, locations.v3.yml
  for (const mode of ['absolute', 'relative'] as const) {
    const method = mode === 'absolute' ? 'put' : 'post';
    router[method](
      `/v3/inventory/adjustments/${mode}`,
      handle((req, res) => {
        const moved = adjustInventory(req.store, (req.body?.items ?? []) as AdjustmentItem[], mode, clock.now());
        for (const { product, variant } of moved) fireStockChanged(sender, req.store, product, variant, 'adjustment', clock.nowMs());
        res.json({ transaction_id: `${state.nextId()}-${mode}` });
      }),
    );
  }
  router.get(
    '/v3/inventory/items',
    handle((req, res) => {
      const q = req.query;
      let rows = req.store.products.flatMap((product) => product.variants.map((variant) => ({ product, variant })));
      const skus = csv(q['sku:in']);
      if (skus) rows = rows.filter((r) => skus.includes(r.variant.sku));
      const variantIds = csvNumbers(q['variant_id:in']);
      if (variantIds) rows = rows.filter((r) => variantIds.includes(r.variant.id));
      const productIds = csvNumbers(q['product_id:in']);
      if (productIds) rows = rows.filter((r) => productIds.includes(r.product.id));
      const locationIds = csvNumbers(q['location_id:in']);
      const page = paginate(rows, q as Record<string, unknown>, 50, 1000);
      res.json({ ...page, data: page.data.map((r) => presentInventoryItem(req.store, r.product, r.variant, locationIds)) });
    }),
  );
  router.get(
    '/v3/inventory/locations',
    handle((req, res) => {
      const ids = csvNumbers(req.query['location_id:in']);
      const locations = req.store.locations.filter((l) => !ids || ids.includes(l.id));
      const page = paginate(locations, req.query as Record<string, unknown>);
      res.json({ ...page, data: page.data.map(presentLocation) });
    }),
  );

  // ---- v3 customers (customers.v3: `email:in` lookup)
  router.get(
    '/v3/customers',
    handle((req, res) => {
      const emails = csv(req.query['email:in'])?.map((e) => e.toLowerCase());
      const customers = req.store.customers.filter((c) => !emails || emails.includes(c.email.toLowerCase()));
      const page = paginate(customers, req.query as Record<string, unknown>);
      res.json({ ...page, data: page.data.map(presentCustomer) });
    }),
  );

  // ---- v3 webhooks: webhooks.v3.yml
  router.get(
    '/v3/hooks',
    handle((req, res) => {
      let hooks = req.store.hooks;
      if (typeof req.query.scope === 'string') hooks = hooks.filter((h) => h.scope === req.query.scope);
      if (typeof req.query.is_active === 'string') hooks = hooks.filter((h) => String(h.is_active) === req.query.is_active);
      if (typeof req.query.destination === 'string') hooks = hooks.filter((h) => h.destination === req.query.destination);
      const page = paginate(hooks, req.query as Record<string, unknown>);
      res.json({ ...page, data: page.data.map((h) => presentHook(req.store, h)) });
    }),
  );
  router.post(
    '/v3/hooks',
    handle((req, res) => {
      const body = req.body ?? {};
      const errors: Record<string, string> = {};
      if (typeof body.scope !== 'string') errors.scope = 'error.path.missing';
      if (typeof body.destination !== 'string') errors.destination = 'error.path.missing';
      if (Object.keys(errors).length) throw new BcError(422, 'JSON data is missing or invalid', errors);
      const nowS = Math.floor(clock.nowMs() / 1000);
      const hook = {
        id: state.nextId(),
        client_id: req.store.clientId,
        scope: body.scope,
        destination: body.destination,
        is_active: body.is_active ?? true,
        headers: body.headers ?? null,
        created_at: nowS,
        updated_at: nowS,
      };
      req.store.hooks.push(hook);
      res.json({ data: presentHook(req.store, hook), meta: {} });
    }),
  );
  router.get(
    '/v3/hooks/:id',
    handle((req, res) => {
      const hook = req.store.hooks.find((h) => h.id === Number(req.params.id));
      if (!hook) throw new BcError(404, `Webhook with id [${req.params.id}] not found`);
      res.json({ data: presentHook(req.store, hook), meta: {} });
    }),
  );
  router.put(
    '/v3/hooks/:id',
    handle((req, res) => {
      const hook = req.store.hooks.find((h) => h.id === Number(req.params.id));
      if (!hook) throw new BcError(404, `Webhook with id [${req.params.id}] not found`);
      const body = req.body ?? {};
      if (typeof body.scope === 'string') hook.scope = body.scope;
      if (typeof body.destination === 'string') hook.destination = body.destination;
      if (typeof body.is_active === 'boolean') hook.is_active = body.is_active;
      if (body.headers !== undefined) hook.headers = body.headers;
      hook.updated_at = Math.floor(clock.nowMs() / 1000);
      res.json({ data: presentHook(req.store, hook), meta: {} });
    }),
  );
  router.delete(
    '/v3/hooks/:id',
    handle((req, res) => {
      const index = req.store.hooks.findIndex((h) => h.id === Number(req.params.id));
      if (index < 0) throw new BcError(404, `Webhook with id [${req.params.id}] not found`);
      const [hook] = req.store.hooks.splice(index, 1);
      res.json({ data: presentHook(req.store, hook), meta: {} });
    }),
  );

  // ---- v2 orders: orders.v2.oas2.yml
  const baseUrl = (req: Request) => `${req.protocol}://${req.get('host')}/stores/${req.params.hash}`;
  const findOrder = (req: StoreRequest) => {
    const order = req.store.orders.find((o) => o.id === Number(req.params.id));
    if (!order) throw new BcError(404, 'The requested resource was not found.');
    return order;
  };
  router.get(
    '/v2/orders',
    handle((req, res) => {
      const q = req.query;
      let orders = req.store.orders;
      const minModified = parseDate(q.min_date_modified);
      if (minModified) orders = orders.filter((o) => o.date_modified >= minModified);
      const maxModified = parseDate(q.max_date_modified);
      if (maxModified) orders = orders.filter((o) => o.date_modified <= maxModified);
      const minCreated = parseDate(q.min_date_created);
      if (minCreated) orders = orders.filter((o) => o.date_created >= minCreated);
      if (typeof q.email === 'string') orders = orders.filter((o) => o.email.toLowerCase() === String(q.email).toLowerCase());
      if (typeof q.external_order_id === 'string') orders = orders.filter((o) => o.external_order_id === q.external_order_id);
      if (typeof q.status_id === 'string') orders = orders.filter((o) => o.status_id === Number(q.status_id));
      if (typeof q.min_id === 'string') orders = orders.filter((o) => o.id >= Number(q.min_id));
      if (q.sort === 'date_modified:asc') orders = [...orders].sort((a, b) => +a.date_modified - +b.date_modified);
      const { data } = paginate(orders, q as Record<string, unknown>, 50, 250);
      // v2 answers 204 No Content for an empty page (BigCommerce v2 convention).
      if (data.length === 0) {
        res.status(204).end();
        return;
      }
      res.json(data.map((o) => presentOrder(baseUrl(req), o)));
    }),
  );
  router.post(
    '/v2/orders',
    handle((req, res) => {
      const order = placeOrder(state, req.store, { ...(req.body ?? {}), allow_oversell: false }, clock.now());
      fireEvent(sender, req.store, 'store/order/created', { type: 'order', id: order.id }, clock.nowMs());
      fireOrderStock(sender, req.store, order, clock.nowMs());
      res.json(presentOrder(baseUrl(req), order));
    }),
  );
  router.get(
    '/v2/orders/:id',
    handle((req, res) => res.json(presentOrder(baseUrl(req), findOrder(req)))),
  );
  router.put(
    '/v2/orders/:id',
    handle((req, res) => {
      const order = findOrder(req);
      const body = req.body ?? {};
      const before = order.status_id;
      if (typeof body.status_id === 'number') order.status_id = body.status_id;
      if (typeof body.staff_notes === 'string') order.staff_notes = body.staff_notes;
      if (typeof body.external_order_id === 'string') order.external_order_id = body.external_order_id;
      order.date_modified = clock.now();
      fireEvent(sender, req.store, 'store/order/updated', { type: 'order', id: order.id }, clock.nowMs());
      if (before !== order.status_id) {
        fireEvent(
          sender,
          req.store,
          'store/order/statusUpdated',
          { type: 'order', id: order.id, status: { previous_status_id: before, new_status_id: order.status_id } },
          clock.nowMs(),
        );
      }
      res.json(presentOrder(baseUrl(req), order));
    }),
  );
  router.get(
    '/v2/orders/:id/products',
    handle((req, res) => {
      const order = findOrder(req);
      res.json(order.lines.map((l) => presentOrderProduct(order, l)));
    }),
  );
  router.get(
    '/v2/orders/:id/shipping_addresses',
    handle((req, res) => res.json([presentShippingAddress(findOrder(req))])),
  );
  router.get(
    '/v2/orders/:id/shipments',
    handle((req, res) => {
      const order = findOrder(req);
      const shipments = req.store.shipments.filter((s) => s.order_id === order.id);
      if (shipments.length === 0) {
        res.status(204).end();
        return;
      }
      res.json(shipments.map((s) => presentShipment(order, s)));
    }),
  );
  router.post(
    '/v2/orders/:id/shipments',
    handle((req, res) => {
      const order = findOrder(req);
      const before = order.status_id;
      const shipment = createShipment(state, order, req.store, req.body ?? {}, clock.now());
      const now = clock.nowMs();
      fireEvent(sender, req.store, 'store/shipment/created', { type: 'shipment', id: shipment.id, orderId: order.id }, now);
      if (before !== order.status_id) {
        fireEvent(
          sender,
          req.store,
          'store/order/statusUpdated',
          { type: 'order', id: order.id, status: { previous_status_id: before, new_status_id: order.status_id } },
          now,
        );
      }
      res.status(201).json(presentShipment(order, shipment));
    }),
  );

  router.use((req, res) => {
    if (req.path.startsWith('/v2/')) res.status(404).json(v2Error(404, 'The requested resource was not found.'));
    else res.status(404).json(v3Error(404, 'The requested resource was not found.'));
  });
  return router;
}

/**
 * `date_modified:min` without a time part gets the request's current time appended
 * (products_catalog.v3.yml, DateModifiedMinParam).
 */
export function parseModifiedMin(value: string, now: Date): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T${now.toISOString().slice(11)}`);
  return new Date(value);
}
