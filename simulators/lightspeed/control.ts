// The Lightspeed simulator's control API (/_control/...): create retailers (with registers, an
// authorization code and a ready token pair), seed products with stock, place a register sale as a
// shopper would, read state, set limits, expire access tokens, and set webhook delivery faults.
// The base adds /_control/{faults,lost-responses,latency,clock,reset}.
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { SimClock } from '../common/clock.ts';
import type { WebhookSender } from '../common/webhooks.ts';
import { issueCode, issueTokens, type OAuthApp } from './auth.ts';
import { createProducts, LsError, type ProductSeed } from './catalog.ts';
import { fireWebhook } from './events.ts';
import { presentFulfillment, presentInventory, presentSale } from './present.ts';
import { createCustomer, createSale, type CustomerInput } from './sales.ts';
import { rateLimitOf, stockBySku, uuid, type LightspeedState, type LsProduct, type LsRetailer, type LsSale } from './state.ts';

export interface RetailerInput {
  domainPrefix?: string;
  /** Registers (default 1): the rate limit is 300 × registers + 50 per 5 minutes. */
  registers?: number;
  /** Extra outlets beyond the main one. */
  outlets?: string[];
}

export interface SeedSaleInput {
  lines: { sku: string; quantity: number; price?: number }[];
  customer_email?: string;
  invoice_number?: string;
  note?: string;
  /** DISPATCH creates an OPEN fulfillment for the sale. */
  fulfillment?: 'DISPATCH' | 'PICKUP';
}

export interface LightspeedControl {
  createRetailer(input?: RetailerInput): { retailer: LsRetailer; code: string; accessToken: string; refreshToken: string };
  authorizationCode(prefix: string): string;
  seedProduct(prefix: string, seed: ProductSeed): LsProduct[];
  seedCustomer(prefix: string, input: CustomerInput): ReturnType<typeof createCustomer>;
  placeSale(prefix: string, input: SeedSaleInput): LsSale;
  stockBySku(prefix: string): Record<string, number>;
  setLimits(prefix: string, limits: { registers?: number; limit?: number | null; windowMs?: number }): { limit: number; windowMs: number };
  expireAccessTokens(prefix: string): void;
  requestCounts(prefix: string): Record<string, number>;
}

export function lightspeedControl(state: LightspeedState, app: OAuthApp, clock: SimClock, sender: WebhookSender): LightspeedControl {
  const must = (prefix: string) => {
    const r = state.retailer(prefix);
    if (!r) throw new LsError(404, `No retailer ${prefix}`);
    return r;
  };
  const now = () => clock.now().toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const makeRegisters = (outletId: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({ id: uuid(), outlet_id: outletId, name: `Register ${i + 1}` }));
  return {
    createRetailer(input = {}) {
      const prefix = input.domainPrefix ?? `store${randomBytes(3).toString('hex')}`;
      if (state.retailers.has(prefix)) throw new LsError(409, `Retailer ${prefix} already exists`);
      const outlets = [{ id: uuid(), name: 'Main Outlet' }, ...(input.outlets ?? []).map((name) => ({ id: uuid(), name }))];
      const retailer: LsRetailer = {
        domainPrefix: prefix,
        retailerId: uuid(),
        userId: uuid(),
        registers: makeRegisters(outlets[0].id, input.registers ?? 1),
        outlets,
        taxId: uuid(),
        limitOverride: null,
        windowMs: 5 * 60_000,
        recent: [],
        products: [],
        inventory: [],
        adjustments: [],
        sales: [],
        fulfillments: [],
        customers: [],
        webhooks: [],
        codes: new Set(),
        tokens: [],
        requests: [],
      };
      state.retailers.set(prefix, retailer);
      const tokens = issueTokens(retailer, app, clock);
      return { retailer, code: issueCode(retailer), accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
    },
    authorizationCode(prefix) {
      return issueCode(must(prefix));
    },
    seedProduct(prefix, seed) {
      return createProducts(state, must(prefix), seed, now());
    },
    seedCustomer(prefix, input) {
      return createCustomer(state, must(prefix), input, now());
    },
    placeSale(prefix, input) {
      const retailer = must(prefix);
      const lines = input.lines.map((l) => {
        const product = retailer.products.find((p) => p.sku === l.sku && !p.deleted_at);
        if (!product) throw new LsError(422, `No product with SKU ${l.sku}`);
        return { product: { id: product.id }, quantity: l.quantity, pricing: l.price === undefined ? undefined : { price: l.price } };
      });
      const email = input.customer_email?.toLowerCase();
      const customer = email ? (retailer.customers.find((c) => c.email?.toLowerCase() === email) ?? createCustomer(state, retailer, { email, first_name: email.split('@')[0] }, now())) : undefined;
      const sale = createSale(
        state,
        retailer,
        {
          state: 'closed',
          line_items: lines,
          customer_id: customer?.id,
          invoice_number: input.invoice_number,
          note: input.note,
          fulfillment_details: input.fulfillment ? [{ type: input.fulfillment }] : undefined,
        },
        now(),
      );
      fireWebhook(sender, retailer, app.clientSecret, 'sale.update', presentSale(sale));
      for (const line of sale.line_items) {
        const record = retailer.inventory.find((i) => i.product_id === line.product_id && i.outlet_id === sale.outlet_id);
        if (record) fireWebhook(sender, retailer, app.clientSecret, 'inventory.update', presentInventory(record));
      }
      return sale;
    },
    stockBySku(prefix) {
      return stockBySku(must(prefix));
    },
    setLimits(prefix, limits) {
      const retailer = must(prefix);
      if (limits.registers !== undefined) retailer.registers = makeRegisters(retailer.outlets[0].id, limits.registers);
      if (limits.limit !== undefined) retailer.limitOverride = limits.limit;
      if (limits.windowMs !== undefined) retailer.windowMs = limits.windowMs;
      retailer.recent = [];
      return { limit: rateLimitOf(retailer), windowMs: retailer.windowMs };
    },
    expireAccessTokens(prefix) {
      for (const t of must(prefix).tokens) t.accessExpiresAtMs = Math.min(t.accessExpiresAtMs, clock.nowMs());
    },
    requestCounts(prefix) {
      const counts: Record<string, number> = {};
      for (const r of must(prefix).requests) {
        const key = `${r.method} ${r.path.replace(/\/[0-9a-f]{8}-[0-9a-f-]{27}(?=\/|$)/g, '/{id}')}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
  };
}

export function lightspeedControlRouter(state: LightspeedState, control: LightspeedControl, app: OAuthApp, sender: WebhookSender) {
  const router = express.Router();
  const handle = (fn: (req: Request, res: Response) => void) => (req: Request, res: Response) => {
    try {
      fn(req, res);
    } catch (err) {
      if (!(err instanceof LsError)) throw err;
      res.status(err.status).json(err.body());
    }
  };
  const retailer = (req: Request) => {
    const r = state.retailer(req.params.prefix);
    if (!r) throw new LsError(404, `No retailer ${req.params.prefix}`);
    return r;
  };

  router.get('/app', (_req, res) => res.json({ clientId: app.clientId, clientSecret: app.clientSecret, accessTokenTtlMs: app.accessTokenTtlMs }));
  router.post(
    '/retailers',
    handle((req, res) => {
      const made = control.createRetailer(req.body ?? {});
      const r = made.retailer;
      res.status(201).json({
        domainPrefix: r.domainPrefix,
        retailerId: r.retailerId,
        outlets: r.outlets,
        registers: r.registers,
        code: made.code,
        accessToken: made.accessToken,
        refreshToken: made.refreshToken,
        rateLimit: rateLimitOf(r),
      });
    }),
  );
  router.post('/retailers/:prefix/codes', handle((req, res) => res.status(201).json({ code: control.authorizationCode(req.params.prefix) })));
  router.post(
    '/retailers/:prefix/products',
    handle((req, res) => res.status(201).json({ products: control.seedProduct(req.params.prefix, req.body).map((p) => ({ id: p.id, sku: p.sku, variant_parent_id: p.variant_parent_id })) })),
  );
  router.post('/retailers/:prefix/customers', handle((req, res) => res.status(201).json({ id: control.seedCustomer(req.params.prefix, req.body ?? {}).id })));
  router.post('/retailers/:prefix/sales', handle((req, res) => res.status(201).json(presentSale(control.placeSale(req.params.prefix, req.body)))));
  router.get('/retailers/:prefix/stock', handle((req, res) => res.json(control.stockBySku(req.params.prefix))));
  router.get('/retailers/:prefix/sales', handle((req, res) => res.json(retailer(req).sales.map(presentSale))));
  router.get('/retailers/:prefix/fulfillments', handle((req, res) => res.json(retailer(req).fulfillments.map(presentFulfillment))));
  router.get(
    '/retailers/:prefix/requests',
    handle((req, res) => res.json({ requests: retailer(req).requests, counts: control.requestCounts(req.params.prefix) })),
  );
  router.post('/retailers/:prefix/limits', handle((req, res) => res.json(control.setLimits(req.params.prefix, req.body ?? {}))));
  router.post(
    '/retailers/:prefix/expire-tokens',
    handle((req, res) => {
      control.expireAccessTokens(req.params.prefix);
      res.status(204).end();
    }),
  );
  router.post('/webhook-faults', (req, res) => {
    Object.assign(sender.faults, req.body ?? {});
    res.json(sender.faults);
  });
  router.get('/webhooks', (_req, res) => res.json({ deliveries: sender.log }));
  return router;
}
