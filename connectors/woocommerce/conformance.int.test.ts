import { describeConnectorConformance } from '../sdk/conformance.ts';
import type { Sku } from '../sdk/types.ts';
import { BULK, connectTo, startSite, WEBHOOK_SECRET } from './simulated-site.ts';
import { signWooWebhook } from './webhooks.ts';

describeConnectorConformance('WooCommerce', async () => {
  const sim = await startSite();
  return {
    connector: connectTo(sim),
    fixtures: {
      knownSku: 'TOTE' as Sku,
      duplicateSku: 'MUG-DUP' as Sku,
      minimumProducts: BULK + 4,
      newCustomerEmail: `buyer-${Date.now()}@example.com`,
    },
    signWebhook: (topic, body) => ({
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-signature': signWooWebhook(body, WEBHOOK_SECRET),
      'x-wc-webhook-delivery-id': '9001',
      'x-wc-webhook-source': `${sim.url}/sites/supplier/`,
    }),
    sampleWebhook: { topic: 'order.created', body: JSON.stringify({ id: 1234, status: 'processing' }) },
    close: () => sim.close(),
  };
});
