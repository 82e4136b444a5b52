// The daily charge bills the retailer what it owes the supplier: the forwarded orders at the
// supplier's (wholesale) price, the amount the supplier's Xero invoice shows, not the retailer's own
// marked-up shelf price. Over the Shopify, Xero and Stripe simulators.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify/index.ts';
import { startStripeSimulator, type StripeSimulator } from '../../simulators/stripe/index.ts';
import type { XeroSimulator } from '../../simulators/xero/index.ts';
import { connectXero } from '../../test/support/back-office.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { createPartners, productWith, type Partners } from '../../test/support/partners.ts';
import { billingContext, connectStripe } from './billing.fixtures.ts';
import { billPartnership } from './billing.server.ts';
import { pullSupplierCatalog } from './catalog.server.ts';
import { createSyncContext, type SyncContext } from './connections.server.ts';
import { syncCatalogToPartner } from './listings.server.ts';
import { pullRetailerOrders } from './orders.server.ts';

const ADDRESS = { firstName: 'Ada', lastName: 'Lovelace', address1: '1 Main St', city: 'Portland', provinceCode: 'OR', countryCode: 'US', zip: '97201' };

let database: TestDatabase;
let shopify: ShopifySimulator;
let stripe: StripeSimulator;
let xero: XeroSimulator;
let p: Partners;
let ctx: SyncContext;

beforeAll(async () => {
  database = await createTestDatabase('billing_wholesale');
  shopify = await startShopifySimulator({ latencyMs: 0 });
  stripe = await startStripeSimulator({ latencyMs: 0, ratePerSecond: 1000 });
  ctx = createSyncContext(database.db, { now: () => new Date('2026-12-01T15:00:00Z') });
  // The retailer sells at wholesale + 50% plus 1.00 a unit: 20.00 → 31.00, 7.50 → 12.25.
  p = await createPartners(database.db, shopify, { pricingRule: { markupPercent: 50, fixedAdd: 1 } });
  await database.db.shop.update({ where: { id: p.retailerShopId }, data: { name: 'Corner Store', email: 'buyer@corner.example' } });
  await database.db.shop.update({ where: { id: p.supplierShopId }, data: { name: 'Acme Supply', email: 'owner@acme.example', timezone: 'UTC' } });
  await database.db.partnership.update({ where: { id: p.partnershipId }, data: { billingTerms: { currency: 'USD', method: 'payment_intent' } } });
  shopify.seedProducts(p.supplierDomain, [productWith('Linen Shirt', ['SHIRT-S', 'SHIRT-M'], '20.00'), productWith('Canvas Tote', ['TOTE'], '7.50')]);
  await pullSupplierCatalog(ctx, p.supplierConnectionId, { mode: 'FULL' });
  await syncCatalogToPartner(ctx, p.partnershipId, { mode: 'PARTIAL', trigger: 'manual' });
  ({ sim: xero } = await connectXero(database.db, p.supplierShopId));
});
afterAll(async () => {
  await xero.close();
  await stripe.close();
  await shopify.close();
  await database.drop();
});

describe('when an order priced above wholesale by the pricing rule is billed', () => {
  it('charges the retailer the wholesale total, the same amount as the Xero invoice', async () => {
    // The retailer's customer pays 2 × 31.00 + 12.25 = 74.25; the supplier sells it for 2 × 20.00 + 7.50.
    shopify.placeOrder(p.retailerDomain, { lineItems: [{ sku: 'SHIRT-S', quantity: 2 }, { sku: 'TOTE', quantity: 1 }], email: 'ada@example.com', shippingAddress: ADDRESS });
    expect(await pullRetailerOrders(ctx, p.partnershipId)).toMatchObject({ forwarded: 1, invoicesPosted: 1 });
    const secretKey = 'sk_test_wholesale0000000000';
    const account = stripe.createAccount({ id: 'acct_wholesale', secretKey });
    await connectStripe(database.db, p.supplierShopId, account.id, secretKey);
    const client = new Stripe(secretKey, { host: '127.0.0.1', port: stripe.port, protocol: 'http' });
    await client.customers.create({ email: 'buyer@corner.example', name: 'Corner Store', payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });

    const outcome = await billPartnership(billingContext(database.db, stripe), p.partnershipId, '2026-12-01');

    const [invoice] = xero.snapshot().invoices;
    const [order] = await database.db.orderLink.findMany({ where: { partnershipId: p.partnershipId } });
    expect(order!.totalAmount.toFixed(2)).toBe('74.25');
    expect(invoice!.Total).toBe(47.5);
    expect(outcome).toMatchObject({ status: 'succeeded', charge: { amountCents: Math.round((invoice!.Total as number) * 100), currency: 'USD', orderCount: 1 } });
    const intents = stripe.snapshot(stripe.state.accounts.get(account.id)!).paymentIntents;
    expect(intents.map((pi) => [pi.amount, pi.status])).toEqual([[4750, 'succeeded']]);
  });
});
