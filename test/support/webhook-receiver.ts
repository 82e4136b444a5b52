// Stands where Remix would: an HTTP server the Shopify simulator delivers webhooks to, handing each
// delivery (headers and raw body untouched, so HMAC verification runs for real) to the route
// module of its X-Shopify-Topic.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActionFunctionArgs } from '@remix-run/node';

export type WebhookAction = (args: ActionFunctionArgs) => Promise<Response>;

export interface WebhookReceiver {
  url: string;
  close(): Promise<void>;
}

export async function startWebhookReceiver(routes: Record<string, WebhookAction>): Promise<WebhookReceiver> {
  const server = createServer(async (req, res) => {
    const topic = String(req.headers['x-shopify-topic']);
    const action = routes[topic];
    if (!action) return res.writeHead(404).end();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const request = new Request(`http://localhost/webhooks/${topic}`, { method: 'POST', headers, body: Buffer.concat(chunks) });
    try {
      const response = await action({ request, params: {}, context: {} });
      res.writeHead(response.status).end();
    } catch (thrown) {
      res.writeHead(thrown instanceof Response ? thrown.status : 500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
