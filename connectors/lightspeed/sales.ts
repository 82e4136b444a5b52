// Forwarded orders as X-Series register sales. The Tandem reference is the sale's invoice_number
// (found again through `GET /api/2.0/search?type=sales&invoice_number=…`) and is repeated in the
// note for people; the sale is looked up before it is created, so a retry after a crash between
// Lightspeed's answer and Tandem's record finds the first sale instead of ringing up a second.
import { Invalid, isConnectorError } from '../sdk/errors.ts';
import type { ChangedSince, OrderCreateInput, Page, Sku, TandemOrder } from '../sdk/types.ts';
import { findVariantsBySku } from './catalog.ts';
import type { LightspeedClient } from './client.ts';
import { createCustomer, findCustomer } from './customers.ts';
import { about } from './errors.ts';
import { referenceOf, saleNote, toTandemOrder } from './map.ts';
import type { Outlet } from './outlet.ts';
import { LightspeedProductOne, LightspeedSaleOne, LightspeedSalePage, LightspeedSaleSearch, type LightspeedSale } from './schemas.ts';

const PAGE_SIZE = 200;

/** A forwarded order takes stock at once but stays open for the store to complete. */
const FORWARDED_SALE_STATE = 'pending';

export class Sales {
  readonly #skus = new Map<string, Sku | null>();

  constructor(
    private readonly ls: LightspeedClient,
    private readonly outlet: Outlet,
    private readonly currency: string,
  ) {}

  async findOrderByReference(externalReference: string): Promise<TandemOrder | null> {
    const sale = await this.#findSale(externalReference);
    return sale ? this.#toOrder(sale) : null;
  }

  async listChangedOrders(changed: ChangedSince): Promise<Page<TandemOrder>> {
    let after = changed.cursor ? Number(changed.cursor) : 0;
    const since = changed.cursor ? null : (changed.since ?? null);
    for (;;) {
      // GET /api/2026-07/sales?after=<version>&page_size=… (stop when data is empty)
      const { data: page } = await this.ls.request({ path: '2026-07/sales', query: { after, page_size: PAGE_SIZE } }, LightspeedSalePage);
      if (page.data.length === 0) return { items: [], nextCursor: null };
      const max = page.version?.max ?? Math.max(...page.data.map((s) => s.version));
      const sales = since ? page.data.filter((s) => Date.parse(s.updated_at) >= since.getTime()) : page.data;
      if (sales.length > 0 || !since) {
        const items: TandemOrder[] = [];
        for (const sale of sales) items.push(await this.#toOrder(sale));
        return { items, nextCursor: String(max) };
      }
      after = max;
    }
  }

  async createOrder(input: OrderCreateInput): Promise<TandemOrder> {
    const existing = await this.#findSale(input.externalReference);
    if (existing) return this.#toOrder(existing);
    const subject = `sale for order ${input.externalReference}`;

    const lines = [];
    for (const line of input.lineItems) {
      lines.push({ product: { id: line.variantExternalId ?? (await this.#productIdOf(line.sku, subject)) }, quantity: line.quantity, pricing: { price: Number(line.price) } });
      if (line.variantExternalId) this.#skus.set(line.variantExternalId, line.sku);
    }
    // The customer the engine linked is attached as it is; without one, found or created by email.
    let customerId = input.customer?.externalId ?? undefined;
    if (!customerId && input.customer?.email) {
      const customer =
        (await findCustomer(this.ls, input.customer)) ??
        (await createCustomer(this.ls, {
          email: input.customer.email,
          accountId: input.customer.accountId,
          firstName: input.customer.firstName ?? null,
          lastName: input.customer.lastName ?? null,
          company: input.shippingAddress?.company ?? null,
          phone: input.shippingAddress?.phone ?? null,
        }));
      customerId = customer.externalId;
    }
    try {
      // POST /api/2026-07/sales
      const { data } = await this.ls.request(
        {
          method: 'POST',
          path: '2026-07/sales',
          json: {
            register_id: await this.outlet.registerId(),
            ...(customerId ? { customer_id: customerId } : {}),
            state: FORWARDED_SALE_STATE,
            invoice_number: input.externalReference,
            note: saleNote(input),
            line_items: lines,
          },
        },
        LightspeedSaleOne,
      );
      return this.#toOrder(data.data);
    } catch (err) {
      throw about(err, subject);
    }
  }

  async #findSale(externalReference: string): Promise<LightspeedSale | null> {
    const { data } = await this.ls.request({ path: '2.0/search', query: { type: 'sales', invoice_number: externalReference } }, LightspeedSaleSearch);
    return data.data.find((s) => s.invoice_number === externalReference && referenceOf(s) === externalReference) ?? null;
  }

  async #productIdOf(sku: Sku, subject: string): Promise<string> {
    const variants = (await findVariantsBySku(this.ls, [sku])).get(sku) ?? [];
    if (variants.length !== 1) {
      const problem = variants.length === 0 ? `no product has SKU ${sku}` : `${variants.length} products share SKU ${sku}`;
      throw Invalid(`Lightspeed cannot take the ${subject}: ${problem}`, { sku, matches: variants.map((v) => v.externalId) }, {
        connectorId: 'lightspeed-x',
        merchantMessage: `Lightspeed cannot take the ${subject}: ${problem}. ${variants.length === 0 ? 'Add the product in Lightspeed' : 'Give each product its own SKU in Lightspeed'}, then press Retry in Activity.`,
      });
    }
    this.#skus.set(variants[0].externalId, sku);
    return variants[0].externalId;
  }

  /** GET /api/2026-07/sales/{id}, or null when the store has no such sale. */
  async sale(saleId: string): Promise<LightspeedSale | null> {
    try {
      return (await this.ls.request({ path: `2026-07/sales/${encodeURIComponent(saleId)}` }, LightspeedSaleOne)).data.data;
    } catch (err) {
      if (isConnectorError(err) && err.code === 'not_found') return null;
      throw err;
    }
  }

  /** The SKU of each product id (null when it has none), reading the products Tandem did not write. */
  async skusOf(productIds: string[]): Promise<(productId: string) => Sku | null> {
    for (const id of new Set(productIds)) {
      if (this.#skus.has(id)) continue;
      // GET /api/2026-07/products/{id}
      const { data } = await this.ls.request({ path: `2026-07/products/${encodeURIComponent(id)}` }, LightspeedProductOne);
      this.#skus.set(id, data.data.sku ? (data.data.sku as Sku) : null);
    }
    return (id) => this.#skus.get(id) ?? null;
  }

  async #toOrder(sale: LightspeedSale): Promise<TandemOrder> {
    return toTandemOrder(sale, await this.skusOf(sale.line_items.map((l) => l.product.id)), this.currency);
  }
}
