// Xero webhooks (xero-webhooks.yaml): a JSON envelope `{ events[], firstEventSequence,
// lastEventSequence, entropy }` signed in `x-xero-signature` = base64 HMAC-SHA256 of the raw body
// with the app's webhook key. Before delivering, Xero checks the receiver with an
// "intent to receive": an empty-events payload sent once correctly signed (must answer 200) and
// once wrongly signed (must answer 401); only then is the subscription OK.
import { createHmac, randomBytes } from 'node:crypto';
import type { WebhookSender } from '../common/webhooks.ts';
import type { SimClock } from '../common/clock.ts';
import type { ChangeEvent } from './resources.ts';
import type { XeroApp, XeroState, XeroTenant } from './state.ts';

export const signXeroPayload = (body: string, key: string) => createHmac('sha256', key).update(body, 'utf8').digest('base64');

const entropy = () =>
  Array.from(randomBytes(20), (b) => String.fromCharCode(65 + (b % 26))).join('');

const resourcePath: Record<ChangeEvent['category'], string> = { CONTACT: 'Contacts', INVOICE: 'Invoices' };

export class XeroWebhooks {
  constructor(
    private readonly state: XeroState,
    private readonly sender: WebhookSender,
    private readonly clock: SimClock,
    private readonly apiUrl: () => string,
  ) {}

  /** Queues one signed delivery per app connected to the tenant whose webhook passed intent-to-receive. */
  publish(tenant: XeroTenant, changes: ChangeEvent[]) {
    if (changes.length === 0) return;
    const apps = [...this.state.apps.values()].filter(
      (a) => a.webhookUrl && a.webhookStatus === 'OK' && this.state.connections.some((c) => c.clientId === a.clientId && c.tenantId === tenant.id),
    );
    for (const app of apps) {
      const first = app.eventSequence + 1;
      app.eventSequence += changes.length;
      const events = changes.map((c) => ({
        resourceUrl: `${this.apiUrl()}/api.xro/2.0/${resourcePath[c.category]}/${c.id}`,
        resourceId: c.id,
        eventDateUtc: this.clock.now().toISOString().replace(/Z$/, ''),
        eventType: c.type,
        eventCategory: c.category,
        tenantId: tenant.id,
        tenantType: 'ORGANISATION',
      }));
      this.#send(app, { events, firstEventSequence: first, lastEventSequence: app.eventSequence, entropy: entropy() });
    }
  }

  #send(app: XeroApp, payload: unknown, key = app.webhookKey) {
    const body = JSON.stringify(payload);
    this.sender.send(app.webhookUrl as string, body, { 'Content-Type': 'application/json', 'x-xero-signature': signXeroPayload(body, key) });
  }

  /** Runs the intent-to-receive handshake against the app's webhook URL and records the verdict. */
  async intentToReceive(app: XeroApp): Promise<XeroApp['webhookStatus']> {
    if (!app.webhookUrl) throw new Error(`app ${app.clientId} has no webhook URL`);
    const post = async (key: string) => {
      const body = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: entropy() });
      const res = await fetch(app.webhookUrl as string, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json', 'x-xero-signature': signXeroPayload(body, key) },
        signal: AbortSignal.timeout(5000),
      }).catch(() => undefined);
      await res?.arrayBuffer();
      return res?.status;
    };
    const good = await post(app.webhookKey);
    const bad = await post(`${app.webhookKey}-wrong`);
    app.webhookStatus = good === 200 && bad === 401 ? 'OK' : 'FAILED';
    return app.webhookStatus;
  }
}
