// The WooCommerce simulator's answers held to the reference's property tables
// (shared/contracts/woocommerce/wp-api-v3_*.md, read by reference-schema.ts), for every call the
// WooCommerce connector makes and the webhook resource. Skips, saying so, without the contracts.
import { Ajv } from 'ajv';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contractsPresent, missingContractsMessage } from '../common/openapi.ts';
import { startWooCommerceSimulator, type WooCommerceSimulator } from './index.ts';
import { documentedSchema, type DocumentedSchema } from './reference-schema.ts';

const DOCS = 'woocommerce/wp-api-v3_products.md';
const present = contractsPresent(DOCS);
const title = present ? 'WooCommerce simulator against the REST API v3 reference' : missingContractsMessage(DOCS);

const SITE = 'contract';
const KEY = 'ck_contract';
const SECRET = 'cs_contract';

describe.skipIf(!present)(title, () => {
  let sim: WooCommerceSimulator;
  let shirtId: number;
  let variationIds: number[];
  let toteId: number;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const schemas = present
    ? {
        product: documentedSchema('wp-api-v3_products.md', 'Product properties'),
        variation: documentedSchema('wp-api-v3_product-variations.md', 'Product variation properties'),
        order: documentedSchema('wp-api-v3_orders.md', 'Order properties'),
        note: documentedSchema('wp-api-v3_order-notes.md', 'Order note properties'),
        customer: documentedSchema('wp-api-v3_customers.md', 'Customer properties'),
        webhook: documentedSchema('wp-api-v3_webhooks.md', 'Webhook properties'),
      }
    : undefined;
  type Resource = keyof NonNullable<typeof schemas>;

  // The introduction's error object: `code`, `message` and `data` with the status.
  const errorSchema = {
    type: 'object',
    required: ['code', 'message', 'data'],
    properties: { code: { type: 'string' }, message: { type: 'string' }, data: { type: 'object', required: ['status'], properties: { status: { type: 'integer' } } } },
  };
  // Batch answers list each object, or `{ id, error }` for one that failed (products "Batch update").
  const batchSchema = (item: DocumentedSchema) => ({
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      ['create', 'update', 'delete'].map((k) => [k, { type: 'array', items: { anyOf: [item, { type: 'object', required: ['id', 'error'], additionalProperties: false, properties: { id: { type: 'integer' }, error: errorSchema } }] } }]),
    ),
  });

  function expectDocumented(schema: object, body: unknown) {
    const validate = ajv.compile(schema);
    const valid = validate(body);
    expect(validate.errors?.map((e) => `${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`) ?? []).toEqual([]);
    expect(valid).toBe(true);
  }
  const expectOne = (resource: Resource, body: unknown) => expectDocumented(schemas![resource], body);
  const expectList = (resource: Resource, body: unknown) => {
    expect(Array.isArray(body) && body.length > 0, `a non-empty list of ${resource}s`).toBe(true);
    expectDocumented({ type: 'array', items: schemas![resource] }, body);
  };

  async function call(method: string, path: string, body?: unknown) {
    const res = await fetch(`${sim.siteApi(SITE)}${path}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  beforeAll(async () => {
    sim = await startWooCommerceSimulator({ latencyMs: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.state.reset();
    sim.createSite({ id: SITE, consumerKey: KEY, consumerSecret: SECRET });
    const { product, variations } = sim.seedProduct(SITE, {
      name: 'Linen Shirt',
      sku: 'SHIRT',
      attributes: [{ id: 0, name: 'Size', options: ['S', 'M'], variation: true, visible: true }],
      variations: [
        { sku: 'SHIRT-S', regular_price: '40.00', stock_quantity: 5, attributes: [{ id: 0, name: 'Size', option: 'S' }] },
        { sku: 'SHIRT-M', regular_price: '42.00', sale_price: '39.00', stock_quantity: 7, attributes: [{ id: 0, name: 'Size', option: 'M' }] },
      ],
    });
    shirtId = product.id;
    variationIds = variations.map((v) => v.id);
    toteId = sim.seedProduct(SITE, { name: 'Canvas Tote', sku: 'TOTE', regular_price: '15.00', stock_quantity: 20 }).product.id;
  });

  describe('when the connector reads the catalog', () => {
    it.each([
      ['/products?per_page=100&page=1&orderby=id&order=asc'],
      ['/products?per_page=100&page=1&orderby=id&order=asc&modified_after=2000-01-01T00:00:00&dates_are_gmt=true'],
      ['/products?sku=TOTE,SHIRT'],
      ['/products?type=variable'],
    ])('answers GET %s with documented products', async (path) => {
      const res = await call('GET', path);
      expect(res.status).toBe(200);
      expectList('product', res.body);
    });

    it('answers GET /products?include= and /products/{id}/variations with documented objects', async () => {
      expectList('product', (await call('GET', `/products?include=${shirtId},${toteId}`)).body);
      expectList('variation', (await call('GET', `/products/${shirtId}/variations?per_page=100&page=1`)).body);
    });
  });

  describe('when the connector writes stock in batches', () => {
    it('answers a products batch with documented products and documented item errors', async () => {
      const res = await call('POST', '/products/batch', { update: [{ id: toteId, manage_stock: true, stock_quantity: 3 }, { id: 999_999, stock_quantity: 1 }] });
      expect(res.status).toBe(200);
      expectDocumented(batchSchema(schemas!.product), res.body);
    });

    it('answers a variations batch with documented variations', async () => {
      const res = await call('POST', `/products/${shirtId}/variations/batch`, { update: variationIds.map((id) => ({ id, manage_stock: true, stock_quantity: 2 })) });
      expect(res.status).toBe(200);
      expectDocumented(batchSchema(schemas!.variation), res.body);
    });
  });

  describe('when the connector forwards orders and ships them', () => {
    async function forward() {
      const created = await call('POST', '/orders', {
        status: 'processing',
        set_paid: true,
        billing: { first_name: 'Ada', email: 'ada@retail.example' },
        shipping: { first_name: 'Ada', address_1: '1 Main St', city: 'Paris', country: 'FR' },
        line_items: [{ product_id: shirtId, variation_id: variationIds[0], quantity: 2, subtotal: '60.00', total: '60.00' }],
        meta_data: [{ key: '_tandem_reference', value: 'tandem:retailer:1001' }],
      });
      expect(created.status).toBe(201);
      return created.body as { id: number };
    }

    it('answers POST /orders, GET /orders/{id} and the order lists with documented orders', async () => {
      const order = await forward();
      expectOne('order', order);
      expectOne('order', (await call('GET', `/orders/${order.id}`)).body);
      expectList('order', (await call('GET', '/orders?per_page=100&page=1&orderby=id&order=asc&status=any')).body);
      expectList('order', (await call('GET', '/orders?per_page=100&page=1&status=any&modified_after=2000-01-01T00:00:00&dates_are_gmt=true')).body);
    });

    it('answers PUT /orders/{id} and the customer notes with documented objects', async () => {
      const order = await forward();
      const updated = await call('PUT', `/orders/${order.id}`, { status: 'completed', meta_data: [{ key: '_tandem_fulfillments', value: '[]' }] });
      expectOne('order', updated.body);
      const note = await call('POST', `/orders/${order.id}/notes`, { note: 'Shipped with UPS 1Z999', customer_note: true });
      expect(note.status).toBe(201);
      expectOne('note', note.body);
      expectList('note', (await call('GET', `/orders/${order.id}/notes?type=customer`)).body);
    });
  });

  describe('when the connector looks buyers up', () => {
    it('answers POST /customers, GET /customers/{id} and GET /customers?email= with documented customers', async () => {
      const created = await call('POST', '/customers', { email: 'ada@retail.example', first_name: 'Ada', last_name: 'L', billing: { company: 'Retail Co' } });
      expect(created.status).toBe(201);
      expectOne('customer', created.body);
      expectOne('customer', (await call('GET', `/customers/${(created.body as { id: number }).id}`)).body);
      expectList('customer', (await call('GET', '/customers?email=ada@retail.example&role=all')).body);
    });
  });

  describe('when webhooks are managed', () => {
    it('answers POST and GET /webhooks with documented webhooks, never echoing the secret', async () => {
      const created = await call('POST', '/webhooks', { name: 'Orders', topic: 'order.created', delivery_url: 'https://tandem.example/webhooks/woo', secret: 'shh' });
      expect(created.status).toBe(201);
      expectOne('webhook', created.body);
      expectList('webhook', (await call('GET', '/webhooks')).body);
    });
  });

  describe('when a call fails', () => {
    it.each([
      ['GET', '/products/999999', 404],
      ['GET', '/products?per_page=101', 400],
      ['POST', '/products/batch', 413],
    ])('answers %s %s with the documented error object', async (method, path, status) => {
      const res = await call(method, path, method === 'POST' ? { create: Array.from({ length: 101 }, (_, i) => ({ name: `P${i}` })) } : undefined);
      expect(res.status).toBe(status);
      expectDocumented({ ...errorSchema, additionalProperties: false }, res.body);
    });
  });

  it('refuses a field the reference does not document (the check can fail)', () => {
    const validate = ajv.compile(schemas!.product);
    expect(validate({ id: 1, name: 'Mug', stock: 3 })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'stock' } });
    expect(ajv.compile(schemas!.product)({ id: 1, type: 'bundle' })).toBe(false);
  });
});
