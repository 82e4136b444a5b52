// The HTTP control API under /_control (the contract the demo and the shared CLI use). Bodies are
// parsed with zod; a bad body answers 400 naming the field.
import type { Express, NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { UnknownOrder, UnknownShop, UnknownSku, type ShopifyControl } from './control.ts';
import { FulfillmentRefused } from './orders.ts';
import { PLAN_BUCKETS, type PlanName } from './state.ts';

const Plan = z.enum(Object.keys(PLAN_BUCKETS) as [PlanName, ...PlanName[]]);
const Bucket = z.object({ maximumAvailable: z.number().positive().optional(), restoreRate: z.number().positive().optional() });

const ShopBody = z.object({
  domain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'expected {name}.myshopify.com'),
  name: z.string().optional(),
  email: z.string().optional(),
  plan: Plan.optional(),
  ianaTimezone: z.string().optional(),
  currencyCode: z.string().length(3).optional(),
  bucket: Bucket.optional(),
  locations: z.array(z.string()).optional(),
});

const Address = z.object({
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  company: z.string().nullish(),
  address1: z.string().nullish(),
  address2: z.string().nullish(),
  city: z.string().nullish(),
  provinceCode: z.string().nullish(),
  countryCode: z.string().nullish(),
  zip: z.string().nullish(),
  phone: z.string().nullish(),
});

const SeedVariant = z.object({
  sku: z.string().nullish(),
  price: z.union([z.string(), z.number()]).optional(),
  compareAtPrice: z.union([z.string(), z.number()]).nullish(),
  barcode: z.string().nullish(),
  title: z.string().optional(),
  inventoryPolicy: z.enum(['DENY', 'CONTINUE']).optional(),
  available: z.number().int().optional(),
  inventory: z.array(z.object({ location: z.union([z.string(), z.number()]).optional(), available: z.number().int() })).optional(),
});

const SeedProductBody = z.object({
  title: z.string().min(1),
  handle: z.string().optional(),
  status: z.enum(['ACTIVE', 'ARCHIVED', 'DRAFT', 'UNLISTED']).optional(),
  vendor: z.string().optional(),
  productType: z.string().optional(),
  descriptionHtml: z.string().optional(),
  tags: z.array(z.string()).optional(),
  images: z.array(z.object({ url: z.string().url(), altText: z.string().nullable().optional() })).optional(),
  variants: z.array(SeedVariant).optional(),
});

const OrderBody = z.object({
  lineItems: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })).min(1),
  email: z.string().optional(),
  shippingAddress: Address.optional(),
  tags: z.array(z.string()).optional(),
  note: z.string().optional(),
});

const TrackingBody = z.object({ company: z.string().min(1).optional(), number: z.string().min(1).optional(), url: z.string().url().optional() });

const Subscription = z.union([z.object({ topic: z.string(), uri: z.string().url() }), z.object({ topics: z.array(z.string()), uri: z.string().url() })]);

const AppBody = z.object({
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  scopes: z.string().optional(),
  appUrl: z.string().optional(),
  webhooks: z.array(Subscription).optional(),
});

const DeliveryFaultsBody = z.object({ drop: z.number().int().min(0).optional(), duplicate: z.number().int().min(0).optional(), delayMs: z.number().min(0).optional() });

type Handler = (req: Request, res: Response) => unknown;

function route(fn: Handler) {
  return (req: Request, res: Response, next: NextFunction) => {
    try {
      const out = fn(req, res);
      if (out !== undefined && !res.headersSent) res.json(out);
    } catch (err) {
      if (err instanceof z.ZodError) {
        res.status(400).json({ error: 'invalid_body', issues: err.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });
      } else if (err instanceof UnknownShop || err instanceof UnknownSku || err instanceof UnknownOrder) {
        res.status(404).json({ error: err.message });
      } else if (err instanceof FulfillmentRefused) {
        res.status(422).json({ error: err.message, field: err.field.join('.') });
      } else {
        next(err);
      }
    }
  };
}

export function mountControlRoutes(app: Express, control: ShopifyControl) {
  app.get('/_control/app', route(() => control.app()));
  app.post(
    '/_control/app',
    route((req) => {
      const body = AppBody.parse(req.body);
      const { webhooks, ...rest } = body;
      control.configureApp(rest);
      if (webhooks) control.setWebhookSubscriptions(webhooks);
      return control.app();
    }),
  );
  app.get('/_control/webhooks/subscriptions', route(() => control.app().webhooks));
  app.post('/_control/webhooks/subscriptions', route((req) => control.setWebhookSubscriptions(z.array(Subscription).parse(Array.isArray(req.body) ? req.body : [req.body]))));
  app.post('/_control/webhooks/faults', route((req) => control.setDeliveryFaults(DeliveryFaultsBody.parse(req.body))));
  app.get('/_control/webhooks/deliveries', route(() => control.deliveries()));

  app.post('/_control/session-token', route((req) => ({ token: control.sessionToken(z.object({ shop: z.string() }).parse(req.body).shop, String(req.body?.sub ?? '1')) })));

  app.get('/_control/shops', route(() => control.listShops()));
  app.post(
    '/_control/shops',
    route((req, res) => {
      res.status(201);
      return control.createShop(ShopBody.parse(req.body));
    }),
  );
  app.get('/_control/shops/:shop', route((req) => control.shopSummary(control.shop(req.params.shop))));
  app.post('/_control/shops/:shop/plan', route((req) => {
    const body = z.object({ plan: Plan.optional(), maximumAvailable: z.number().positive().optional(), restoreRate: z.number().positive().optional() }).parse(req.body);
    const bucket = { ...(body.maximumAvailable ? { maximumAvailable: body.maximumAvailable } : {}), ...(body.restoreRate ? { restoreRate: body.restoreRate } : {}) };
    return control.setPlan(req.params.shop, body.plan, bucket);
  }));
  app.post('/_control/shops/:shop/locations', route((req, res) => {
    res.status(201);
    return control.addLocation(req.params.shop, z.object({ name: z.string().min(1) }).parse(req.body).name);
  }));
  app.post('/_control/shops/:shop/tokens', route((req, res) => {
    const body = z.object({ expiring: z.boolean().optional(), scope: z.string().optional() }).parse(req.body ?? {});
    res.status(201);
    return control.issueToken(req.params.shop, body);
  }));
  app.post('/_control/shops/:shop/uninstall', route((req) => {
    control.uninstall(req.params.shop);
    return { uninstalled: true };
  }));

  app.get('/_control/shops/:shop/products', route((req) => control.products(req.params.shop)));
  app.post('/_control/shops/:shop/products', route((req, res) => {
    const list = z.array(SeedProductBody).parse(Array.isArray(req.body) ? req.body : [req.body]);
    res.status(201);
    const created = control.seedProducts(req.params.shop, list);
    return Array.isArray(req.body) ? created : created[0];
  }));
  app.get('/_control/shops/:shop/inventory', route((req) => (typeof req.query.sku === 'string' ? control.inventoryBySku(req.params.shop, req.query.sku) : control.inventory(req.params.shop))));
  app.get('/_control/shops/:shop/orders', route((req) => control.orders(req.params.shop)));
  app.post('/_control/shops/:shop/orders', route((req, res) => {
    const order = control.placeOrder(req.params.shop, OrderBody.parse(req.body));
    res.status(201);
    return order;
  }));
  app.post('/_control/shops/:shop/orders/:order/fulfillments', route((req, res) => {
    const shipped = control.shipOrder(req.params.shop, req.params.order, TrackingBody.parse(req.body ?? {}));
    res.status(201);
    return shipped;
  }));
  app.post('/_control/shops/:shop/orders/:order/cancel', route((req) => control.cancelOrder(req.params.shop, req.params.order)));
  app.get('/_control/shops/:shop/fulfillments', route((req) => control.fulfillments(req.params.shop)));
  app.get('/_control/shops/:shop/calls', route((req) => control.calls(req.params.shop)));
}
