// /_control for the Stripe simulator: seed accounts, keys and webhook endpoints, read what
// happened (customers, charges, invoices, idempotency records, the request log with counts), set
// the rate limit, and fault webhook delivery. The common
// base adds /_control/{latency,faults,lost-responses,clock,reset}.
import type { Express, Request } from 'express';
import type { WebhookSender } from '../common/webhooks.ts';
import { stripeId, type StripeAccount, type StripeState, type WebhookEndpoint } from './state.ts';

export function addWebhookEndpoint(account: StripeAccount, input: { url: string; secret?: string; enabledEvents?: string[] }): WebhookEndpoint {
  const endpoint = {
    id: stripeId('we'),
    url: input.url,
    secret: input.secret ?? `whsec_${stripeId('x', 32).slice(2)}`,
    enabledEvents: input.enabledEvents ?? ['*'],
  };
  account.webhookEndpoints.push(endpoint);
  return endpoint;
}

/** Counts of requests per "METHOD /path", with ids collapsed (`/v1/invoices/:id/pay`). */
export function requestCounts(state: StripeState) {
  const counts: Record<string, number> = {};
  for (const r of state.requests) {
    const key = `${r.method} ${r.path.replace(/\/(cus|pi|in|ii|ch|pm|evt|we)_[A-Za-z0-9]+/g, '/:id')}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function accountSnapshot(account: StripeAccount) {
  return {
    id: account.id,
    secretKeys: account.secretKeys,
    customers: [...account.customers.values()],
    paymentMethods: [...account.paymentMethods.values()],
    paymentIntents: [...account.paymentIntents.values()],
    charges: [...account.charges.values()],
    invoiceItems: [...account.invoiceItems.values()],
    invoices: [...account.invoices.values()],
    events: account.events,
    idempotencyKeys: [...account.idempotency.values()].map(({ key, method, path, createdAtMs, response }) => ({
      key,
      method,
      path,
      createdAt: new Date(createdAtMs).toISOString(),
      status: response?.status ?? null,
    })),
    webhookEndpoints: account.webhookEndpoints,
  };
}

export function registerStripeControl(app: Express, state: StripeState, webhooks: WebhookSender) {
  const accountOf = (req: Request) => state.accounts.get(req.params.id);

  app.post('/_control/accounts', (req, res) => {
    const account = state.createAccount({ id: req.body?.id, secretKey: req.body?.secretKey });
    res.status(201).json({ id: account.id, secretKey: account.secretKeys.at(-1) });
  });
  app.get('/_control/accounts', (_req, res) => {
    res.json({ accounts: [...state.accounts.values()].map((a) => ({ id: a.id, secretKeys: a.secretKeys })) });
  });
  app.get('/_control/accounts/:id', (req, res) => {
    const account = accountOf(req);
    if (!account) return res.status(404).json({ error: `no account ${req.params.id}` });
    res.json(accountSnapshot(account));
  });
  app.post('/_control/accounts/:id/keys', (req, res) => {
    const account = accountOf(req);
    if (!account) return res.status(404).json({ error: `no account ${req.params.id}` });
    state.createAccount({ id: account.id, secretKey: req.body?.secretKey });
    res.status(201).json({ id: account.id, secretKey: account.secretKeys.at(-1) });
  });
  app.post('/_control/accounts/:id/webhook-endpoints', (req, res) => {
    const account = accountOf(req);
    if (!account) return res.status(404).json({ error: `no account ${req.params.id}` });
    if (typeof req.body?.url !== 'string') return res.status(400).json({ error: 'url is required' });
    res.status(201).json(addWebhookEndpoint(account, { url: req.body.url, secret: req.body.secret, enabledEvents: req.body.enabledEvents }));
  });

  app.get('/_control/requests', (_req, res) => res.json({ total: state.requests.length, counts: requestCounts(state), requests: state.requests }));
  app.post('/_control/rate-limit', (req, res) => {
    const perSecond = Number(req.body?.perSecond);
    if (!Number.isFinite(perSecond) || perSecond <= 0) return res.status(400).json({ error: 'perSecond must be a positive number' });
    state.limits.perSecond = perSecond;
    res.json(state.limits);
  });
  app.post('/_control/search-lag', (req, res) => {
    const lagMs = Number(req.body?.ms);
    if (!Number.isFinite(lagMs) || lagMs < 0) return res.status(400).json({ error: 'ms must be a number >= 0' });
    state.limits.searchLagMs = lagMs;
    res.json(state.limits);
  });

  app.post('/_control/webhooks/faults', (req, res) => {
    Object.assign(webhooks.faults, {
      drop: Number(req.body?.drop ?? webhooks.faults.drop),
      duplicate: Number(req.body?.duplicate ?? webhooks.faults.duplicate),
      delayMs: Number(req.body?.delayMs ?? webhooks.faults.delayMs),
    });
    res.json(webhooks.faults);
  });
  app.get('/_control/webhooks', (_req, res) => res.json({ faults: webhooks.faults, deliveries: webhooks.log }));
}
