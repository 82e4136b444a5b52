// Starts the BigCommerce simulator: a real HTTP server with many stores, each under
// /stores/{store_hash}/v2 and /v3, plus the /_control API.
import { createSimulatorBase, listen, type SimulatorOptions } from '../common/server.ts';
import { WebhookSender, type WebhookSenderOptions } from '../common/webhooks.ts';
import { bigCommerceControl, bigCommerceControlRouter } from './control.ts';
import { bigCommerceRouter, v3Error } from './server.ts';
import { BigCommerceState } from './state.ts';

export interface BigCommerceSimulatorOptions extends SimulatorOptions {
  port?: number;
  webhooks?: WebhookSenderOptions;
}

export async function startBigCommerceSimulator(opts: BigCommerceSimulatorOptions = {}) {
  const base = createSimulatorBase((status) => v3Error(status, status === 429 ? 'Too many requests' : 'Internal Server Error'), opts);
  const state = new BigCommerceState();
  const webhooks = new WebhookSender(opts.webhooks ?? { maxAttempts: 5, backoffMs: (n) => 20 * 2 ** n, timeoutMs: 5000 });
  const control = bigCommerceControl(state, base.clock, webhooks);
  base.onReset(() => {
    state.reset();
    webhooks.reset();
  });
  base.app.use('/_control', bigCommerceControlRouter(state, control, webhooks));
  base.app.use('/stores/:hash', bigCommerceRouter({ state, clock: base.clock, sender: webhooks }));
  const running = await listen(base.app, opts.port ?? 0);
  return {
    ...running,
    state,
    clock: base.clock,
    faults: base.faults,
    lostResponses: base.lostResponses,
    latency: base.latency,
    webhooks,
    ...control,
    /** Base URL of one store's API, e.g. `${url}/stores/abc123`. */
    storeUrl: (hash: string) => `${running.url}/stores/${hash}`,
  };
}

export type BigCommerceSimulator = Awaited<ReturnType<typeof startBigCommerceSimulator>>;
