// Lightspeed Retail (X-Series) API routes under /api/2.0 and /api/2026-07 (same handlers; the
// 2026-07 per-tag OpenAPI files in shared/contracts are the contract). The bearer token names the
// retailer; /retailers/{domain_prefix}/api/... additionally checks the token belongs to it.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { SimClock } from '../common/clock.ts';
import type { WebhookSender } from '../common/webhooks.ts';
import { createAdjustments, createProducts, LsError, updateProduct } from './catalog.ts';
import { fireWebhook } from './events.ts';
import { presentAdjustment, presentCustomer, presentFulfillment, presentInventory, presentOutlet, presentProduct, presentRegister, presentSale, versionPage } from './present.ts';
import { createCustomer, createSale, fulfillSale, updateSale } from './sales.ts';
import { rateLimitOf, uuid, type LightspeedState, type LsRetailer } from './state.ts';

type RetailerRequest = Request & { retailer: LsRetailer };

interface Deps {
  state: LightspeedState;
  clock: SimClock;
  sender: WebhookSender;
  clientSecret: string;
}

const WEBHOOK_TYPES = ['sale.update', 'product.update', 'customer.update', 'inventory.update', 'register_closure.create', 'consignment.send', 'consignment.receive'];

/** Bearer token → retailer; expired or unknown tokens answer 401. */
function authenticate(state: LightspeedState, clock: SimClock) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const found = match ? state.byAccessToken(match[1].trim()) : undefined;
    if (!found) {
      res.status(401).json({ error: 'invalid_token', error_description: 'The access token is missing or invalid' });
      return;
    }
    if (found.token.accessExpiresAtMs <= clock.nowMs()) {
      res.status(401).json({ error: 'invalid_token', error_description: 'The access token has expired' });
      return;
    }
    if (req.params.prefix && req.params.prefix !== found.retailer.domainPrefix) {
      res.status(401).json({ error: 'invalid_token', error_description: 'The access token belongs to another retailer' });
      return;
    }
    (req as RetailerRequest).retailer = found.retailer;
    next();
  };
}

/**
 * 300 × registers + 50 requests per sliding 5-minute window per retailer (rate_limiting docs,
 * via third-party-api-evangelist-rate-limits.yml). Retry-After is an RFC 1123 date.
 */
function rateLimit(clock: SimClock) {
  return (req: Request, res: Response, next: NextFunction) => {
    const retailer = (req as RetailerRequest).retailer;
    const now = clock.nowMs();
    retailer.recent = retailer.recent.filter((t) => t > now - retailer.windowMs);
    const limit = rateLimitOf(retailer);
    const resetAt = new Date((retailer.recent[0] ?? now) + retailer.windowMs).toUTCString();
    res.setHeader('X-RateLimit-Limit', String(limit));
    res.setHeader('X-RateLimit-Reset', resetAt);
    if (retailer.recent.length >= limit) {
      res.setHeader('X-RateLimit-Remaining', '0');
      res.setHeader('Retry-After', resetAt);
      res.status(429).json({ error: 'Too Many Requests', message: 'Rate limiting enforced' });
      return;
    }
    retailer.recent.push(now);
    res.setHeader('X-RateLimit-Remaining', String(limit - retailer.recent.length));
    next();
  };
}

export function lightspeedRouter({ state, clock, sender, clientSecret }: Deps) {
  const router = express.Router({ mergeParams: true });
  const now = () => clock.now().toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const fire = (req: RetailerRequest, type: string, payload: unknown) => fireWebhook(sender, req.retailer, clientSecret, type, payload);
  const handle =
    (fn: (req: RetailerRequest, res: Response) => void) =>
    (req: Request, res: Response) => {
      try {
        fn(req as RetailerRequest, res);
      } catch (err) {
        if (!(err instanceof LsError)) throw err;
        res.status(err.status).json(err.body());
      }
    };

  router.use(authenticate(state, clock));
  router.use((req, res, next) => {
    const retailer = (req as RetailerRequest).retailer;
    res.on('finish', () => retailer.requests.push({ method: req.method, path: req.path, status: res.statusCode, at: clock.now().toISOString() }));
    next();
  });
  router.use(rateLimit(clock));

  const product = (req: RetailerRequest, id: string) => {
    const p = req.retailer.products.find((x) => x.id === id && !x.deleted_at);
    if (!p) throw new LsError(404, `Product ${id} not found`);
    return p;
  };

  // ---- outlets and registers (rate limit depends on registers)
  router.get('/outlets', handle((req, res) => res.json(versionPage(req.retailer.outlets.map((o, i) => presentOutlet(req.retailer, o, i + 1)), req.query))));
  router.get('/registers', handle((req, res) => res.json(versionPage(req.retailer.registers.map((r, i) => presentRegister(req.retailer, r, i + 1)), req.query))));

  // ---- products (lightspeed-products-api-openapi.yml)
  router.get(
    '/products',
    handle((req, res) => {
      const q = req.query;
      if (typeof q.sku === 'string') {
        // "all other query params are ignored if this is provided"
        const page = versionPage(req.retailer.products.filter((p) => p.sku === q.sku && !p.deleted_at), {});
        res.json({ ...page, data: page.data.map((p) => presentProduct(req.retailer, p)) });
        return;
      }
      const rows = req.retailer.products.filter((p) => q.deleted === 'true' || !p.deleted_at);
      const page = versionPage(rows, q);
      res.json({ ...page, data: page.data.map((p) => presentProduct(req.retailer, p)) });
    }),
  );
  router.post(
    '/products',
    handle((req, res) => {
      const body = req.body ?? {};
      if (typeof body.name !== 'string') throw new LsError(422, 'Validation failed', { name: ['name is required'] });
      const made = createProducts(
        state,
        req.retailer,
        {
          name: body.name,
          sku: body.sku,
          price_excluding_tax: Number(body.price_excluding_tax ?? 0),
          supply_price: body.supply_price,
          inventory: Object.fromEntries(((body.inventory ?? []) as { outlet_id: string; current_amount: number }[]).map((i) => [i.outlet_id, Number(i.current_amount)])),
          variants: Array.isArray(body.variants)
            ? body.variants.map((v: { sku: string; price_excluding_tax?: number; variant_definitions?: { attribute_id?: string; value: string }[] }) => ({
                sku: v.sku,
                price_excluding_tax: v.price_excluding_tax,
                variant_options: (v.variant_definitions ?? []).map((d) => ({ name: d.attribute_id ?? 'Option', value: d.value })),
              }))
            : undefined,
        },
        now(),
      );
      for (const p of made) fire(req, 'product.update', presentProduct(req.retailer, p));
      res.json({ data: made.map((p) => p.id) });
    }),
  );
  router.get(
    '/products/:id',
    handle((req, res) => res.json({ data: presentProduct(req.retailer, product(req, req.params.id)) })),
  );
  router.put(
    '/products/:id',
    handle((req, res) => {
      const p = updateProduct(state, req.retailer, product(req, req.params.id), req.body ?? {}, now());
      fire(req, 'product.update', presentProduct(req.retailer, p));
      if (req.body?.details?.inventory) {
        for (const i of req.retailer.inventory.filter((r) => r.product_id === p.id)) fire(req, 'inventory.update', presentInventory(i));
      }
      res.json({ data: presentProduct(req.retailer, p) });
    }),
  );

  // ---- inventory (lightspeed-inventory-api-openapi.yml): bare arrays of Inventory records
  const familyIds = (req: RetailerRequest, productId: string, variants: boolean) => {
    if (!variants) return [productId];
    const root = req.retailer.products.find((p) => p.id === productId);
    const rootId = root?.variant_parent_id ?? productId;
    return req.retailer.products.filter((p) => p.id === rootId || p.variant_parent_id === rootId).map((p) => p.id);
  };
  router.post(
    '/inventory',
    handle((req, res) => {
      const body = req.body ?? {};
      let rows = req.retailer.inventory;
      if (typeof body.product_id === 'string') {
        const ids = familyIds(req, body.product_id, body.variants === true);
        rows = rows.filter((i) => ids.includes(i.product_id));
      }
      const page = versionPage(rows, { after: body.after, before: body.before, page_size: body.size }).data;
      if (body.sort_direction === 'desc') page.reverse();
      res.json(page.map(presentInventory));
    }),
  );
  router.get(
    '/inventory/:productId',
    handle((req, res) => {
      const ids = familyIds(req, req.params.productId, req.query.variants === 'true');
      const rows = req.retailer.inventory.filter((i) => ids.includes(i.product_id));
      const page = versionPage(rows, req.query).data;
      if (req.query.order_direction === 'desc') page.reverse();
      res.json(page.map(presentInventory));
    }),
  );
  router.get(
    '/stock_adjustments',
    handle((req, res) => {
      const page = versionPage(req.retailer.adjustments, req.query);
      res.json({ ...page, data: page.data.map(presentAdjustment) });
    }),
  );
  router.post(
    '/stock_adjustments',
    handle((req, res) => {
      const made = createAdjustments(state, req.retailer, req.body?.stock_adjustments, req.retailer.userId, now());
      const touched = new Set(made.map((a) => `${a.product_id}/${a.outlet_id}`));
      for (const i of req.retailer.inventory.filter((r) => touched.has(`${r.product_id}/${r.outlet_id}`))) fire(req, 'inventory.update', presentInventory(i));
      res.status(201).json({ data: made.map(presentAdjustment) });
    }),
  );

  // ---- sales (lightspeed-sales-api-openapi.yml)
  const sale = (req: RetailerRequest) => {
    const s = req.retailer.sales.find((x) => x.id === req.params.id);
    if (!s) throw new LsError(404, `Sale ${req.params.id} not found`);
    return s;
  };
  router.get(
    '/sales',
    handle((req, res) => {
      const page = versionPage(req.retailer.sales, req.query);
      res.json({ ...page, data: page.data.map(presentSale) });
    }),
  );
  router.post(
    '/sales',
    handle((req, res) => {
      const s = createSale(state, req.retailer, req.body ?? {}, now());
      fire(req, 'sale.update', presentSale(s));
      res.json({ data: presentSale(s) });
    }),
  );
  router.get(
    '/sales/:id',
    handle((req, res) => res.json({ data: presentSale(sale(req)) })),
  );
  router.put(
    '/sales/:id',
    handle((req, res) => {
      const s = updateSale(state, req.retailer, sale(req), req.body ?? {}, now());
      fire(req, 'sale.update', presentSale(s));
      res.json({ data: presentSale(s) });
    }),
  );

  // ---- fulfillments (lightspeed-fulfillments-api-openapi.yml)
  const list = (value: unknown) => (value === undefined ? undefined : (Array.isArray(value) ? value : String(value).split(',')).map(String));
  router.get(
    '/fulfillments',
    handle((req, res) => {
      const saleIds = list(req.query.sale_id);
      const states = list(req.query.fulfillment_state);
      const outletIds = list(req.query.outlet_id);
      const rows = req.retailer.fulfillments.filter(
        (f) => (!saleIds || saleIds.includes(f.sale_id)) && (!states || states.includes(f.state)) && (!outletIds || outletIds.includes(f.outlet_id)),
      );
      const size = Math.min(Math.max(Number(req.query.page_size ?? 10) || 10, 1), 100);
      const pageNumber = Math.max(Number(req.query.page_number ?? 1) || 1, 1);
      res.json({ data: rows.slice((pageNumber - 1) * size, pageNumber * size).map(presentFulfillment) });
    }),
  );
  router.post(
    '/fulfillments/fulfill',
    handle((req, res) => {
      if (typeof req.body?.sale_id !== 'string') throw new LsError(400, 'sale_id is required');
      const done = fulfillSale(state, req.retailer, req.body.sale_id, now());
      res.json({ data: done.map((f) => ({ id: f.id, version: f.version })) });
    }),
  );

  // ---- customers (lightspeed-customers-api-openapi.yml)
  router.get(
    '/customers',
    handle((req, res) => {
      const rows = req.retailer.customers.filter((c) => req.query.deleted === 'true' || !c.deleted_at);
      const page = versionPage(rows, req.query);
      res.json({ ...page, data: page.data.map(presentCustomer) });
    }),
  );
  router.post(
    '/customers',
    handle((req, res) => {
      const c = createCustomer(state, req.retailer, req.body ?? {}, now());
      fire(req, 'customer.update', presentCustomer(c));
      res.status(201).json({ data: presentCustomer(c) });
    }),
  );
  router.get(
    '/customers/:id',
    handle((req, res) => {
      const c = req.retailer.customers.find((x) => x.id === req.params.id);
      if (!c) throw new LsError(404, `Customer ${req.params.id} not found`);
      res.json({ data: presentCustomer(c) });
    }),
  );

  // ---- search (2.0 /search: customers by email or customer_code, products by sku, sales by invoice_number)
  router.get(
    '/search',
    handle((req, res) => {
      const q = req.query;
      const text = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : undefined);
      if (q.type === 'customers') {
        const email = text(q.email);
        const code = typeof q.customer_code === 'string' ? q.customer_code : undefined;
        res.json({
          data: req.retailer.customers
            .filter((c) => !c.deleted_at && (!email || c.email?.toLowerCase() === email) && (code === undefined || c.customer_code === code))
            .map(presentCustomer),
        });
      } else if (q.type === 'products') {
        res.json({ data: req.retailer.products.filter((p) => !p.deleted_at && (q.sku === undefined || p.sku === q.sku)).map((p) => presentProduct(req.retailer, p)) });
      } else if (q.type === 'sales') {
        res.json({ data: req.retailer.sales.filter((s) => q.invoice_number === undefined || s.invoice_number === q.invoice_number).map(presentSale) });
      } else {
        throw new LsError(400, 'type must be one of customers, products, sales');
      }
    }),
  );

  // ---- webhooks (lightspeed-webhooks-api-openapi.yml)
  const presentHook = (req: RetailerRequest, h: LsRetailer['webhooks'][number]) => ({ ...h, retailer_id: req.retailer.retailerId });
  const hook = (req: RetailerRequest) => {
    const h = req.retailer.webhooks.find((x) => x.id === req.params.id);
    if (!h) throw new LsError(404, 'Webhook not found');
    return h;
  };
  const validHook = (body: Record<string, unknown>) => {
    if (typeof body.url !== 'string' || typeof body.type !== 'string' || !WEBHOOK_TYPES.includes(body.type)) {
      throw new LsError(400, `url and a type (${WEBHOOK_TYPES.join(', ')}) are required`);
    }
  };
  router.get('/webhooks', handle((req, res) => res.json({ data: req.retailer.webhooks.map((h) => presentHook(req, h)) })));
  router.post(
    '/webhooks',
    handle((req, res) => {
      const body = req.body ?? {};
      validHook(body);
      if (req.retailer.webhooks.some((h) => h.type === body.type && h.url === body.url)) throw new LsError(409, 'A webhook with this type and url already exists');
      const h = { id: uuid(), type: body.type, url: body.url, active: body.active !== false };
      req.retailer.webhooks.push(h);
      res.status(201).json({ data: presentHook(req, h) });
    }),
  );
  router.get('/webhooks/:id', handle((req, res) => res.json({ data: presentHook(req, hook(req)) })));
  router.put(
    '/webhooks/:id',
    handle((req, res) => {
      const h = hook(req);
      const body = req.body ?? {};
      validHook({ url: h.url, type: h.type, ...body });
      Object.assign(h, { url: body.url ?? h.url, type: body.type ?? h.type, active: body.active ?? h.active });
      res.json({ data: presentHook(req, h) });
    }),
  );
  router.delete(
    '/webhooks/:id',
    handle((req, res) => {
      const h = hook(req);
      req.retailer.webhooks = req.retailer.webhooks.filter((x) => x !== h);
      res.status(200).end();
    }),
  );

  router.use((_req, res) => res.status(404).json({ error: 'Not Found' }));
  return router;
}
