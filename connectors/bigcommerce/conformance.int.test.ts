import { buildCallback } from '../../simulators/bigcommerce/events.ts';
import { describeConnectorConformance } from '../sdk/conformance.ts';
import { createMemoryBudget } from '../sdk/memory-budget.ts';
import type { Sku } from '../sdk/types.ts';
import { manifest } from './manifest.ts';
import { BULK, connectTo, STORE, startStore, WEBHOOK_SECRET } from './simulated-store.ts';
import { webhookHeaders } from './webhooks.ts';

describeConnectorConformance('BigCommerce', async () => {
  const sim = await startStore();
  const store = sim.state.store(STORE)!;
  return {
    // Paced by the store's real quota (150 per 30 s), as in production.
    connector: connectTo(sim, { budget: createMemoryBudget(manifest.rateLimit) }),
    fixtures: {
      knownSku: 'TOTE' as Sku,
      duplicateSku: 'MUG-DUP' as Sku,
      minimumProducts: BULK + 4,
      newCustomerEmail: `buyer-${Date.now()}@example.com`,
    },
    // BigCommerce "signs" with the custom headers Tandem set on the hook.
    signWebhook: () => webhookHeaders(WEBHOOK_SECRET),
    sampleWebhook: { topic: 'store/order/created', body: JSON.stringify(buildCallback(store, 'store/order/created', { type: 'order', id: 250 }, Date.now())) },
    close: () => sim.close(),
  };
});
