// The BigCommerce simulator's control API (/_control/...): create stores with credentials, seed the
// catalog, place orders as a shopper would, read state, set limits and webhook delivery faults.
// The base adds /_control/{faults,lost-responses,latency,clock,reset}.
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { SimClock } from '../common/clock.ts';
import type { WebhookSender } from '../common/webhooks.ts';
import { BcError, createProduct, stockBySku, type ProductInput } from './catalog.ts';
import { fireEvent, fireOrderStock } from './events.ts';
import { placeOrder } from './orders.ts';
import { presentShipment } from './present.ts';
import type { BcStore, BigCommerceState } from './state.ts';

export interface StoreInput {
  hash?: string;
  accessToken?: string;
  /** Requests per window (default 150, BigCommerce Standard/Plus). */
  quota?: number;
  /** Window length in ms (default 30 000). */
  windowMs?: number;
}

export interface SeedOrderInput {
  lines: { sku: string; quantity: number; price?: number }[];
  email?: string;
  first_name?: string;
  last_name?: string;
  external_order_id?: string;
  allow_oversell?: boolean;
}

export interface BigCommerceControl {
  createStore(input?: StoreInput): BcStore;
  seedProduct(hash: string, input: ProductInput): ReturnType<typeof createProduct>;
  placeOrder(hash: string, input: SeedOrderInput): ReturnType<typeof placeOrder>;
  stockBySku(hash: string): Record<string, number>;
  setLimits(hash: string, limits: { quota?: number; windowMs?: number }): void;
  requestCounts(hash: string): Record<string, number>;
}

export function bigCommerceControl(state: BigCommerceState, clock: SimClock, sender: WebhookSender): BigCommerceControl {
  const mustStore = (hash: string) => {
    const store = state.store(hash);
    if (!store) throw new BcError(404, `No store ${hash}`);
    return store;
  };
  return {
    createStore(input = {}) {
      const hash = input.hash ?? randomBytes(5).toString('hex');
      if (state.stores.has(hash)) throw new BcError(409, `Store ${hash} already exists`);
      const now = clock.now();
      const store: BcStore = {
        hash,
        storeId: String(1_000_000 + state.stores.size + 1),
        accessToken: input.accessToken ?? randomBytes(16).toString('hex'),
        clientId: randomBytes(8).toString('hex'),
        quota: input.quota ?? 150,
        windowMs: input.windowMs ?? 30_000,
        window: { startedAtMs: clock.nowMs(), used: 0 },
        products: [],
        locations: [{ id: 1, code: 'BC-LOCATION-1', label: 'Default location', enabled: true, created_at: now }],
        orders: [],
        shipments: [],
        customers: [],
        hooks: [],
        requests: [],
      };
      state.stores.set(hash, store);
      return store;
    },
    seedProduct(hash, input) {
      return createProduct(state, mustStore(hash), input, clock.now());
    },
    placeOrder(hash, input) {
      const store = mustStore(hash);
      const order = placeOrder(
        state,
        store,
        {
          products: input.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, price_inc_tax: l.price })),
          billing_address: { email: input.email ?? 'shopper@example.com', first_name: input.first_name ?? 'Sam', last_name: input.last_name ?? 'Shopper' },
          external_order_id: input.external_order_id,
          allow_oversell: input.allow_oversell,
        },
        clock.now(),
      );
      fireEvent(sender, store, 'store/order/created', { type: 'order', id: order.id }, clock.nowMs());
      fireOrderStock(sender, store, order, clock.nowMs());
      return order;
    },
    stockBySku(hash) {
      return stockBySku(mustStore(hash));
    },
    setLimits(hash, limits) {
      const store = mustStore(hash);
      if (limits.quota !== undefined) store.quota = limits.quota;
      if (limits.windowMs !== undefined) store.windowMs = limits.windowMs;
      store.window = { startedAtMs: clock.nowMs(), used: 0 };
    },
    requestCounts(hash) {
      const counts: Record<string, number> = {};
      for (const r of mustStore(hash).requests) {
        const key = `${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
  };
}

export function bigCommerceControlRouter(state: BigCommerceState, control: BigCommerceControl, sender: WebhookSender) {
  const router = express.Router();
  const handle = (fn: (req: Request, res: Response) => void) => (req: Request, res: Response) => {
    try {
      fn(req, res);
    } catch (err) {
      if (!(err instanceof BcError)) throw err;
      res.status(err.status).json({ error: err.title, errors: err.errors });
    }
  };
  const store = (req: Request) => {
    const s = state.store(req.params.hash);
    if (!s) throw new BcError(404, `No store ${req.params.hash}`);
    return s;
  };

  router.post(
    '/stores',
    handle((req, res) => {
      const s = control.createStore(req.body ?? {});
      res.status(201).json({ hash: s.hash, accessToken: s.accessToken, storeId: s.storeId, locationId: s.locations[0].id, quota: s.quota, windowMs: s.windowMs });
    }),
  );
  router.post(
    '/stores/:hash/products',
    handle((req, res) => {
      const p = control.seedProduct(req.params.hash, req.body);
      res.status(201).json({ id: p.id, variants: p.variants.map((v) => ({ id: v.id, sku: v.sku })) });
    }),
  );
  router.post(
    '/stores/:hash/orders',
    handle((req, res) => {
      const order = control.placeOrder(req.params.hash, req.body);
      res.status(201).json({ id: order.id, lines: order.lines });
    }),
  );
  router.get('/stores/:hash/stock', handle((req, res) => res.json(control.stockBySku(req.params.hash))));
  router.get(
    '/stores/:hash/orders',
    handle((req, res) => res.json(store(req).orders)),
  );
  router.get(
    '/stores/:hash/shipments',
    handle((req, res) => {
      const s = store(req);
      res.json(s.shipments.map((sh) => presentShipment(s.orders.find((o) => o.id === sh.order_id)!, sh)));
    }),
  );
  router.get(
    '/stores/:hash/requests',
    handle((req, res) => res.json({ requests: store(req).requests, counts: control.requestCounts(req.params.hash) })),
  );
  router.post(
    '/stores/:hash/limits',
    handle((req, res) => {
      control.setLimits(req.params.hash, req.body ?? {});
      const s = store(req);
      res.json({ quota: s.quota, windowMs: s.windowMs });
    }),
  );
  router.post('/webhook-faults', (req, res) => {
    Object.assign(sender.faults, req.body ?? {});
    res.json(sender.faults);
  });
  router.get('/webhooks', (_req, res) => res.json({ deliveries: sender.log }));
  return router;
}
