// The BigCommerce REST client: the SDK's one HTTP layer with the store's X-Auth-Token, under
// https://api.bigcommerce.com/stores/{store_hash}/v3 and /v2. Every answer carries the store's
// quota (api-rate-limits: X-Rate-Limit-Requests-Left, X-Rate-Limit-Time-Reset-Ms,
// X-Rate-Limit-Requests-Quota, X-Rate-Limit-Time-Window-Ms), fed to the shared budget; a 429
// waits the reset time (X-Retry-After in seconds is sent too, Retry-After is not).
import type { z } from 'zod';
import type { ConnectorDeps } from '../sdk/connector.ts';
import { AuthExpired } from '../sdk/errors.ts';
import { createHttpClient, type HttpClient, type HttpRequest, type RateLimitReading } from '../sdk/http.ts';
import { toConnectorError } from './errors.ts';
import type { BigCommerceConfig } from './manifest.ts';

export const API_ROOT = 'https://api.bigcommerce.com';

export function readQuota(headers: Headers, status: number): RateLimitReading | undefined {
  const left = headers.get('x-rate-limit-requests-left');
  const resetMs = headers.get('x-rate-limit-time-reset-ms');
  const retryAfterS = headers.get('x-retry-after');
  if (left === null && resetMs === null && retryAfterS === null) return undefined;
  const reading: RateLimitReading = {};
  if (left !== null) reading.remaining = Number(left);
  if (resetMs !== null) reading.resetInMs = Number(resetMs);
  if (status === 429) reading.retryAfterMs = resetMs !== null ? Number(resetMs) : Number(retryAfterS) * 1000;
  return reading;
}

export class BigCommerceClient {
  private readonly http: HttpClient;
  readonly storeHash: string;
  readonly locationId: number;

  constructor(config: BigCommerceConfig, deps: ConnectorDeps) {
    this.storeHash = config.storeHash;
    this.locationId = config.locationId;
    const context = { storeHash: config.storeHash };
    this.http = createHttpClient({
      connectorId: 'bigcommerce',
      baseUrl: `${(deps.baseUrlOverride ?? API_ROOT).replace(/\/+$/, '')}/stores/${config.storeHash}`,
      budget: deps.budget,
      fetch: deps.fetch,
      logger: deps.logger,
      async authorize({ headers }) {
        const { accessToken } = await deps.credentials.get();
        if (!accessToken) {
          throw AuthExpired('No BigCommerce access token is stored', {
            connectorId: 'bigcommerce',
            merchantMessage: `Tandem has no API token for BigCommerce store ${context.storeHash}. Reconnect it in Connectors.`,
          });
        }
        headers.set('x-auth-token', accessToken);
      },
      readRateLimit: readQuota,
      classifyError: (status, body) => toConnectorError({ kind: 'http', status, body }, context),
    });
  }

  async get<T>(path: string, query: HttpRequest['query'], schema: z.ZodType<T>): Promise<T> {
    return (await this.http.request({ path, query }, schema)).data;
  }

  /** v2 lists answer 204 No Content when empty. */
  async getV2List<T>(path: string, query: HttpRequest['query'], schema: z.ZodType<T[]>): Promise<T[]> {
    return (await this.http.request({ path, query }, schema.nullable())).data ?? [];
  }

  async send<T>(method: 'POST' | 'PUT', path: string, json: unknown, schema: z.ZodType<T>): Promise<T> {
    return (await this.http.request({ method, path, json }, schema)).data;
  }
}
