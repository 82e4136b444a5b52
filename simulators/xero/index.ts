// The Xero simulator: identity (OpenID discovery, consent, /connect/token, /connections) and the
// Accounting API (/api.xro/2.0) as one local HTTP server that the official `xero-node` client uses
// unmodified. xero-node has no host option, but exposes the two seams it reads at call time:
//
//   const sim = await startXeroSimulator({ latencyMs: 0 });
//   const xero = new XeroClient({ clientId, clientSecret, redirectUris, scopes });
//   // 1. OAuth: XeroClient.initialize() would discover https://identity.xero.com; give it the
//   //    simulator's issuer instead (openid-client, xero-node's own dependency, public field):
//   const issuer = await Issuer.discover(sim.url);
//   xero.openIdClient = new issuer.Client({ client_id, client_secret, redirect_uris });
//   //    buildConsentUrl(), apiCallback(), refreshToken() and revokeToken() then talk to the simulator.
//   // 2. Accounting: every generated API reads `basePath` per call:
//   xero.accountingApi.basePath = `${sim.url}/api.xro/2.0`;
//
// Not pointable: xero.updateTenants() and xero.refreshWithRefreshToken() hard-code
// https://api.xero.com/connections and https://identity.xero.com/connect/token; call
// `${sim.url}/connections` (Bearer token) and the token endpoint from discovery yourself instead.
//
// Behaviour worth knowing: access tokens live 30 min; a refresh token rotates on use and the used
// one stays valid for 30 min (grace), then invalid_grant. GET /Invoices without `page` omits line
// items, as Xero does. Webhooks are only delivered after the intent-to-receive handshake passed.
//
// Control API (besides the common /_control/{latency,faults,lost-responses,clock,reset}):
//   POST /_control/apps {clientId?, clientSecret?, redirectUris?, webhookKey?, webhookUrl?, consentTenantIds?}
//   POST /_control/apps/:clientId/webhook {url?, key?}, POST /_control/apps/:clientId/webhook/intent-to-receive
//   POST /_control/tenants {id?, name?, baseCurrency?}, GET /_control/tenants/:id (contacts, items, invoices, idempotencyKeys, call counts)
//   POST /_control/consent {clientId, tenantIds?, scope?} -> {authEventId, tenantIds, tokenSet}
//   POST /_control/limits {perMinute?, perDay?, concurrent?, appPerMinute?}, GET /_control/requests (log + counts)
//   POST /_control/webhooks/faults {drop?, duplicate?, delayMs?}, GET /_control/webhooks (delivery log)
import express from 'express';
import { createSimulatorBase, listen, type SimulatorOptions } from '../common/server.ts';
import { WebhookSender } from '../common/webhooks.ts';
import { registerXeroControl, requestCounts, tenantSnapshot } from './control.ts';
import { grantConsent, IdTokenSigner, issueTokens, registerXeroIdentity } from './oauth.ts';
import { registerXeroResources } from './resources.ts';
import { registerXeroAccounting, trackInFlight } from './server.ts';
import { XeroState, type XeroLimits, type XeroSeed } from './state.ts';
import { XeroWebhooks } from './webhooks.ts';

export const DEFAULT_XERO_APP = {
  clientId: 'TANDEMSIMCLIENT0000000000000000',
  clientSecret: 'tandem-sim-client-secret',
  redirectUris: ['http://localhost:3000/auth/xero/callback'],
};
export const DEFAULT_TENANT_ID = '6f1e7c1a-3b0d-4f4e-9a55-0f1c2d3e4f50';

export interface XeroSimulatorOptions extends SimulatorOptions {
  port?: number;
  apps?: XeroSeed['apps'];
  tenants?: XeroSeed['tenants'];
  /** Per-tenant limits; the day cap defaults to 5000. */
  limits?: Partial<XeroLimits>;
}

/** Xero's default text for a 4xx/5xx the common fault middleware injects. */
function xeroErrorBody(status: number) {
  if (status === 429) return 'oauth_problem=rate%20limit%20exceeded&oauth_problem_advice=please%20wait%20before%20retrying%20the%20xero%20api';
  const titles: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' };
  return { Type: null, Title: titles[status] ?? 'Error', Status: status, Detail: titles[status] ?? 'Error', Instance: null, Extensions: {} };
}

export async function startXeroSimulator(options: XeroSimulatorOptions = {}) {
  const base = createSimulatorBase(xeroErrorBody, options);
  const seed: XeroSeed = {
    apps: options.apps ?? [DEFAULT_XERO_APP],
    tenants: options.tenants ?? [{ id: DEFAULT_TENANT_ID, name: 'Demo Company (US)' }],
    limits: options.limits,
  };
  const state = new XeroState(seed, () => base.clock.nowMs());
  const sender = new WebhookSender({ maxAttempts: 5, backoffMs: (n) => 20 * 2 ** n, timeoutMs: 5000 });
  let url = '';
  const webhooks = new XeroWebhooks(state, sender, base.clock, () => url);
  const signer = new IdTokenSigner();

  registerXeroControl(base.app, state, base.clock, sender, webhooks);
  registerXeroIdentity(base.app, state, base.clock, signer);
  registerXeroAccounting(base.app, state, base.clock, (router) => registerXeroResources(router, (tenant, changes) => webhooks.publish(tenant, changes)));
  base.onReset(() => {
    state.reset();
    sender.reset();
  });

  // In-flight counting sits in front of the base so simulated latency counts as "in progress".
  const outer = express();
  outer.disable('x-powered-by');
  outer.use(trackInFlight(state));
  outer.use(base.app);
  const running = await listen(outer, options.port);
  url = running.url;

  const appOf = (clientId: string) => {
    const found = state.apps.get(clientId);
    if (!found) throw new Error(`no Xero app ${clientId}`);
    return found;
  };
  return {
    ...running,
    state,
    clock: base.clock,
    faults: base.faults,
    latency: base.latency,
    lostResponses: base.lostResponses,
    webhooks: sender,
    clientId: seed.apps[0].clientId,
    clientSecret: seed.apps[0].clientSecret,
    tenantId: state.tenants.keys().next().value as string,
    /** Base path for `xero.accountingApi.basePath`. */
    accountingBasePath: `${running.url}/api.xro/2.0`,
    /** Consent + tokens in one step (no browser): the token set a callback would have produced. */
    connect: (input: { clientId?: string; tenantIds?: string[]; scope?: string } = {}) => {
      const grant = grantConsent(state, base.clock, appOf(input.clientId ?? seed.apps[0].clientId), input.scope ?? 'offline_access accounting.transactions accounting.contacts accounting.settings', input.tenantIds);
      return issueTokens(state, base.clock, grant);
    },
    addTenant: (input: { id?: string; name: string }) => state.addTenant(input),
    setLimits: (limits: Partial<XeroLimits>) => Object.assign(state.limits, limits),
    subscribeWebhooks: async (webhookUrl: string, clientId = seed.apps[0].clientId) => {
      const target = appOf(clientId);
      target.webhookUrl = webhookUrl;
      return { status: await webhooks.intentToReceive(target), key: target.webhookKey };
    },
    snapshot: (tenantId = state.tenants.keys().next().value as string) => tenantSnapshot(state.tenants.get(tenantId) as NonNullable<ReturnType<typeof state.tenants.get>>),
    requestCounts: () => requestCounts(state),
  };
}

export type XeroSimulator = Awaited<ReturnType<typeof startXeroSimulator>>;
export { signXeroPayload } from './webhooks.ts';
