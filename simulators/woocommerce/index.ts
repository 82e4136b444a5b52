// Starts the WooCommerce simulator: a real HTTP server holding many sites, each at
// /sites/{site}/wp-json/wc/v3 (or /wp-json/wc/v3, found by consumer key), plus the /_control API.
import { createSimulatorBase, listen, type SimulatorOptions } from '../common/server.ts';
import { WebhookSender, type WebhookSenderOptions } from '../common/webhooks.ts';
import { wooCommerceControl, wooCommerceControlRouter } from './control.ts';
import { wooCommerceRouter } from './server.ts';
import { WooCommerceState } from './state.ts';

export interface WooCommerceSimulatorOptions extends SimulatorOptions {
  port?: number;
  /** WooCommerce tries each delivery once; override only to test retries elsewhere. */
  webhooks?: WebhookSenderOptions;
}

export async function startWooCommerceSimulator(opts: WooCommerceSimulatorOptions = {}) {
  const base = createSimulatorBase((status) => ({ code: status === 429 ? 'rest_too_many_requests' : 'internal_server_error', message: 'Simulated failure.', data: { status } }), opts);
  const state = new WooCommerceState();
  const webhooks = new WebhookSender(opts.webhooks ?? { maxAttempts: 1, backoffMs: () => 0, timeoutMs: 5000 });
  let url = '';
  const control = wooCommerceControl(state, base.clock, webhooks, () => url);
  base.onReset(() => {
    state.reset();
    webhooks.reset();
  });
  base.app.use('/_control', wooCommerceControlRouter(state, control, webhooks));
  const api = wooCommerceRouter({ state, clock: base.clock, sender: webhooks });
  base.app.use('/sites/:site/wp-json/wc/v3', api);
  base.app.use('/wp-json/wc/v3', api);
  const running = await listen(base.app, opts.port ?? 0);
  url = running.url;
  return {
    ...running,
    state,
    clock: base.clock,
    faults: base.faults,
    lostResponses: base.lostResponses,
    latency: base.latency,
    webhooks,
    ...control,
    /** REST base of one site, e.g. `${url}/sites/abc/wp-json/wc/v3`. */
    siteApi: (siteId: string) => control.apiBase(running.url, siteId),
  };
}

export type WooCommerceSimulator = Awaited<ReturnType<typeof startWooCommerceSimulator>>;
