// The shared conformance suite: every connector runs it against its simulator, so the engine can
// rely on the contract's promises (pages end, duplicates are reported, creates are retry-safe…)
// whichever platform is behind it. Only the capabilities the connector declares are checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCapability, type Connector } from './connector.ts';
import { isConnectorError } from './errors.ts';
import type { Capability } from './capabilities.ts';
import { requiredMethods } from './capabilities.ts';
import type { Money, Sku, VariantRef } from './types.ts';

export interface ConformanceFixtures {
  /** A SKU carried by exactly one variant on the platform, in stock-tracked inventory (products, inventory, orders). */
  knownSku?: Sku;
  /** A SKU carried by two variants, seeded on purpose (products.read). */
  duplicateSku?: Sku;
  /** How many products the seeded platform holds at least, to check paging reads them all (products.read). */
  minimumProducts?: number;
  /** A customer email that does not exist yet on the platform; the suite creates it (customers.write). */
  newCustomerEmail?: string;
  /**
   * The variant behind `knownSku`, for connectors without products.read (they cannot look it up):
   * what inventory and order tests write against.
   */
  knownVariant?: { ref: VariantRef; title: string; price: Money };
}

export interface ConformanceSetup {
  connector: Connector;
  fixtures: ConformanceFixtures;
  /** Signs a webhook body as the platform would, returning the delivery's headers (for `webhooks`). */
  signWebhook?(topic: string, body: string): Record<string, string>;
  /** A webhook topic and body the connector must translate to an event (not 'ignored'). */
  sampleWebhook?: { topic: string; body: string };
  /**
   * The merchant ships a forwarded order in the platform's own back office (for fulfillments.read
   * without fulfillments.write: the connector cannot make the shipment itself).
   */
  shipOnPlatform?(orderExternalId: string): Promise<void>;
  close(): Promise<void>;
}

/** Upper bound on pages read, so a connector whose cursor never ends fails instead of hanging. */
const MAX_PAGES = 500;

export function describeConnectorConformance(name: string, setup: () => Promise<ConformanceSetup>) {
  describe(`${name} connector conformance`, () => {
    let ctx: ConformanceSetup;
    beforeAll(async () => {
      ctx = await setup();
    });
    afterAll(async () => {
      await ctx?.close();
    });

    function fixture<K extends keyof ConformanceFixtures>(key: K): NonNullable<ConformanceFixtures[K]> {
      const value = ctx.fixtures[key];
      if (value === undefined || value === null) throw new Error(`the conformance setup must provide fixtures.${key} for the capabilities this connector declares`);
      return value as NonNullable<ConformanceFixtures[K]>;
    }

    /** The variant behind knownSku: looked up when the connector reads products, else from the fixtures. */
    async function knownVariant(): Promise<{ ref: VariantRef; title: string; price: Money }> {
      if (!ctx.connector.capabilities.has('products.read')) return fixture('knownVariant');
      const sku = fixture('knownSku');
      const [variant] = (await requireCapability(ctx.connector, 'products.read').findVariantsBySku([sku])).get(sku) ?? [];
      expect(variant, `a variant with SKU ${sku}`).toBeDefined();
      return { ref: { variantId: variant.externalId, inventoryItemId: variant.inventoryItemId, sku: variant.sku }, title: variant.productTitle, price: variant.price };
    }

    const when = (capability: Capability, title: string, body: () => Promise<void>) =>
      it(`${title} (${capability})`, async (test) => {
        if (!ctx.connector.capabilities.has(capability)) return test.skip();
        await body();
      });

    it('implements every method its declared capabilities require', () => {
      for (const capability of ctx.connector.capabilities) {
        for (const method of requiredMethods[capability]) {
          expect(typeof (ctx.connector as Record<PropertyKey, unknown>)[method as PropertyKey], `${capability}: ${String(method)}`).toBe('function');
        }
      }
    });

    when('products.read', 'pulls changed products page after page until the cursor ends, each product once', async () => {
      const connector = requireCapability(ctx.connector, 'products.read');
      const seen = new Set<string>();
      let cursor: string | null | undefined;
      let pages = 0;
      do {
        const page = await connector.listChangedProducts({ cursor });
        for (const product of page.items) {
          expect(seen.has(product.externalId), `product ${product.externalId} repeated across pages`).toBe(false);
          seen.add(product.externalId);
        }
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < MAX_PAGES);
      expect(cursor ?? null).toBeNull();
      expect(seen.size).toBeGreaterThanOrEqual(fixture('minimumProducts'));
    });

    when('products.read', 'pulls only what changed since a moment after everything changed', async () => {
      const connector = requireCapability(ctx.connector, 'products.read');
      const page = await connector.listChangedVariants({ since: new Date(Date.now() + 24 * 3600_000) });
      expect(page.items).toEqual([]);
      expect(page.nextCursor).toBeNull();
    });

    when('products.read', 'finds a variant by SKU, reports duplicates, and maps unknown SKUs to nothing', async () => {
      const connector = requireCapability(ctx.connector, 'products.read');
      const missing = `missing-${Date.now()}` as Sku;
      const [known, duplicate] = [fixture('knownSku'), fixture('duplicateSku')];
      const found = await connector.findVariantsBySku([known, duplicate, missing]);
      expect(found.get(known)?.map((v) => v.sku)).toEqual([known]);
      expect(found.get(duplicate)).toHaveLength(2);
      expect(found.get(missing)).toEqual([]);
    });

    when('inventory.write', 'writes a quantity that reads back the same', async () => {
      const { ref } = await knownVariant();
      const result = await requireCapability(ctx.connector, 'inventory.write').writeInventory([{ variant: ref, quantity: 17 }]);
      expect(result).toEqual({ written: 1, stale: [] });
      if (ctx.connector.capabilities.has('inventory.read')) {
        const levels = await requireCapability(ctx.connector, 'inventory.read').readInventory([ref]);
        expect(levels.map((l) => l.available)).toEqual([17]);
      }
    });

    when('inventory.write', 'reports a compare-and-swap write as stale when the quantity moved', async () => {
      const { ref } = await knownVariant();
      const writer = requireCapability(ctx.connector, 'inventory.write');
      await writer.writeInventory([{ variant: ref, quantity: 5 }]);
      const stale = { variant: ref, quantity: 9, compare: 4 };
      const result = await writer.writeInventory([stale]);
      expect(result).toEqual({ written: 0, stale: [stale] });
    });

    when('orders.write', 'creates an order once when the same external reference is sent twice', async () => {
      const connector = requireCapability(ctx.connector, 'orders.write');
      const variant = await knownVariant();
      const input = {
        externalReference: `tandem-conformance-${Date.now()}`,
        currency: 'USD',
        lineItems: [{ sku: fixture('knownSku'), title: variant.title, quantity: 1, price: variant.price, variantExternalId: variant.ref.variantId }],
        customer: { email: `order-${Date.now()}@conformance.example`, accountId: null },
      };
      const first = await connector.createOrder(input);
      const second = await connector.createOrder(input);
      expect(second.externalId).toBe(first.externalId);
      expect(first.externalReference).toBe(input.externalReference);
      if (ctx.connector.capabilities.has('orders.read')) {
        const found = await requireCapability(ctx.connector, 'orders.read').findOrderByReference(input.externalReference);
        expect(found?.externalId).toBe(first.externalId);
      }
    });

    when('fulfillments.write', 'fulfils a forwarded order with tracking that reads back', async () => {
      const orders = requireCapability(ctx.connector, 'orders.write');
      const variant = await knownVariant();
      const order = await orders.createOrder({
        externalReference: `tandem-conformance-ship-${Date.now()}`,
        currency: 'USD',
        lineItems: [{ sku: fixture('knownSku'), title: variant.title, quantity: 2, price: variant.price, variantExternalId: variant.ref.variantId }],
      });
      const created = await requireCapability(ctx.connector, 'fulfillments.write').createFulfillment({
        orderExternalId: order.externalId,
        lines: [],
        carrier: 'UPS',
        trackingNumber: '1Z999AA10123456784',
        trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
      });
      expect(created).toMatchObject({ orderExternalId: order.externalId, carrier: 'UPS', trackingNumber: '1Z999AA10123456784' });
      if (ctx.connector.capabilities.has('fulfillments.read')) {
        const listed = await requireCapability(ctx.connector, 'fulfillments.read').listFulfillments(order.externalId);
        expect(listed.map((f) => f.trackingNumber)).toEqual(['1Z999AA10123456784']);
      }
    });

    when('fulfillments.read', 'lists nothing before a forwarded order ships, then its shipped lines', async () => {
      const reader = requireCapability(ctx.connector, 'fulfillments.read');
      const variant = await knownVariant();
      const order = await requireCapability(ctx.connector, 'orders.write').createOrder({
        externalReference: `tandem-conformance-shipped-${Date.now()}`,
        currency: 'USD',
        lineItems: [{ sku: fixture('knownSku'), title: variant.title, quantity: 2, price: variant.price, variantExternalId: variant.ref.variantId }],
      });
      expect(await reader.listFulfillments(order.externalId)).toEqual([]);
      if (ctx.shipOnPlatform) await ctx.shipOnPlatform(order.externalId);
      else if (ctx.connector.capabilities.has('fulfillments.write')) {
        await requireCapability(ctx.connector, 'fulfillments.write').createFulfillment({ orderExternalId: order.externalId, lines: [], carrier: null, trackingNumber: null, trackingUrl: null });
      } else throw new Error('the setup must provide shipOnPlatform for fulfillments.read without fulfillments.write');
      const shipped = await reader.listFulfillments(order.externalId);
      expect(shipped.map((f) => ({ order: f.orderExternalId, lines: f.lines.map((l) => [l.sku, l.quantity]) }))).toEqual([
        { order: order.externalId, lines: [[fixture('knownSku'), 2]] },
      ]);
    });

    when('customers.write', 'creates a customer once and finds it by email', async () => {
      const writer = requireCapability(ctx.connector, 'customers.write');
      const email = fixture('newCustomerEmail');
      const input = { email, accountId: null, firstName: 'Ada', lastName: 'Conformance', company: 'Tandem Test', phone: null };
      const first = await writer.createCustomer(input);
      const again = await writer.createCustomer(input);
      expect(again.externalId).toBe(first.externalId);
      if (ctx.connector.capabilities.has('customers.read')) {
        const found = await requireCapability(ctx.connector, 'customers.read').findCustomer({ email: email.toUpperCase() });
        expect(found?.externalId).toBe(first.externalId);
      }
    });

    when('invoices.write', 'posts an invoice once per idempotency key', async () => {
      const poster = requireCapability(ctx.connector, 'invoices.write');
      const input = {
        reference: `#C${Date.now()}`,
        contact: { name: 'Conformance Retail', email: ctx.fixtures.newCustomerEmail ?? 'billing@conformance.example', accountId: null },
        currency: 'USD',
        issuedOn: new Date(),
        dueOn: null,
        lines: [{ description: 'Widget', sku: ctx.fixtures.knownSku ?? null, quantity: 2, unitPrice: '10.00' }],
      };
      const key = `conformance-${Date.now()}`;
      const first = await poster.postInvoice(input, key);
      const again = await poster.postInvoice(input, key);
      expect(again.externalId).toBe(first.externalId);
    });

    when('webhooks', 'translates a signed webhook and refuses a tampered one', async () => {
      const verifier = requireCapability(ctx.connector, 'webhooks');
      if (!ctx.signWebhook || !ctx.sampleWebhook) throw new Error('the setup must provide signWebhook and sampleWebhook for the webhooks capability');
      const { topic, body } = ctx.sampleWebhook;
      const headers = ctx.signWebhook(topic, body);
      const event = await verifier.verifyWebhook(headers, Buffer.from(body));
      expect(event).not.toBe('ignored');
      const tampered = verifier.verifyWebhook(headers, Buffer.from(body.replace(/.$/, ' }')));
      await expect(tampered).rejects.toSatisfy((err: unknown) => isConnectorError(err) && err.code === 'invalid');
    });
  });
}
