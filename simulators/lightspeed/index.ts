// Starts the Lightspeed X-Series simulator: a real HTTP server with many retailers behind one OAuth
// app. API at /api/2.0 and /api/2026-07 (retailer found by bearer token) or
// /retailers/{domain_prefix}/api/...; tokens at POST /api/1.0/token; consent at GET /connect.
import { createSimulatorBase, listen, type SimulatorOptions } from '../common/server.ts';
import { WebhookSender, type WebhookSenderOptions } from '../common/webhooks.ts';
import { oauthRouter, type OAuthApp } from './auth.ts';
import { lightspeedControl, lightspeedControlRouter } from './control.ts';
import { lightspeedRouter } from './server.ts';
import { LightspeedState } from './state.ts';

export interface LightspeedSimulatorOptions extends SimulatorOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** When set, the token endpoint checks redirect_uri against it. */
  redirectUri?: string;
  /** Access token lifetime (default 1 hour). */
  accessTokenTtlMs?: number;
  /** Default: 1 + 20 retries (the vendor's count) with delays compressed to milliseconds. */
  webhooks?: WebhookSenderOptions;
}

export const API_VERSIONS = ['2.0', '2026-07'];

export async function startLightspeedSimulator(opts: LightspeedSimulatorOptions = {}) {
  const base = createSimulatorBase((status) => ({ error: status === 429 ? 'Too Many Requests' : 'Simulated failure' }), { bodyLimit: opts.bodyLimit, latencyMs: opts.latencyMs });
  const state = new LightspeedState();
  const app: OAuthApp = {
    clientId: opts.clientId ?? 'tandem-lightspeed-client',
    clientSecret: opts.clientSecret ?? 'tandem-lightspeed-secret',
    redirectUri: opts.redirectUri,
    accessTokenTtlMs: opts.accessTokenTtlMs ?? 60 * 60_000,
  };
  const webhooks = new WebhookSender(opts.webhooks ?? { maxAttempts: 21, backoffMs: (n) => 10 * n, timeoutMs: 5000 });
  const control = lightspeedControl(state, app, base.clock, webhooks);
  base.onReset(() => {
    state.reset();
    webhooks.reset();
  });
  base.app.use('/_control', lightspeedControlRouter(state, control, app, webhooks));
  base.app.use(oauthRouter(state, app, base.clock));
  base.app.use('/retailers/:prefix', oauthRouter(state, app, base.clock));
  const api = lightspeedRouter({ state, clock: base.clock, sender: webhooks, clientSecret: app.clientSecret });
  for (const version of API_VERSIONS) {
    base.app.use(`/api/${version}`, api);
    base.app.use(`/retailers/:prefix/api/${version}`, api);
  }
  const running = await listen(base.app, opts.port ?? 0);
  return {
    ...running,
    state,
    clock: base.clock,
    faults: base.faults,
    lostResponses: base.lostResponses,
    latency: base.latency,
    webhooks,
    oauthApp: app,
    ...control,
    /** API base for one retailer and version, e.g. `${url}/retailers/acme/api/2026-07`. */
    apiBase: (prefix: string, version = '2026-07') => `${running.url}/retailers/${prefix}/api/${version}`,
  };
}

export type LightspeedSimulator = Awaited<ReturnType<typeof startLightspeedSimulator>>;
