// /_control for the Xero simulator: seed apps and tenants, consent and issue tokens without a
// browser, read the books (contacts, items, invoices), idempotency records and the request log,
// set limits, and run or fault webhook delivery. The common base adds
// /_control/{latency,faults,lost-responses,clock,reset}.
import type { Express } from 'express';
import type { SimClock } from '../common/clock.ts';
import type { WebhookSender } from '../common/webhooks.ts';
import { grantConsent, issueTokens } from './oauth.ts';
import { randomToken, type XeroRecord, type XeroState, type XeroTenant } from './state.ts';
import type { XeroWebhooks } from './webhooks.ts';
import { msDate } from './dates.ts';

export function tenantSnapshot(tenant: XeroTenant) {
  const out = (m: XeroTenant['contacts']) => [...m.values()].map((s): XeroRecord => ({ ...s.data, UpdatedDateUTC: msDate(s.updatedMs) }));
  return {
    id: tenant.id,
    name: tenant.name,
    contacts: out(tenant.contacts),
    items: out(tenant.items),
    invoices: out(tenant.invoices),
    idempotencyKeys: [...tenant.idempotency.values()].map(({ key, method, path, createdAtMs, response }) => ({
      key,
      method,
      path,
      createdAt: new Date(createdAtMs).toISOString(),
      status: response?.status ?? null,
    })),
    callsLastMinute: tenant.minuteCalls.length,
    callsLastDay: tenant.dayCalls.length,
  };
}

/** Counts per "METHOD /path" with GUIDs collapsed (`GET /api.xro/2.0/Invoices/:id`). */
export function requestCounts(state: XeroState) {
  const counts: Record<string, number> = {};
  for (const r of state.requests) {
    const key = `${r.method} ${r.path.replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '/:id')}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function registerXeroControl(app: Express, state: XeroState, clock: SimClock, sender: WebhookSender, webhooks: XeroWebhooks) {
  app.post('/_control/apps', (req, res) => {
    const body = req.body ?? {};
    const created = state.addApp({
      clientId: body.clientId ?? randomToken(16).toUpperCase(),
      clientSecret: body.clientSecret ?? randomToken(36),
      redirectUris: body.redirectUris,
      webhookKey: body.webhookKey,
      webhookUrl: body.webhookUrl,
    });
    if (Array.isArray(body.consentTenantIds)) created.consentTenantIds = body.consentTenantIds;
    res.status(201).json(created);
  });
  app.post('/_control/apps/:clientId/webhook', (req, res) => {
    const target = state.apps.get(req.params.clientId);
    if (!target) return res.status(404).json({ error: `no app ${req.params.clientId}` });
    if (req.body?.url) target.webhookUrl = req.body.url;
    if (req.body?.key) target.webhookKey = req.body.key;
    target.webhookStatus = 'UNVERIFIED';
    res.json({ url: target.webhookUrl, key: target.webhookKey, status: target.webhookStatus });
  });
  app.post('/_control/apps/:clientId/webhook/intent-to-receive', async (req, res) => {
    const target = state.apps.get(req.params.clientId);
    if (!target?.webhookUrl) return res.status(404).json({ error: `no app with a webhook URL: ${req.params.clientId}` });
    res.json({ status: await webhooks.intentToReceive(target) });
  });

  app.post('/_control/tenants', (req, res) => {
    const tenant = state.addTenant({ id: req.body?.id, name: req.body?.name ?? 'Demo Company (US)', baseCurrency: req.body?.baseCurrency });
    res.status(201).json({ id: tenant.id, name: tenant.name });
  });
  app.get('/_control/tenants/:id', (req, res) => {
    const tenant = state.tenants.get(req.params.id);
    if (!tenant) return res.status(404).json({ error: `no tenant ${req.params.id}` });
    res.json(tenantSnapshot(tenant));
  });

  // Consent without a browser: a grant over the tenants, and either a code or a token set.
  app.post('/_control/consent', (req, res) => {
    const client = state.apps.get(req.body?.clientId);
    if (!client) return res.status(404).json({ error: `no app ${req.body?.clientId}` });
    const grant = grantConsent(state, clock, client, req.body?.scope ?? 'offline_access accounting.transactions accounting.contacts accounting.settings', req.body?.tenantIds);
    res.status(201).json({ authEventId: grant.authEventId, tenantIds: grant.tenantIds, tokenSet: issueTokens(state, clock, grant) });
  });

  app.post('/_control/limits', (req, res) => {
    for (const k of ['perMinute', 'perDay', 'concurrent', 'appPerMinute'] as const) {
      if (req.body?.[k] !== undefined) state.limits[k] = Number(req.body[k]);
    }
    res.json(state.limits);
  });
  app.get('/_control/requests', (_req, res) => res.json({ total: state.requests.length, counts: requestCounts(state), requests: state.requests }));

  app.post('/_control/webhooks/faults', (req, res) => {
    Object.assign(sender.faults, {
      drop: Number(req.body?.drop ?? sender.faults.drop),
      duplicate: Number(req.body?.duplicate ?? sender.faults.duplicate),
      delayMs: Number(req.body?.delayMs ?? sender.faults.delayMs),
    });
    res.json(sender.faults);
  });
  app.get('/_control/webhooks', (_req, res) => res.json({ faults: sender.faults, deliveries: sender.log }));
}
