// The supplier's back office: a WooCommerce, BigCommerce or Lightspeed store it keeps as its system
// of record, and Xero as its accounting, each a simulator with a Connection row of the supplier
// shop carrying the purpose. The store sells the SKUs of test/support/partners.ts's catalog.
import type { Db } from '../../app/db.server.ts';
import type { FaultBook } from '../../simulators/common/faults.ts';
import { sealCredentials, type ConnectionPurpose } from '../../app/sync/connections.server.ts';
import { startBigCommerceSimulator } from '../../simulators/bigcommerce/index.ts';
import { startLightspeedSimulator } from '../../simulators/lightspeed/index.ts';
import { startWooCommerceSimulator } from '../../simulators/woocommerce/index.ts';
import { startXeroSimulator, type XeroSimulator } from '../../simulators/xero/index.ts';

export const BACK_OFFICE_SKUS = ['SHIRT-S', 'SHIRT-M', 'TOTE'];

/** An order as the system of record holds it, in one shape whatever the platform. */
export interface BookedOrder {
  id: string;
  reference: string;
  customerId: string | null;
  /** `SKU × quantity @ unit price`, sorted. */
  lines: string[];
}

export interface BookedCustomer {
  id: string;
  email: string | null;
  company: string | null;
  phone: string | null;
  /** The platform's account field Tandem fills with its account id (customer code), if any. */
  code: string | null;
}

export interface BackOffice {
  platform: string;
  connectionId: string;
  orders(): BookedOrder[];
  customers(): BookedCustomer[];
  seedCustomer(input: { email: string; company: string; phone?: string }): BookedCustomer;
  /** Creates and updates of customers the platform received (GETs are not counted). */
  customerWrites(): string[];
  /** The next order create is done by the platform but its answer never arrives (held `delayMs`, then the socket closes). */
  loseNextOrderAnswer(delayMs?: number): void;
  /** The platform's fault injection (429s, 5xx, delays by route). */
  faults: FaultBook;
  /** The store's stock of a SKU (WooCommerce only). */
  stock?(sku: string): number | null;
  /** The merchant renames a product's SKU in the store (WooCommerce only). */
  renameSku?(from: string, to: string): void;
  close(): Promise<void>;
}

type Starter = (db: Db, supplierShopId: string, purposes?: ConnectionPurpose[]) => Promise<BackOffice>;

const line = (sku: string, quantity: number, price: number | string) => `${sku} × ${quantity} @ ${Number(price).toFixed(2)}`;
const isCustomerWrite = (r: { method: string; path: string }) => r.method !== 'GET' && /customers/.test(r.path);

export const backOffices: Record<'woocommerce' | 'bigcommerce' | 'lightspeed', Starter> = {
  async woocommerce(db, shopId, purposes = ['system_of_record']) {
    const sim = await startWooCommerceSimulator({ latencyMs: 0 });
    const site = sim.createSite({ id: 'books', consumerKey: 'ck_books', consumerSecret: 'cs_books' });
    for (const sku of BACK_OFFICE_SKUS) sim.seedProduct('books', { name: sku, sku, regular_price: '1.00', stock_quantity: 50 });
    const connection = await db.connection.create({
      data: { shopId, platform: 'woocommerce', externalAccount: `${sim.url}/sites/books`, credentials: sealCredentials({ apiKey: 'ck_books', apiSecret: 'cs_books' }), config: { siteUrl: `${sim.url}/sites/books` }, purposes },
    });
    const customer = (c: (typeof site.customers)[number]): BookedCustomer => ({ id: String(c.id), email: c.email, company: c.billing.company || null, phone: c.billing.phone || null, code: null });
    return {
      platform: 'woocommerce',
      connectionId: connection.id,
      faults: sim.faults,
      orders: () =>
        site.orders.map((o) => ({
          id: String(o.id),
          reference: String(o.meta_data.find((m) => m.key === 'tandem_reference')?.value ?? ''),
          customerId: o.customer_id ? String(o.customer_id) : null,
          lines: o.line_items.map((l) => line(l.sku, l.quantity, l.price)).sort(),
        })),
      customers: () => site.customers.map(customer),
      seedCustomer: (input) => customer(sim.seedCustomer('books', { email: input.email, billing: { company: input.company, phone: input.phone ?? '' } })),
      customerWrites: () => site.requests.filter(isCustomerWrite).map((r) => `${r.method} ${r.path}`),
      loseNextOrderAnswer: (delayMs) => sim.lostResponses.add({ route: '^POST /sites/books/wp-json/wc/v3/orders$', times: 1, delayMs }),
      stock: (sku) => site.products.find((p) => p.sku === sku)?.stock_quantity ?? null,
      renameSku: (from, to) => {
        for (const product of site.products) if (product.sku === from) product.sku = to;
      },
      close: () => sim.close(),
    };
  },

  async bigcommerce(db, shopId, purposes = ['system_of_record']) {
    const sim = await startBigCommerceSimulator({ latencyMs: 0 });
    sim.createStore({ hash: 'books', accessToken: 'bc-books' });
    for (const sku of BACK_OFFICE_SKUS) sim.seedProduct('books', { name: sku, sku, price: 1, inventory_level: 50 });
    const store = sim.state.store('books')!;
    const connection = await db.connection.create({
      data: { shopId, platform: 'bigcommerce', externalAccount: 'books', credentials: sealCredentials({ accessToken: 'bc-books' }), config: { storeHash: 'books', locationId: 1, baseUrlOverride: sim.url }, purposes },
    });
    const customer = (c: (typeof store.customers)[number]): BookedCustomer => ({ id: String(c.id), email: c.email, company: c.company || null, phone: null, code: null });
    return {
      platform: 'bigcommerce',
      connectionId: connection.id,
      faults: sim.faults,
      orders: () => store.orders.map((o) => ({ id: String(o.id), reference: o.external_order_id, customerId: o.customer_id ? String(o.customer_id) : null, lines: o.lines.map((l) => line(l.sku, l.quantity, l.price)).sort() })),
      customers: () => store.customers.map(customer),
      seedCustomer: (input) => {
        const at = sim.clock.now();
        const created = { id: 9000 + store.customers.length, email: input.email, first_name: '', last_name: '', company: input.company, date_created: at, date_modified: at };
        store.customers.push(created);
        return customer(created);
      },
      customerWrites: () => store.requests.filter(isCustomerWrite).map((r) => `${r.method} ${r.path}`),
      loseNextOrderAnswer: (delayMs) => sim.lostResponses.add({ route: '^POST /stores/books/v2/orders$', times: 1, delayMs }),
      close: () => sim.close(),
    };
  },

  async lightspeed(db, shopId, purposes = ['system_of_record']) {
    const sim = await startLightspeedSimulator({ latencyMs: 0 });
    const { accessToken, refreshToken } = sim.createRetailer({ domainPrefix: 'books' });
    for (const sku of BACK_OFFICE_SKUS) sim.seedProduct('books', { name: sku, price_excluding_tax: 1, variants: [{ sku, price_excluding_tax: 1, inventory: 50, variant_options: [] }] });
    const retailer = sim.state.retailer('books')!;
    const connection = await db.connection.create({
      data: {
        shopId,
        platform: 'lightspeed-x',
        externalAccount: 'books',
        credentials: sealCredentials({ accessToken, refreshToken, apiSecret: sim.oauthApp.clientSecret }),
        config: { domainPrefix: 'books', clientId: sim.oauthApp.clientId, baseUrlOverride: sim.url },
        purposes,
      },
    });
    const skuOf = (productId: string) => retailer.products.find((p) => p.id === productId)?.sku ?? '?';
    const customer = (c: (typeof retailer.customers)[number]): BookedCustomer => ({ id: c.id, email: c.email, company: c.company_name, phone: c.phone, code: c.customer_code });
    return {
      platform: 'lightspeed-x',
      connectionId: connection.id,
      faults: sim.faults,
      orders: () => retailer.sales.map((s) => ({ id: s.id, reference: s.invoice_number, customerId: s.customer_id, lines: s.line_items.map((l) => line(skuOf(l.product_id), l.quantity, l.price)).sort() })),
      customers: () => retailer.customers.map(customer),
      seedCustomer: (input) => customer(sim.seedCustomer('books', { email: input.email, company_name: input.company, phone: input.phone })),
      customerWrites: () => retailer.requests.filter(isCustomerWrite).map((r) => `${r.method} ${r.path}`),
      loseNextOrderAnswer: (delayMs) => sim.lostResponses.add({ route: '^POST .*/sales$', times: 1, delayMs }),
      close: () => sim.close(),
    };
  },
};

/** Xero with a connected organisation, as the supplier's accounting connection. */
export async function connectXero(db: Db, shopId: string, purposes: ConnectionPurpose[] = ['accounting']): Promise<{ sim: XeroSimulator; connectionId: string }> {
  const sim = await startXeroSimulator({ latencyMs: 0 });
  const tokens = sim.connect();
  const connection = await db.connection.create({
    data: {
      shopId,
      platform: 'xero',
      externalAccount: sim.tenantId,
      credentials: sealCredentials({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: new Date(Date.now() + tokens.expires_in * 1000).toISOString(), apiSecret: sim.clientSecret }),
      config: { tenantId: sim.tenantId, clientId: sim.clientId, baseUrlOverride: sim.url },
      purposes,
    },
  });
  return { sim, connectionId: connection.id };
}
