// The Stripe simulator: a real local HTTP server that the official `stripe` client talks to
// unmodified. Point the client at it with the client's own config (cjs/lib.d.ts StripeConfig):
//
//   const sim = await startStripeSimulator({ latencyMs: 0 });
//   const stripe = new Stripe(sim.secretKey, { host: '127.0.0.1', port: sim.port, protocol: 'http' });
//
// Control API (besides the common /_control/{latency,faults,lost-responses,clock,reset}):
//   POST /_control/accounts {id?, secretKey?}          -> {id, secretKey}
//   GET  /_control/accounts, GET /_control/accounts/:id (customers, paymentIntents, charges,
//        invoiceItems, invoices, events, idempotencyKeys, webhookEndpoints)
//   POST /_control/accounts/:id/keys {secretKey?}, POST /_control/accounts/:id/webhook-endpoints {url, secret?, enabledEvents?}
//   GET  /_control/requests (log + counts per route), POST /_control/rate-limit {perSecond}
//   POST /_control/webhooks/faults {drop?, duplicate?, delayMs?}, GET /_control/webhooks (delivery log)
import { createSimulatorBase, listen, type SimulatorOptions } from '../common/server.ts';
import { WebhookSender } from '../common/webhooks.ts';
import { accountSnapshot, addWebhookEndpoint, registerStripeControl, requestCounts } from './control.ts';
import { stripeErrorBody } from './errors.ts';
import { registerStripeApi } from './server.ts';
import { DEFAULT_SECRET_KEY, StripeState, type StripeAccount } from './state.ts';
import { StripeEvents, signStripePayload } from './webhooks.ts';

export interface StripeSimulatorOptions extends SimulatorOptions {
  port?: number;
  /** Accounts present at start and after reset; default one account opened by `sk_test_tandem_simulator`. */
  accounts?: { id?: string; secretKey: string }[];
  /** Requests per second per account (Stripe test mode: 25). */
  ratePerSecond?: number;
}

export async function startStripeSimulator(options: StripeSimulatorOptions = {}) {
  const base = createSimulatorBase(stripeErrorBody, options);
  const accounts = options.accounts ?? [{ id: 'acct_tandem_sim', secretKey: DEFAULT_SECRET_KEY }];
  const state = new StripeState({ perSecond: options.ratePerSecond ?? 25, accounts });
  const webhooks = new WebhookSender({ maxAttempts: 5, backoffMs: (n) => 20 * 2 ** n, timeoutMs: 5000 });
  const events = new StripeEvents(webhooks, base.clock);
  registerStripeControl(base.app, state, webhooks);
  registerStripeApi(base.app, state, base.clock, events);
  base.onReset(() => {
    state.reset();
    webhooks.reset();
  });

  const running = await listen(base.app, options.port);
  const defaultAccount = () => state.accountForKey(accounts[0].secretKey) as StripeAccount;
  return {
    ...running,
    state,
    clock: base.clock,
    faults: base.faults,
    latency: base.latency,
    lostResponses: base.lostResponses,
    webhooks,
    /** The first configured account's secret key. */
    secretKey: accounts[0].secretKey,
    defaultAccount,
    createAccount: (input: { id?: string; secretKey?: string } = {}) => state.createAccount(input),
    addWebhookEndpoint: (input: { url: string; secret?: string; enabledEvents?: string[] }, account = defaultAccount()) => addWebhookEndpoint(account, input),
    snapshot: (account = defaultAccount()) => accountSnapshot(account),
    requestCounts: () => requestCounts(state),
  };
}

export type StripeSimulator = Awaited<ReturnType<typeof startStripeSimulator>>;
export { signStripePayload };
