// Routes of the Shopify simulator. Several shops share one server: the shop is named in the path
// (`/store/{shop}/admin/...`, how Tandem maps `https://{shop}/...` in tests) or, on the real path
// `/admin/...`, by the Host header.
import type { Express, Request, Response } from 'express';
import type { RawRequest } from '../common/server.ts';
import { INVALID_TOKEN_BODY, runAdminGraphql } from './admin-api.ts';
import type { Sim } from './context.ts';
import { accessTokenRequest } from './oauth.ts';
import { API_VERSION } from './schema.ts';
import type { ShopRecord } from './state.ts';

/** Bodies the fault middleware answers with, in Shopify's shapes. */
export function shopifyErrorBody(status: number): unknown {
  if (status === 401) return INVALID_TOKEN_BODY;
  if (status === 402) return { errors: 'Unavailable Shop' };
  if (status === 403) return { errors: 'Forbidden' };
  if (status === 404) return { errors: 'Not Found' };
  if (status === 423) return { errors: 'This shop is unavailable' };
  if (status === 429) return { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' };
  if (status >= 500) return { errors: 'Internal Server Error' };
  return { errors: 'Bad Request' };
}

function shopFor(sim: Sim, req: Request): ShopRecord | undefined {
  const named = req.params.shop ?? (req.headers.host ?? '').replace(/:\d+$/, '');
  return sim.state.shops.get(named);
}

function bodyOf(req: Request): Record<string, unknown> {
  if (req.body && typeof req.body === 'object' && Object.keys(req.body).length) return req.body as Record<string, unknown>;
  const raw = (req as RawRequest).rawBody;
  if (!raw?.length) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return {};
  }
}

export function mountShopifyRoutes(app: Express, sim: Sim) {
  const graphql = async (req: Request, res: Response) => {
    const shop = shopFor(sim, req);
    if (!shop) return res.status(404).json({ errors: 'Not Found' });
    const token = req.header('X-Shopify-Access-Token');
    const out = await runAdminGraphql(sim, shop, token, bodyOf(req));
    res.setHeader('X-Shopify-API-Version', API_VERSION);
    res.setHeader('X-Request-Id', crypto.randomUUID());
    res.status(out.status).json(out.body);
  };
  const accessToken = (req: Request, res: Response) => {
    const shop = shopFor(sim, req);
    if (!shop) return res.status(404).json({ errors: 'Not Found' });
    const out = accessTokenRequest(sim, shop, bodyOf(req));
    shop.calls.push({ at: sim.clock.now().toISOString(), kind: 'oauth', rootFields: [], requestedQueryCost: null, actualQueryCost: null, throttled: false, status: out.status });
    res.status(out.status).json(out.body);
  };
  app.post('/store/:shop/admin/api/:version/graphql.json', graphql);
  app.post('/store/:shop/admin/oauth/access_token', accessToken);
  app.post('/admin/api/:version/graphql.json', graphql);
  app.post('/admin/oauth/access_token', accessToken);

  // Bulk results: Shopify serves them from signed storage URLs that need no token.
  app.get('/_files/bulk/:shop/:file', (req, res) => {
    const shop = sim.state.shops.get(req.params.shop);
    const id = Number(/^(\d+)\.jsonl$/.exec(req.params.file)?.[1]);
    const body = shop?.bulkFiles.get(id);
    if (body === undefined) return res.status(404).send('Not Found');
    res.type('application/jsonl').send(body);
  });
}
