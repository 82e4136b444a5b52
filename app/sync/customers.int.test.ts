// The buyer (the retailer) at the platforms orders and invoices are written to: found by account
// id, then by email, linked once and never overwritten; created at sale time only where the
// platform needs a customer, and reported. Over the Shopify, WooCommerce, Lightspeed and Xero simulators.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ShopifySimulator } from '../../simulators/shopify/index.ts';
import type { XeroSimulator } from '../../simulators/xero/index.ts';
import { backOffices, connectXero, type BackOffice } from '../../test/support/back-office.ts';
import type { TestDatabase } from '../../test/support/db.ts';
import { usePartnerWorld } from '../../test/support/partner-world.ts';
import { productWith, type Partners } from '../../test/support/partners.ts';
import { pullSupplierCatalog } from './catalog.server.ts';
import type { SyncContext } from './connections.server.ts';
import { syncCatalogToPartner } from './listings.server.ts';
import { pullRetailerOrders } from './orders.server.ts';
import { requireCapability } from '../../connectors/sdk/connector.ts';

const world = usePartnerWorld('customers');
let database: TestDatabase;
let shopify: ShopifySimulator;
let ctx: SyncContext;
let p: Partners;
const closing: Array<() => Promise<void>> = [];

const address = (name: string, phone: string) => ({ firstName: name, lastName: 'Buyer', address1: '1 Main St', city: 'Portland', provinceCode: 'OR', countryCode: 'US', zip: '97201', phone });

beforeEach(() => void ({ database, sim: shopify, ctx, partners: p } = world));

/** The supplier's Shopify catalog listed at the retailer "Corner Store" (buyer@corner.example). */
beforeEach(async () => {
  await database.db.shop.update({ where: { id: p.retailerShopId }, data: { name: 'Corner Store', email: 'buyer@corner.example' } });
  shopify.seedProducts(p.supplierDomain, [productWith('Linen Shirt', ['SHIRT-S', 'SHIRT-M'], '20.00'), productWith('Canvas Tote', ['TOTE'], '7.50')]);
  await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });
  await syncCatalogToPartner(ctx, p.partnershipId, { mode: 'PARTIAL', trigger: 'manual' });
});
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

const pull = () => pullRetailerOrders(ctx, p.partnershipId);
const buy = (sku: string, shipTo = address('Ada', '555-0100')) => shopify.placeOrder(p.retailerDomain, { lineItems: [{ sku, quantity: 1 }], email: 'shopper@example.com', shippingAddress: shipTo });
const links = (connectionId: string) => database.db.customerLink.findMany({ where: { connectionId } });
const events = async () => (await database.db.orderEvent.findMany({ orderBy: { at: 'asc' } })).map((e) => e.message);

async function open(platform: keyof typeof backOffices): Promise<BackOffice> {
  const office = await backOffices[platform](database.db, p.supplierShopId);
  closing.push(() => office.close());
  return office;
}

async function openXero(): Promise<XeroSimulator> {
  const { sim } = await connectXero(database.db, p.supplierShopId);
  closing.push(() => sim.close());
  return sim;
}

/** A contact the supplier already keeps in Xero, as its own bookkeeper typed it. */
async function xeroContact(sim: XeroSimulator, contact: Record<string, unknown>) {
  const tokens = sim.connect();
  const response = await fetch(`${sim.accountingBasePath}/Contacts`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${tokens.access_token}`, 'xero-tenant-id': sim.tenantId, 'content-type': 'application/json' },
    body: JSON.stringify({ Contacts: [contact] }),
  });
  expect(response.status).toBe(200);
  return sim.snapshot().contacts.find((c) => c.Name === contact.Name)!;
}

describe('when the buyer already exists at the platform', () => {
  it('finds it by Tandem’s account id before its email, links it and bills it as the merchant keeps it', async () => {
    const sim = await openXero();
    const kept = await xeroContact(sim, { Name: 'Corner Store Holdings', ContactNumber: p.retailerShopId, EmailAddress: 'accounts@corner.example' });
    await xeroContact(sim, { Name: 'Someone Else', EmailAddress: 'buyer@corner.example' });
    buy('TOTE');

    const result = await pull();

    expect(result).toMatchObject({ invoicesPosted: 1, customersCreated: 0 });
    const books = sim.snapshot();
    expect((books.invoices[0]!.Contact as { ContactID: string }).ContactID).toBe(kept.ContactID);
    expect(books.contacts.find((c) => c.ContactID === kept.ContactID)).toEqual(kept);
    const connection = await database.db.connection.findFirstOrThrow({ where: { platform: 'xero' } });
    expect(await links(connection.id)).toEqual([
      expect.objectContaining({ externalAccountId: p.retailerShopId, email: 'buyer@corner.example', externalCustomerId: kept.ContactID, createdByTandem: false }),
    ]);
    expect(await events()).toContain(`Linked Corner Store to Xero customer ${kept.ContactID} (matched by account id); Tandem will not change it.`);
  });

  it('finds it by email when the platform knows no account id, and attaches the order to it', async () => {
    const office = await open('woocommerce');
    const customer = office.seedCustomer({ email: 'Buyer@Corner.example', company: 'Corner Store LLC', phone: '555-0199' });
    buy('SHIRT-S');

    const result = await pull();

    expect(result).toMatchObject({ posted: 1, customersCreated: 0 });
    expect(office.orders().map((o) => o.customerId)).toEqual([customer.id]);
    expect(await links(office.connectionId)).toEqual([expect.objectContaining({ externalAccountId: p.retailerShopId, email: 'buyer@corner.example', externalCustomerId: customer.id, createdByTandem: false })]);
    expect(await events()).toContain(`Linked Corner Store to WooCommerce customer ${customer.id} (matched by email buyer@corner.example); Tandem will not change it.`);
    expect(office.customers()).toEqual([customer]);
    expect(office.customerWrites()).toEqual([]);
  });
});

describe('when the buyer does not exist at the platform', () => {
  it('creates it at sale time where the platform needs one, reports it, and never changes it afterwards', async () => {
    const office = await open('lightspeed');
    buy('SHIRT-M', address('Ada', '555-0100'));

    const first = await pull();

    expect(first).toMatchObject({ posted: 1, customersCreated: 1 });
    const [created] = office.customers();
    expect(created).toEqual({ id: expect.any(String), email: 'buyer@corner.example', company: 'Corner Store', phone: null, code: p.retailerShopId });
    expect(office.orders().map((o) => o.customerId)).toEqual([created!.id]);
    expect(await links(office.connectionId)).toEqual([expect.objectContaining({ externalCustomerId: created!.id, createdByTandem: true })]);
    expect(await events()).toContain(`Created customer "Corner Store" in Lightspeed Retail (X-Series) (${created!.id}): Lightspeed Retail (X-Series) needs one for orders. Tandem will not change it afterwards.`);
    expect(office.customerWrites()).toHaveLength(1);

    // The retailer renames itself and changes its email; the next order ships to someone else.
    await database.db.shop.update({ where: { id: p.retailerShopId }, data: { name: 'Corner Store & Co', email: 'orders@cornerandco.example' } });
    shopify.clock.advance(1000);
    buy('TOTE', address('Grace', '555-0222'));
    const second = await pull();

    expect(second).toMatchObject({ posted: 1, customersCreated: 0 });
    expect(office.customers()).toEqual([created]);
    expect(office.customerWrites()).toHaveLength(1);
    expect(office.orders().map((o) => o.customerId)).toEqual([created!.id, created!.id]);
    expect(await links(office.connectionId)).toHaveLength(1);
  });

  it('creates a Xero contact for the invoice, reports it, and bills the same untouched contact for the next order', async () => {
    const sim = await openXero();
    buy('TOTE');
    const first = await pull();
    const [contact] = sim.snapshot().contacts;

    expect(first).toMatchObject({ invoicesPosted: 1, customersCreated: 1 });
    expect(contact).toMatchObject({ Name: 'Corner Store', EmailAddress: 'buyer@corner.example', ContactNumber: p.retailerShopId });

    await database.db.shop.update({ where: { id: p.retailerShopId }, data: { name: 'Corner Store & Co' } });
    shopify.clock.advance(1000);
    buy('SHIRT-S', address('Grace', '555-0222'));
    const second = await pull();

    expect(second).toMatchObject({ invoicesPosted: 1, customersCreated: 0 });
    const books = sim.snapshot();
    expect(books.contacts).toEqual([contact]);
    expect(books.invoices.map((i) => (i.Contact as { ContactID: string }).ContactID)).toEqual([contact!.ContactID, contact!.ContactID]);
    expect(sim.state.requests.filter((r) => r.method !== 'GET' && r.path.endsWith('/Contacts'))).toHaveLength(1);
  });

  it('sends the order without a customer where the platform does not need one, creating and linking nothing', async () => {
    const office = await open('woocommerce');
    buy('SHIRT-M');

    const result = await pull();

    expect(result).toMatchObject({ posted: 1, customersCreated: 0 });
    expect(office.orders().map((o) => o.customerId)).toEqual([null]);
    expect(office.customers()).toEqual([]);
    expect(office.customerWrites()).toEqual([]);
    expect(await links(office.connectionId)).toEqual([]);
  });
});

describe('when the supplier sells on Shopify', () => {
  const supplierShop = () => shopify.shop(p.supplierDomain);
  /** The customer record and the forwarded order's customer at the supplier's Shopify. */
  const customersAtSupplier = () => [...supplierShop().customers.values()].map((c) => ({ ...c, tags: [...c.tags] }));
  const forwardedCustomerIds = () => [...supplierShop().orders.values()].filter((o) => o.sourceIdentifier?.startsWith('tandem:')).map((o) => o.customerId);

  it('attaches the customer the supplier keeps for the retailer (found by email) as it is: its name, phone and tags unchanged by orders', async () => {
    const connection = await database.db.connection.findUniqueOrThrow({ where: { id: p.supplierConnectionId } });
    const supplier = await ctx.connectorFor(connection);
    const keptCustomer = await requireCapability(supplier, 'customers.write').createCustomer({ email: 'buyer@corner.example', firstName: 'Dana', lastName: 'Reyes', phone: '+15035550142', company: null, accountId: null });
    const before = customersAtSupplier();
    buy('TOTE');

    const first = await pull();
    shopify.clock.advance(1000);
    buy('SHIRT-S', address('Grace', '555-0222'));
    const second = await pull();

    expect([first, second].map((r) => [r.forwarded, r.customersCreated])).toEqual([
      [1, 0],
      [1, 0],
    ]);
    expect(customersAtSupplier()).toEqual(before);
    expect(customersAtSupplier()).toEqual([expect.objectContaining({ email: 'buyer@corner.example', firstName: 'Dana', lastName: 'Reyes', phone: '+15035550142', tags: [] })]);
    const id = Number(keptCustomer.externalId.split('/').pop());
    expect(forwardedCustomerIds()).toEqual([id, id]);
    expect(await links(p.supplierConnectionId)).toEqual([expect.objectContaining({ externalCustomerId: keptCustomer.externalId, createdByTandem: false })]);
    expect(await events()).toContain(`Linked Corner Store to Shopify customer ${keptCustomer.externalId} (matched by email buyer@corner.example); Tandem will not change it.`);
  });

  it('sends the order without a customer when the supplier keeps none for the retailer: Shopify needs none, so Tandem creates, links and changes nothing there', async () => {
    buy('TOTE');

    const result = await pull();

    expect(result).toMatchObject({ forwarded: 1, customersCreated: 0 });
    expect(forwardedCustomerIds()).toEqual([null]);
    expect(customersAtSupplier()).toEqual([]);
    expect(await links(p.supplierConnectionId)).toEqual([]);
    expect((await events()).filter((e) => e.includes('customer'))).toEqual([]);
  });
});
