// Everything the Stripe simulator remembers, as plain data per account (an account is what a
// secret key opens). Objects are typed with the official `stripe` package's resource types, so a
// drift from the real shapes fails typecheck (shared/contracts/stripe/README.md).
import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';

/** The API version `stripe` 23.1.0 pins (cjs/apiVersion.js); events carry it. */
export const STRIPE_API_VERSION = '2026-10-28.endive';

export interface StoredResponse {
  status: number;
  body: unknown;
  requestId: string;
}

export interface IdempotencyRecord {
  key: string;
  method: string;
  path: string;
  /** Canonical JSON of the request parameters, compared on replay. */
  params: string;
  createdAtMs: number;
  /** Absent while the first request is still running. */
  response?: StoredResponse;
}

export interface RequestLogEntry {
  at: string;
  account?: string;
  method: string;
  path: string;
  status: number;
  requestId: string;
  idempotencyKey?: string;
  replayed: boolean;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  secret: string;
  /** Event types, or `*` for all. */
  enabledEvents: string[];
}

/** How a test card behaves when charged (Stripe's `pm_card_*` test tokens). */
export interface CardBehaviour {
  declineCode?: string;
}

export interface StripeAccount {
  id: string;
  secretKeys: string[];
  customers: Map<string, Stripe.Customer>;
  paymentMethods: Map<string, Stripe.PaymentMethod>;
  cardBehaviour: Map<string, CardBehaviour>;
  paymentIntents: Map<string, Stripe.PaymentIntent>;
  charges: Map<string, Stripe.Charge>;
  invoiceItems: Map<string, Stripe.InvoiceItem>;
  invoices: Map<string, Stripe.Invoice>;
  events: Stripe.Event[];
  idempotency: Map<string, IdempotencyRecord>;
  webhookEndpoints: WebhookEndpoint[];
  /** Request timestamps (simulated ms) inside the rate-limit window. */
  recentRequests: number[];
}

export interface StripeLimits {
  /** Requests per second per account; Stripe test mode allows 25 (docs.stripe.com/rate-limits). */
  perSecond: number;
  /** How long a new object stays invisible to the Search API (Stripe: eventually consistent). */
  searchLagMs: number;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Stripe-looking ids: prefix + random alphanumerics (`cus_QXg1o8vcGmoR32`, `pi_1PgafyB7WZ01zgkW…`). */
export function stripeId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${out}`;
}

export const DEFAULT_SECRET_KEY = 'sk_test_tandem_simulator';

export class StripeState {
  readonly accounts = new Map<string, StripeAccount>();
  readonly keys = new Map<string, string>();
  readonly requests: RequestLogEntry[] = [];
  readonly limits: StripeLimits;

  constructor(private readonly defaults: { perSecond: number; accounts: { id?: string; secretKey: string }[] }) {
    this.limits = { perSecond: defaults.perSecond, searchLagMs: 0 };
    this.reset();
  }

  createAccount(input: { id?: string; secretKey?: string } = {}): StripeAccount {
    const id = input.id ?? stripeId('acct', 16);
    const existing = this.accounts.get(id);
    const account: StripeAccount = existing ?? {
      id,
      secretKeys: [],
      customers: new Map(),
      paymentMethods: new Map(),
      cardBehaviour: new Map(),
      paymentIntents: new Map(),
      charges: new Map(),
      invoiceItems: new Map(),
      invoices: new Map(),
      events: [],
      idempotency: new Map(),
      webhookEndpoints: [],
      recentRequests: [],
    };
    const key = input.secretKey ?? `sk_test_${stripeId('sim', 24).slice(4)}`;
    account.secretKeys.push(key);
    this.keys.set(key, id);
    this.accounts.set(id, account);
    return account;
  }

  accountForKey(key: string): StripeAccount | undefined {
    const id = this.keys.get(key);
    return id ? this.accounts.get(id) : undefined;
  }

  reset() {
    this.accounts.clear();
    this.keys.clear();
    this.requests.length = 0;
    Object.assign(this.limits, { perSecond: this.defaults.perSecond, searchLagMs: 0 });
    for (const a of this.defaults.accounts) this.createAccount(a);
  }
}
