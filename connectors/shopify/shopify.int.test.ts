import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signWebhook, startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { startReceiver } from '../../simulators/shopify/test-support/receiver.ts';
import { describeConnectorConformance } from '../sdk/conformance.ts';
import { memoryCredentials, requireCapability, silentLogger, type Connector, type Credentials } from '../sdk/connector.ts';
import type { Budget } from '../sdk/budget.ts';
import { unlimitedBudget } from '../sdk/budget.ts';
import { createMemoryBudget } from '../sdk/memory-budget.ts';
import type { ConnectorError } from '../sdk/errors.ts';
import type { Sku } from '../sdk/types.ts';
import shopify from './index.ts';

const SHOP = 'supplier.myshopify.com';
const sku = (s: string) => s as Sku;

function connect(sim: ShopifySimulator, credentials: Credentials, budget: Budget = unlimitedBudget): Connector {
  return shopify.create({ shop: SHOP, clientId: sim.app().clientId }, { budget, credentials: memoryCredentials(credentials), logger: silentLogger, baseUrlOverride: sim.url });
}

function seedCatalog(sim: ShopifySimulator, products: number) {
  return sim.seedProducts(
    SHOP,
    Array.from({ length: products }, (_, i) => ({
      title: `Product ${i + 1}`,
      variants: [
        { sku: `P${i + 1}-S`, price: '10.00', available: 5, selectedOptions: [{ name: 'Size', value: 'S' }] },
        { sku: `P${i + 1}-M`, price: '12.00', available: 5, selectedOptions: [{ name: 'Size', value: 'M' }] },
      ],
      options: [{ name: 'Size', values: ['S', 'M'] }],
    })),
  );
}

describeConnectorConformance('Shopify', async () => {
  const sim = await startShopifySimulator({ latencyMs: 0, shops: [{ domain: SHOP }] });
  seedCatalog(sim, 20);
  sim.seedProducts(SHOP, [{ title: 'Twin A', variants: [{ sku: 'TWIN', available: 1 }] }, { title: 'Twin B', variants: [{ sku: 'TWIN', available: 1 }] }]);
  const token = sim.issueToken(SHOP).access_token;
  const secret = sim.app().clientSecret;
  return {
    connector: connect(sim, { accessToken: token, webhookSecret: secret }),
    fixtures: { knownSku: sku('P1-S'), duplicateSku: sku('TWIN'), minimumProducts: 22, newCustomerEmail: 'buyer@retail.example' },
    signWebhook: (topic, body) => ({
      'X-Shopify-Topic': topic,
      'X-Shopify-Hmac-Sha256': signWebhook(body, secret),
      'X-Shopify-Shop-Domain': SHOP,
      'X-Shopify-Webhook-Id': 'conformance-1',
    }),
    sampleWebhook: { topic: 'orders/create', body: '{"id":1,"admin_graphql_api_id":"gid://shopify/Order/1"}' },
    close: () => sim.close(),
  };
});

describe('Shopify connector against the simulator', () => {
  let sim: ShopifySimulator;
  let token: string;

  beforeAll(async () => {
    sim = await startShopifySimulator({ latencyMs: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.reset();
    sim.createShop({ domain: SHOP });
    token = sim.issueToken(SHOP).access_token;
  });

  describe('when pulling the catalog incrementally', () => {
    it('pages through every product, then returns only what changed since the checkpoint', async () => {
      seedCatalog(sim, 20);
      const connector = requireCapability(connect(sim, { accessToken: token }), 'products.read');
      const pages: number[] = [];
      let cursor: string | null = null;
      const titles: string[] = [];
      do {
        const page = await connector.listChangedProducts({ cursor });
        pages.push(page.items.length);
        titles.push(...page.items.map((p) => p.title));
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages).toEqual([8, 8, 4]);
      expect(new Set(titles).size).toBe(20);

      const checkpoint = new Date(Date.now() + 1_000);
      sim.clock.advance(5_000);
      const product = requireCapability(connect(sim, { accessToken: token }), 'products.write');
      const target = (await connector.findVariantsBySku([sku('P3-S')])).get(sku('P3-S'))![0];
      await product.updateProduct(target.productExternalId, {
        externalReference: 'ref-p3',
        title: 'Product 3 renamed',
        description: '',
        options: [{ name: 'Size', values: ['S', 'M'] }],
        variants: [
          { sku: sku('P3-S'), selectedOptions: [{ name: 'Size', value: 'S' }], price: '11.00' },
          { sku: sku('P3-M'), selectedOptions: [{ name: 'Size', value: 'M' }], price: '12.00' },
        ],
      });
      const changed = await connector.listChangedProducts({ since: checkpoint });
      expect(changed.items.map((p) => [p.title, p.variants.map((v) => `${v.sku}=${v.price}`)])).toEqual([['Product 3 renamed', ['P3-S=11.00', 'P3-M=12.00']]]);
      expect(changed.nextCursor).toBeNull();
      expect(changed.items[0].variants[0].externalId).toBe(target.externalId);
    });

    it('creates a new product as an unpublished draft carrying Tandem’s reference, once', async () => {
      const writer = requireCapability(connect(sim, { accessToken: token }), 'products.write');
      const input = {
        externalReference: 'supplier.myshopify.com/gid://shopify/Product/77',
        title: 'Linen apron',
        description: '<p>Heavy linen</p>',
        options: [{ name: 'Colour', values: ['Sand', 'Moss'] }],
        variants: [
          { sku: sku('APRON-SAND'), selectedOptions: [{ name: 'Colour', value: 'Sand' }], price: '24.00' },
          { sku: sku('APRON-MOSS'), selectedOptions: [{ name: 'Colour', value: 'Moss' }], price: '24.00' },
        ],
      };
      const first = await writer.createProduct(input);
      const again = await writer.createProduct(input);
      expect(again.externalId).toBe(first.externalId);
      expect(first.externalReference).toBe(input.externalReference);
      const stored = sim.products(SHOP);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ title: 'Linen apron', status: 'DRAFT', publishedOn: [] });
      expect(stored[0].variants.map((v) => v.sku)).toEqual(['APRON-SAND', 'APRON-MOSS']);
    });

    it('creates without looking the reference up when told it is the first attempt', async () => {
      const writer = requireCapability(connect(sim, { accessToken: token }), 'products.write');
      const before = sim.calls(SHOP).log.length;

      const created = await writer.createProduct(
        { externalReference: 'supplier.myshopify.com/gid://shopify/Product/78', title: 'Wool apron', description: '', options: [{ name: 'Title', values: ['Default'] }], variants: [{ sku: sku('APRON-WOOL'), selectedOptions: [{ name: 'Title', value: 'Default' }], price: '30.00' }] },
        { firstAttempt: true },
      );

      expect(sim.calls(SHOP).log.slice(before).flatMap((c) => c.rootFields).filter((f) => f !== 'location')).toEqual(['productSet']);
      expect(created.externalReference).toBe('supplier.myshopify.com/gid://shopify/Product/78');
    });
  });

  describe('when products carry images', () => {
    const images = (n: number) => Array.from({ length: n }, (_, i) => ({ url: `https://cdn.supplier.example/tote-${i + 1}.jpg`, altText: i === 0 ? 'Front' : null }));

    it('reads every image in position order, beyond the first page of media', async () => {
      sim.seedProducts(SHOP, [{ title: 'Tote', images: images(12), variants: [{ sku: 'TOTE', price: '5.00' }] }, { title: 'Bare', variants: [{ sku: 'BARE' }] }]);
      const connector = requireCapability(connect(sim, { accessToken: token }), 'products.read');

      const { items } = await connector.listChangedProducts({ cursor: null });

      const byTitle = Object.fromEntries(items.map((p) => [p.title, p.images]));
      expect(byTitle.Tote).toEqual(images(12));
      expect(byTitle.Bare).toEqual([]);
      expect(sim.calls(SHOP).counts.byRootField.product).toBe(1);
    });

    it('creates the retailer’s copy with the supplier’s images, and replaces them on update', async () => {
      const writer = requireCapability(connect(sim, { accessToken: token }), 'products.write');
      const input = {
        externalReference: 'supplier.myshopify.com/gid://shopify/Product/88',
        title: 'Tote',
        description: '',
        images: [{ url: 'https://cdn.supplier.example/a.jpg', altText: 'Front' }, { url: 'https://cdn.supplier.example/b.jpg', altText: null }],
        options: [{ name: 'Title', values: ['Default Title'] }],
        variants: [{ sku: sku('TOTE'), selectedOptions: [{ name: 'Title', value: 'Default Title' }], price: '10.00' }],
      };

      const created = await writer.createProduct(input);
      expect(created.images).toEqual(input.images);
      expect(sim.products(SHOP)[0]!.images).toEqual([{ url: 'https://cdn.supplier.example/a.jpg', altText: 'Front' }, { url: 'https://cdn.supplier.example/b.jpg', altText: null }]);

      const updated = await writer.updateProduct(created.externalId, { ...input, images: [{ url: 'https://cdn.supplier.example/c.jpg', altText: 'Side' }] });
      expect(updated.images).toEqual([{ url: 'https://cdn.supplier.example/c.jpg', altText: 'Side' }]);
      expect(sim.products(SHOP)[0]!.images).toEqual([{ url: 'https://cdn.supplier.example/c.jpg', altText: 'Side' }]);
    });

    it('includes the images in the bulk export of the whole catalog', async () => {
      sim.seedProducts(SHOP, [{ title: 'Tote', images: images(3), variants: [{ sku: 'TOTE' }] }]);
      const connector = requireCapability(connect(sim, { accessToken: token }), 'products.read');
      const products = [];
      for await (const product of connector.readFullCatalog!()) products.push(product);
      expect(products.map((p) => p.images)).toEqual([images(3)]);
    });
  });

  describe('when pushing stock for more variants than one call may carry', () => {
    it('splits the writes into batches of 250 and every quantity reads back', async () => {
      const products = sim.seedProducts(
        SHOP,
        Array.from({ length: 150 }, (_, i) => ({
          title: `Bulk ${i}`,
          options: [{ name: 'Size', values: ['S', 'M'] }],
          variants: [
            { sku: `B${i}-S`, available: 1, selectedOptions: [{ name: 'Size', value: 'S' }] },
            { sku: `B${i}-M`, available: 1, selectedOptions: [{ name: 'Size', value: 'M' }] },
          ],
        })),
      );
      const variants = products.flatMap((p) => p.variants);
      const connector = connect(sim, { accessToken: token });
      const writes = variants.map((v, i) => ({ variant: { variantId: v.id, inventoryItemId: i % 2 ? v.inventoryItemId : null, sku: sku(v.sku!) }, quantity: i % 37 }));
      const result = await requireCapability(connector, 'inventory.write').writeInventory(writes);
      expect(result).toEqual({ written: 300, stale: [] });
      expect(sim.calls(SHOP).counts.byRootField.inventorySetQuantities).toBe(2);
      const levels = await requireCapability(connector, 'inventory.read').readInventory(writes.map((w) => w.variant));
      expect(levels.map((l) => l.available)).toEqual(writes.map((w) => w.quantity));
      expect(sim.inventoryBySku(SHOP, 'B5-M')[0].available).toBe(11 % 37);
    });
  });

  describe('when the worker crashed after Shopify created the order but before Tandem recorded it', () => {
    it('finds the earlier order by its reference instead of creating a second one', async () => {
      seedCatalog(sim, 1);
      const input = {
        externalReference: 'tandem:retailer.myshopify.com:gid://shopify/Order/555',
        currency: 'USD',
        lineItems: [{ sku: sku('P1-M'), title: 'Product 1', quantity: 3, price: '12.00' }],
        customer: { email: 'shop@retailer.example', accountId: null },
        poNumber: '#1001',
      };
      const before = await requireCapability(connect(sim, { accessToken: token }), 'orders.write').createOrder(input);
      // The crash: nothing recorded. A new worker, with a new connector, retries the job.
      const after = await requireCapability(connect(sim, { accessToken: token }), 'orders.write').createOrder(input);
      expect(after.externalId).toBe(before.externalId);
      const orders = sim.orders(SHOP);
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({ sourceIdentifier: input.externalReference, tags: [`tandem-ref:${input.externalReference}`] });
      expect(orders[0].metafields).toEqual([{ namespace: 'tandem', key: 'external_reference', type: 'single_line_text_field', value: input.externalReference }]);
      expect(after.lineItems.map((l) => [l.sku, l.quantity, l.price])).toEqual([['P1-M', 3, '12.00']]);
    });
  });

  describe('when an order is created for a buyer the store already keeps as a customer', () => {
    it('leaves that customer as it is and attaches the order to it only when Tandem linked it', async () => {
      seedCatalog(sim, 1);
      const writer = requireCapability(connect(sim, { accessToken: token }), 'orders.write');
      const kept = await requireCapability(connect(sim, { accessToken: token }), 'customers.write').createCustomer({ email: 'buyer@retail.example', firstName: 'Dana', lastName: 'Reyes', phone: '+15035550142', company: null, accountId: null });
      const customer = () => ({ ...sim.shop(SHOP).customers.get(Number(kept.externalId.split('/').pop()))! });
      const before = customer();
      const order = (ref: string, externalId: string | null) => ({
        externalReference: ref,
        currency: 'USD',
        lineItems: [{ sku: sku('P1-M'), title: 'Product 1', quantity: 1, price: '12.00' }],
        customer: { email: 'buyer@retail.example', accountId: null, firstName: 'Corner', lastName: 'Store', externalId },
      });

      const unlinked = await writer.createOrder(order('tandem:unlinked', null));
      const linked = await writer.createOrder(order('tandem:linked', kept.externalId));

      expect(customer()).toEqual(before);
      expect(sim.shop(SHOP).customers.size).toBe(1);
      const customerOf = (id: string) => sim.shop(SHOP).orders.get(Number(id.split('/').pop()))!.customerId;
      expect([customerOf(unlinked.externalId), customerOf(linked.externalId)]).toEqual([null, before.id]);
    });
  });

  describe('when a burst of calls meets a small cost bucket', () => {
    it('paces the burst from the budget and throttleStatus so Shopify never answers THROTTLED', async () => {
      seedCatalog(sim, 3);
      sim.setPlan(SHOP, undefined, { maximumAvailable: 500, restoreRate: 100 });
      const budget = createMemoryBudget({ kind: 'token-bucket', capacity: 500, refillPerSecond: 100, unit: 'cost', source: 'https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits' });
      const connector = requireCapability(connect(sim, { accessToken: token }, budget), 'products.read');
      const started = Date.now();
      const pages = await Promise.all(Array.from({ length: 12 }, () => connector.listChangedVariants({})));
      expect(pages.every((p) => p.items.length === 6)).toBe(true);
      const { counts } = sim.calls(SHOP);
      expect(counts.throttled).toBe(0);
      expect(counts.total).toBe(12);
      // Each call requests ~402 points and is charged ~26: after a few calls the 500-point bucket
      // cannot cover a request, so the rest had to wait for refills at 100 points/s.
      const charged = counts.costCharged;
      expect(charged).toBeGreaterThan(100);
      expect(Date.now() - started).toBeGreaterThan(((charged - (500 - 402)) / 100) * 1000 * 0.8);
    });

    it('waits per restoreRate and retries when Shopify throttles a call the budget let through', async () => {
      seedCatalog(sim, 3);
      sim.setPlan(SHOP, undefined, { maximumAvailable: 500, restoreRate: 100 });
      const connector = requireCapability(connect(sim, { accessToken: token }), 'products.read');
      const pages = await Promise.all(Array.from({ length: 12 }, () => connector.listChangedVariants({})));
      expect(pages.every((p) => p.items.length === 6)).toBe(true);
      const { counts } = sim.calls(SHOP);
      expect(counts.throttled).toBeGreaterThan(0);
      expect(counts.total - counts.throttled).toBe(12);
    });
  });

  describe('when Shopify answers a storm of HTTP 429s', () => {
    it('waits out each Retry-After and gets every call through, paying the budget for each attempt and refunding the refused ones', async () => {
      seedCatalog(sim, 3);
      sim.faults.add({ route: 'POST /store/.*/graphql', status: 429, times: 6, retryAfterS: 0.05 });
      const inner = createMemoryBudget({ kind: 'token-bucket', capacity: 2_000, refillPerSecond: 100, unit: 'cost', source: 'https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits' });
      const ledger = { spends: 0, spent: 0, refunded: 0 };
      const budget: Budget = {
        async spend(units = 1, opts) {
          ledger.spends++;
          ledger.spent += units;
          return inner.spend(units, opts);
        },
        async refund(units) {
          ledger.refunded += units;
          return inner.refund(units);
        },
        observe: (state) => inner.observe(state),
        usage: () => inner.usage(),
      };
      const reader = requireCapability(connect(sim, { accessToken: token }, budget), 'products.read');

      const pages = await Promise.all(Array.from({ length: 4 }, () => reader.listChangedVariants({})));

      expect(pages.map((p) => p.items.length)).toEqual([6, 6, 6, 6]);
      expect(sim.faults.list()[0]).toMatchObject({ hits: 6, remaining: 0 });
      const { counts } = sim.calls(SHOP);
      expect([counts.total, counts.throttled]).toEqual([4, 0]);
      expect(ledger.spends).toBe(10);
      // What stays spent is exactly what Shopify charged for the four answered calls.
      expect(ledger.spent - ledger.refunded).toBe(counts.costCharged);
    });
  });

  describe('when a full sync reads the whole catalog', () => {
    it('exports it as a bulk operation and reassembles every variant under its product', async () => {
      seedCatalog(sim, 5);
      const connector = requireCapability(connect(sim, { accessToken: token }), 'products.read');
      const products = [];
      for await (const product of connector.readFullCatalog!()) products.push(product);
      expect(products.map((p) => [p.title, p.variants.map((v) => v.sku)])).toEqual(
        Array.from({ length: 5 }, (_, i) => [`Product ${i + 1}`, [`P${i + 1}-S`, `P${i + 1}-M`]]),
      );
      expect(sim.calls(SHOP).counts.byRootField.bulkOperationRunQuery).toBe(1);
    });
  });

  describe('when a product has images', () => {
    const photos = [
      { url: 'https://cdn.shopify.com/s/files/1/0001/files/tote-front.png', altText: 'Tote, front' },
      { url: 'https://cdn.shopify.com/s/files/1/0001/files/tote-back.png', altText: null },
    ];

    it('reads every image, the featured one first, page by page and in a bulk export alike', async () => {
      sim.seedProducts(SHOP, [{ title: 'Canvas Tote', images: photos, variants: [{ sku: 'TOTE' }] }, { title: 'Plain Mug', variants: [{ sku: 'MUG' }] }]);
      const connector = requireCapability(connect(sim, { accessToken: token }), 'products.read');

      const paged = (await connector.listChangedProducts({})).items;
      const exported = [];
      for await (const product of connector.readFullCatalog!()) exported.push(product);

      const expected = [
        ['Canvas Tote', photos],
        ['Plain Mug', []],
      ];
      expect(paged.map((p) => [p.title, p.images])).toEqual(expected);
      expect(exported.map((p) => [p.title, p.images])).toEqual(expected);
    });
  });

  describe('when Shopify answers 503 once', () => {
    beforeEach(() => sim.faults.clear());

    it('retries a read and succeeds', async () => {
      seedCatalog(sim, 1);
      sim.faults.add({ route: 'POST /store/.*/graphql', status: 503, times: 1 });
      const page = await requireCapability(connect(sim, { accessToken: token }), 'products.read').listChangedVariants({});
      expect(page.items).toHaveLength(2);
    });

    it('does not resend an order create whose answer was lost, and the job’s retry finds the order', async () => {
      seedCatalog(sim, 1);
      let lost = 0;
      // The network drops Shopify's answer to the first orderCreate after Shopify applied it.
      const losingFetch: typeof fetch = async (url, init) => {
        const response = await fetch(url, init);
        if (lost === 0 && String(init?.body).includes('TandemOrderCreate')) {
          lost++;
          throw new TypeError('fetch failed: socket hang up');
        }
        return response;
      };
      const connector = shopify.create({ shop: SHOP }, { budget: unlimitedBudget, credentials: memoryCredentials({ accessToken: token }), logger: silentLogger, baseUrlOverride: sim.url, fetch: losingFetch });
      const writer = requireCapability(connector, 'orders.write');
      const input = { externalReference: 'tandem:r:lost', currency: 'USD', lineItems: [{ sku: sku('P1-S'), title: 'P1', quantity: 1, price: '10.00' }] };
      const err = (await writer.createOrder(input).catch((e: unknown) => e)) as ConnectorError;
      expect(err.code).toBe('unavailable');
      expect(sim.orders(SHOP)).toHaveLength(1);
      const order = await writer.createOrder(input);
      expect(sim.orders(SHOP).map((o) => o.id)).toEqual([order.externalId]);
    });
  });

  describe('when the access token is refused', () => {
    it('throws auth_expired for a wrong token', async () => {
      const connector = requireCapability(connect(sim, { accessToken: 'shpat_wrong' }), 'products.read');
      const err = (await connector.listChangedVariants({}).catch((e: unknown) => e)) as ConnectorError;
      expect(err.code).toBe('auth_expired');
      expect(err.merchantMessage).toBe(`Shopify refused Tandem's access token for ${SHOP}. Open Tandem from that store's admin to reconnect it.`);
      expect(JSON.stringify(err.toJSON())).not.toContain('shpat_wrong');
    });

    it('refreshes an expired offline token once, stores the new pair, and carries on', async () => {
      seedCatalog(sim, 1);
      const issued = sim.issueToken(SHOP, { expiring: true });
      const credentials = memoryCredentials({ accessToken: issued.access_token, refreshToken: issued.refresh_token, apiSecret: sim.app().clientSecret });
      const connector = shopify.create({ shop: SHOP, clientId: sim.app().clientId }, { budget: unlimitedBudget, credentials, logger: silentLogger, baseUrlOverride: sim.url });
      sim.clock.advance(3_601_000);
      const page = await requireCapability(connector, 'products.read').listChangedVariants({});
      expect(page.items).toHaveLength(2);
      const stored = await credentials.get();
      expect(stored.accessToken).not.toBe(issued.access_token);
      expect(stored.refreshToken).not.toBe(issued.refresh_token);
    });

    it('refreshes once when several calls meet the expired token at once', async () => {
      seedCatalog(sim, 1);
      const issued = sim.issueToken(SHOP, { expiring: true });
      const credentials = memoryCredentials({ accessToken: issued.access_token, refreshToken: issued.refresh_token, apiSecret: sim.app().clientSecret });
      const connector = shopify.create({ shop: SHOP, clientId: sim.app().clientId }, { budget: unlimitedBudget, credentials, logger: silentLogger, baseUrlOverride: sim.url });
      sim.clock.advance(3_601_000);
      const reader = requireCapability(connector, 'products.read');
      const pages = await Promise.all(Array.from({ length: 3 }, () => reader.listChangedVariants({})));
      expect(pages.map((p) => p.items.length)).toEqual([2, 2, 2]);
      const calls = sim.calls(SHOP).log;
      expect(calls.filter((c) => c.kind === 'oauth')).toHaveLength(1);
      expect(calls.filter((c) => c.kind === 'graphql' && c.status === 200)).toHaveLength(3);
      expect((await credentials.get()).refreshToken).not.toBe(issued.refresh_token);
    });
  });

  describe('when Shopify delivers webhooks for changes Tandem made', () => {
    it('verifies each delivery and translates it, with the order and stock ids', async () => {
      const receiver = await startReceiver();
      try {
        sim.configureApp({ webhooks: [{ topic: 'products/create', uri: receiver.url }, { topic: 'inventory_levels/update', uri: receiver.url }] });
        const connector = connect(sim, { accessToken: token, webhookSecret: sim.app().clientSecret });
        const product = await requireCapability(connector, 'products.write').createProduct({
          externalReference: 'ref-hook',
          title: 'Hooked',
          description: '',
          options: [{ name: 'Title', values: ['Default Title'] }],
          variants: [{ sku: sku('HOOK-1'), selectedOptions: [{ name: 'Title', value: 'Default Title' }], price: '5.00' }],
        });
        const variant = product.variants[0];
        await requireCapability(connector, 'inventory.write').writeInventory([{ variant: { variantId: variant.externalId, inventoryItemId: variant.inventoryItemId }, quantity: 9 }]);
        await sim.drainWebhooks();
        const verifier = requireCapability(connector, 'webhooks');
        const events = await Promise.all(receiver.received.map((r) => verifier.verifyWebhook(r.headers as Record<string, string>, Buffer.from(r.body))));
        expect(events).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ kind: 'product.updated', productExternalId: product.externalId, shop: SHOP }),
            expect.objectContaining({ kind: 'inventory.updated', inventoryItemId: variant.inventoryItemId, available: 9, shop: SHOP }),
          ]),
        );
      } finally {
        await receiver.close();
      }
    });
  });
});
