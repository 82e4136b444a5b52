// Test support for the billing suites (app/sync/billing.int.test.ts, test/billing-faults.int.test.ts):
// a supplier with its own Stripe account in the simulator, a retailer that is already a customer
// there with a test card, an ACTIVE partnership and forwarded orders.
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { StripeSimulator } from '../../simulators/stripe/index.ts';
import type { Db } from '../db.server.ts';
import type { BillingContext } from './billing.server.ts';
import { stripeClient } from './billing.server.ts';
import { secrets } from './crypto.server.ts';

export interface SeedOptions {
  /** The supplier's IANA zone (Shop.timezone). */
  timezone?: string;
  /** The retailer's card in the supplier's Stripe account (`pm_card_*` test token); null: none. */
  card?: string | null;
  /** Seed the retailer as a Stripe customer before billing (as the partner onboarding would). */
  existingCustomer?: boolean;
  billingTerms?: Record<string, unknown>;
  retailerName?: string;
  /** Connect a Stripe account for the supplier (default true). */
  stripe?: boolean;
  /** Another retailer of an already seeded supplier (same shop, same Stripe account). */
  sameSupplierAs?: SeededPartnership;
}

export interface SeededPartnership {
  supplierId: string;
  retailerId: string;
  partnershipId: string;
  connectionId: string | null;
  accountId: string;
  secretKey: string;
  customerId: string | null;
}

/** The client billing uses, pointed at the simulator, with a short timeout for the timeout fault. */
export function billingContext(db: Db, sim: StripeSimulator, extra: Partial<BillingContext> = {}, timeoutMs = 2000): BillingContext {
  return {
    db,
    stripeFor: (key) => stripeClient(key, { host: '127.0.0.1', port: sim.port, protocol: 'http', timeout: timeoutMs }),
    ...extra,
  };
}

export async function seedPartnership(db: Db, sim: StripeSimulator, options: SeedOptions = {}): Promise<SeededPartnership> {
  const tag = randomBytes(4).toString('hex');
  const retailerName = options.retailerName ?? `Acme Outdoors ${tag}`;
  const supplier = options.sameSupplierAs
    ? await db.shop.findUniqueOrThrow({ where: { id: options.sameSupplierAs.supplierId } })
    : await db.shop.create({
        data: { domain: `supplier-${tag}.myshopify.com`, name: `North Wholesale ${tag}`, email: `owner@supplier-${tag}.test`, timezone: options.timezone ?? 'UTC', role: 'SUPPLIER' },
      });
  const retailer = await db.shop.create({
    data: { domain: `retailer-${tag}.myshopify.com`, name: retailerName, email: `buyer@retailer-${tag}.test`, role: 'RETAILER' },
  });
  const partnership = await db.partnership.create({
    data: {
      supplierShopId: supplier.id,
      retailerShopId: retailer.id,
      invitedByShopId: supplier.id,
      status: 'ACTIVE',
      acceptedAt: new Date(),
      billingTerms: (options.billingTerms ?? { currency: 'USD', method: 'payment_intent' }) as object,
    },
  });
  const secretKey = options.sameSupplierAs?.secretKey ?? `sk_test_${tag}${randomBytes(8).toString('hex')}`;
  const account = options.sameSupplierAs ? { id: options.sameSupplierAs.accountId } : sim.createAccount({ id: `acct_${tag}`, secretKey });
  let connectionId: string | null = options.sameSupplierAs?.connectionId ?? null;
  if (options.stripe !== false && !options.sameSupplierAs) {
    connectionId = await connectStripe(db, supplier.id, account.id, secretKey);
  }
  let customerId: string | null = null;
  if (options.existingCustomer !== false) {
    const card = options.card === undefined ? 'pm_card_visa' : options.card;
    const stripe = new Stripe(secretKey, { host: '127.0.0.1', port: sim.port, protocol: 'http' });
    const customer = await stripe.customers.create({
      email: retailer.email as string,
      name: retailerName,
      ...(card ? { payment_method: card, invoice_settings: { default_payment_method: card } } : {}),
    });
    customerId = customer.id;
  }
  return { supplierId: supplier.id, retailerId: retailer.id, partnershipId: partnership.id, connectionId, accountId: account.id, secretKey, customerId };
}

let orderNumber = 1000;

/** The supplier's Stripe connection, credentials encrypted as the app stores them. */
export async function connectStripe(db: Db, shopId: string, accountId: string, secretKey: string): Promise<string> {
  const connection = await db.connection.create({
    data: {
      shopId,
      platform: 'stripe',
      externalAccount: accountId,
      displayName: `Stripe ${accountId}`,
      credentials: secrets().encryptJson({ secretKey }),
      purposes: ['billing'],
    },
  });
  return connection.id;
}

/** An order Tandem forwarded to the supplier at `forwardedAt`, for `total` at wholesale (the retailer's own price is higher). */
export async function forwardedOrder(db: Db, partnershipId: string, forwardedAt: string, total: string, extra: { currency?: string; state?: 'FORWARDED' | 'POSTED' | 'FULFILLED' | 'FAILED' | 'CANCELLED' } = {}) {
  orderNumber += 1;
  return db.orderLink.create({
    data: {
      partnershipId,
      retailerOrderId: `gid://shopify/Order/${orderNumber}`,
      retailerOrderName: `#${orderNumber}`,
      state: extra.state ?? 'FORWARDED',
      content: {},
      contentHash: `hash-${orderNumber}`,
      totalAmount: (Number(total) * 2).toFixed(2),
      wholesaleAmount: total,
      currency: extra.currency ?? 'USD',
      retailerCreatedAt: new Date(forwardedAt),
      forwardedAt: new Date(forwardedAt),
    },
  });
}

/** What the supplier's Stripe account shows for the partnership's retailer and day. */
export function stripeRecord(sim: StripeSimulator, seeded: SeededPartnership, day: string) {
  const account = sim.state.accounts.get(seeded.accountId);
  if (!account) throw new Error(`no simulator account ${seeded.accountId}`);
  const snapshot = sim.snapshot(account);
  const ofDay = (metadata: Record<string, string> | null | undefined) => metadata?.tandem_partnership_id === seeded.partnershipId && metadata?.tandem_day === day;
  const customers = new Set(snapshot.customers.filter((c) => c.id === seeded.customerId || c.metadata.tandem_retailer_shop_id === seeded.retailerId).map((c) => c.id));
  const intents = snapshot.paymentIntents.filter((pi) => ofDay(pi.metadata));
  const invoices = snapshot.invoices.filter((i) => ofDay(i.metadata));
  return {
    intents,
    succeededIntents: intents.filter((pi) => pi.status === 'succeeded'),
    invoices,
    paidInvoices: invoices.filter((i) => i.status === 'paid'),
    /** Every card payment that went through for the retailer, whatever created it. */
    succeededCharges: snapshot.charges.filter((c) => typeof c.customer === 'string' && customers.has(c.customer) && c.status === 'succeeded'),
    customers: snapshot.customers,
    requests: sim.state.requests.filter((r) => r.account === seeded.accountId),
  };
}
