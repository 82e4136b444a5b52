// Tandem's webhook routes behind a real HTTP server, as Remix serves them: each delivery goes to its
// topic's route module. A test can hold back the deliveries of chosen topics (answered 200 as if
// received, kept for later) to play them late, out of order or twice.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActionFunctionArgs } from '@remix-run/node';

export interface HeldDelivery {
  topic: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface WebhookReceiver {
  /** Base URL: a delivery goes to `${url}/<topic>`. */
  url: string;
  /** Deliveries of these topics are kept, not handed to the route, until released. */
  hold(topics: string[]): void;
  held(): HeldDelivery[];
  /** Hands a delivery (a held one, or any crafted one) to its route now; resolves with the route's status and body. */
  deliver(delivery: HeldDelivery): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

type Action = (args: ActionFunctionArgs) => Promise<Response>;

/** `routes`: topic → the route module's action (import them after the environment is set). */
export async function startWebhookReceiver(routes: Record<string, Action>): Promise<WebhookReceiver> {
  let holding = new Set<string>();
  const kept: HeldDelivery[] = [];

  const deliver = async ({ topic, headers, body }: HeldDelivery) => {
    const action = routes[topic];
    if (!action) return { status: 404, body: '' };
    const request = new Request(`http://localhost/webhooks/${topic}`, { method: 'POST', headers, body: new Uint8Array(body) });
    try {
      const response = await action({ request, params: {}, context: {} });
      return { status: response.status, body: await response.text() };
    } catch (thrown) {
      if (thrown instanceof Response) return { status: thrown.status, body: await thrown.text() };
      return { status: 500, body: (thrown as Error).message };
    }
  };

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const delivery = { topic: String(req.headers['x-shopify-topic']), headers, body: Buffer.concat(chunks) };
    if (holding.has(delivery.topic)) {
      kept.push(delivery);
      res.writeHead(200).end();
      return;
    }
    const answer = await deliver(delivery);
    res.writeHead(answer.status).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: (topics) => (holding = new Set(topics)),
    held: () => kept.splice(0),
    deliver,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
