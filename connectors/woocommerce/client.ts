// The WooCommerce REST client: the SDK's one HTTP layer with Basic auth (consumer key and secret,
// wp-api-v3_authentication.md: over HTTPS, "HTTP Basic Auth"), WP_Error bodies mapped by errors.ts,
// and the pagination headers X-WP-Total / X-WP-TotalPages (wp-api-v3_introduction.md, Pagination).
// WooCommerce sends no rate-limit headers; a host's 429 carries Retry-After, which http.ts honours.
import type { z } from 'zod';
import type { ConnectorDeps } from '../sdk/connector.ts';
import { AuthExpired } from '../sdk/errors.ts';
import { createHttpClient, type HttpClient, type HttpRequest } from '../sdk/http.ts';
import { toConnectorError } from './errors.ts';
import type { WooConfig } from './manifest.ts';

/** WooCommerce refuses `per_page` above 100 (rest_invalid_param). */
export const MAX_PER_PAGE = 100;
/** Batch endpoints accept at most 100 objects per request (413 beyond; wp-api-v3_products.md, Batch). */
export const MAX_BATCH = 100;

export interface WooPage<T> {
  items: T;
  totalPages: number;
}

export class WooClient {
  private readonly http: HttpClient;
  readonly site: string;

  constructor(config: WooConfig, deps: ConnectorDeps) {
    const root = (deps.baseUrlOverride ?? config.siteUrl).replace(/\/+$/, '');
    this.site = config.siteUrl.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    const context = { site: this.site };
    this.http = createHttpClient({
      connectorId: 'woocommerce',
      baseUrl: `${root}/wp-json/wc/v3`,
      budget: deps.budget,
      fetch: deps.fetch,
      logger: deps.logger,
      async authorize({ headers }) {
        const { apiKey, apiSecret } = await deps.credentials.get();
        if (!apiKey || !apiSecret) {
          throw AuthExpired('No WooCommerce consumer key and secret are stored', {
            connectorId: 'woocommerce',
            merchantMessage: `Tandem has no API key for WooCommerce at ${context.site}. Reconnect the store in Connectors.`,
          });
        }
        headers.set('authorization', `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`);
      },
      classifyError: (status, body) => toConnectorError({ kind: 'http', status, body }, context),
    });
  }

  async get<T>(path: string, query: HttpRequest['query'], schema: z.ZodType<T>): Promise<WooPage<T>> {
    const response = await this.http.request({ path, query }, schema);
    return { items: response.data, totalPages: Number(response.headers.get('x-wp-totalpages') ?? 1) || 0 };
  }

  /** Reads every page (100 at a time); for lists Tandem needs whole, such as a product's variations. */
  async getAll<T>(path: string, query: HttpRequest['query'], schema: z.ZodType<T[]>): Promise<T[]> {
    const all: T[] = [];
    for (let page = 1; ; page++) {
      const { items, totalPages } = await this.get(path, { ...query, per_page: MAX_PER_PAGE, page }, schema);
      all.push(...items);
      if (page >= totalPages || items.length === 0) return all;
    }
  }

  async send<T>(method: 'POST' | 'PUT', path: string, json: unknown, schema: z.ZodType<T>, opts: { idempotent?: boolean } = {}): Promise<T> {
    return (await this.http.request({ method, path, json, idempotent: opts.idempotent }, schema)).data;
  }
}
