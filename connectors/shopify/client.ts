// The Shopify Admin GraphQL client: graphql-request 7 over fetch, with cost-aware pacing.
// Shopify's limit is a leaky bucket of cost points per app and shop, reported on every response as
// `extensions.cost.throttleStatus` (contracts README). Before sending we price the document
// (cost.ts), wait until the bucket we last saw (refilled at restoreRate since) can pay for it,
// spend the same from the shared budget, then refund what Shopify did not charge and tell the
// budget what Shopify says is left. So steady traffic never meets THROTTLED; if it still does
// (another app, another worker), we wait per restoreRate and retry, within maxWaitMs.
import { createHash } from 'node:crypto';
import { ClientError, GraphQLClient } from 'graphql-request';
import type { z } from 'zod';
import type { Budget } from '../sdk/budget.ts';
import type { CredentialStore, Logger } from '../sdk/connector.ts';
import { ConnectorError } from '../sdk/errors.ts';
import { backoffDelay, parseRetryAfter, sleep } from '../sdk/http.ts';
import { requestedCost } from './cost.ts';
import { toConnectorError, type GraphQLErrorLike, type ShopifyFailure } from './errors.ts';
import { ShopifyCost, type ShopifyUserError } from './schemas.ts';

export const SHOPIFY_API_VERSION = '2026-10';

/** Real shops: `https://{shop}/admin/api/2026-10/graphql.json`; the simulator serves each shop under `/store/{shop}`. */
export function adminGraphqlUrl(shop: string, baseUrlOverride?: string): string {
  const root = baseUrlOverride ? `${baseUrlOverride.replace(/\/+$/, '')}/store/${shop}` : `https://${shop}`;
  return `${root}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`;
}

export function oauthTokenUrl(shop: string, baseUrlOverride?: string): string {
  const root = baseUrlOverride ? `${baseUrlOverride.replace(/\/+$/, '')}/store/${shop}` : `https://${shop}`;
  return `${root}/admin/oauth/access_token`;
}

export interface ShopifyClientOptions {
  shop: string;
  credentials: CredentialStore;
  budget: Budget;
  logger: Logger;
  fetch?: typeof fetch;
  baseUrlOverride?: string;
  /** Longest a call waits here for throttling before throwing RateLimited. Default 30 s. */
  maxWaitMs?: number;
  timeoutMs?: number;
  /** Retries of 5xx and network failures for queries and idempotent mutations. Default 3. */
  retries?: number;
  /** The app's client id, needed to refresh expiring offline tokens. */
  clientId?: string;
}

export interface RequestOptions {
  /**
   * True for queries and for mutations Shopify deduplicates (an `@idempotent` key): only those are
   * retried after a 5xx or a timeout, since the first attempt may have been applied.
   */
  retrySafe?: boolean;
  /** What Tandem was doing, for the error message. */
  doing?: string;
}

interface BucketState {
  available: number;
  maximum: number;
  restoreRate: number;
  at: number;
}

export class ShopifyClient {
  private readonly graphql: GraphQLClient;
  private bucket: BucketState | undefined;

  constructor(private readonly options: ShopifyClientOptions) {
    this.graphql = new GraphQLClient(adminGraphqlUrl(options.shop, options.baseUrlOverride), {
      fetch: options.fetch,
      errorPolicy: 'all',
    });
  }

  get shop() {
    return this.options.shop;
  }

  /**
   * Names this shop's endpoint and the app's current grant, for caches of facts about the shop
   * (its primary location) shared by the connectors a worker builds job after job. A new token (a
   * reinstall, a rotation, a simulator reset) is a new key, so such facts are looked up again.
   */
  async grantKey(): Promise<string> {
    const token = (await this.options.credentials.get()).accessToken ?? '';
    const grant = createHash('sha256').update(token).digest('hex').slice(0, 16);
    return `${adminGraphqlUrl(this.options.shop, this.options.baseUrlOverride)}|${grant}`;
  }

  /** Sends one document and returns its parsed `data`; throws a ConnectorError otherwise. */
  async request<T>(document: string, variables: Record<string, unknown>, schema: z.ZodType<T>, opts: RequestOptions = {}): Promise<T> {
    const operation = operationName(document);
    const context = { shop: this.options.shop, operation, doing: opts.doing };
    const maxWaitMs = this.options.maxWaitMs ?? 30_000;
    const retries = this.options.retries ?? 3;
    const retrySafe = opts.retrySafe ?? !/^\s*mutation\b/.test(document);
    const estimate = requestedCost(document, variables);
    let waitedMs = 0;
    let failures = 0;
    let refreshed = false;

    for (;;) {
      waitedMs += await this.paceFor(estimate, maxWaitMs - waitedMs, context);
      await this.options.budget.spend(estimate, { maxWaitMs: Math.max(0, maxWaitMs - waitedMs) });
      const token = (await this.options.credentials.get()).accessToken;
      if (!token) throw toConnectorError({ kind: 'http', status: 401, body: 'no access token stored' }, context);

      let response: Awaited<ReturnType<GraphQLClient['rawRequest']>>;
      try {
        response = await this.graphql.rawRequest({
          query: document,
          variables,
          requestHeaders: { 'X-Shopify-Access-Token': token },
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (err) {
        const failure = classifyThrown(err);
        // Refused calls are not charged; a lost answer may have been, so that one stays spent.
        if (failure.kind === 'http') await this.options.budget.refund(estimate);
        if (failure.kind === 'http' && (failure.status === 401 || failure.status === 403) && !refreshed) {
          refreshed = true;
          if (await this.refreshAccessToken(token)) continue;
        }
        if (failure.kind === 'http' && failure.status === 429) {
          const wait = failure.retryAfterMs ?? 1_000;
          if (waitedMs + wait <= maxWaitMs) {
            waitedMs += wait;
            await sleep(wait);
            continue;
          }
        }
        const transient = failure.kind === 'network' || (failure.kind === 'http' && failure.status >= 500);
        if (transient && retrySafe && failures < retries) {
          await sleep(backoffDelay(failures++, { baseMs: 250, maxMs: 8_000 }));
          continue;
        }
        throw toConnectorError(failure, context, err);
      } finally {
        await this.options.budget.release?.();
      }

      const cost = ShopifyCost.safeParse((response.extensions as { cost?: unknown } | undefined)?.cost);
      const charged = cost.success ? (cost.data.actualQueryCost ?? (response.data ? (cost.data.requestedQueryCost ?? estimate) : 0)) : estimate;
      if (estimate > charged) await this.options.budget.refund(estimate - charged);
      if (cost.success) {
        const { currentlyAvailable, maximumAvailable, restoreRate } = cost.data.throttleStatus;
        this.bucket = { available: currentlyAvailable, maximum: maximumAvailable, restoreRate, at: Date.now() };
        await this.options.budget.observe({ remaining: currentlyAvailable });
      }

      const errors = (response.errors ?? []) as GraphQLErrorLike[];
      if (errors.some((e) => e.extensions?.code === 'THROTTLED')) {
        // At least a short pause, so a bucket we believe full cannot make us spin.
        const wait = Math.max(50, this.refillWait(cost.success ? (cost.data.requestedQueryCost ?? estimate) : estimate));
        if (waitedMs + wait <= maxWaitMs) {
          this.options.logger.warn('Shopify throttled a call; waiting for the bucket to refill', { shop: this.options.shop, operation, wait });
          waitedMs += wait;
          await sleep(wait);
          continue;
        }
        throw toConnectorError({ kind: 'graphql', errors, retryAfterMs: wait }, context);
      }
      if (errors.length > 0) throw toConnectorError({ kind: 'graphql', errors }, context);

      const parsed = schema.safeParse(response.data);
      if (!parsed.success) throw toConnectorError({ kind: 'shape', issues: parsed.error.issues }, context, parsed.error);
      return parsed.data;
    }
  }

  /** Throws the mutation's userErrors as a ConnectorError when there are any. */
  assertNoUserErrors(userErrors: ShopifyUserError[] | undefined, operation: string, doing?: string): void {
    if (userErrors && userErrors.length > 0) {
      throw toConnectorError({ kind: 'user', userErrors }, { shop: this.options.shop, operation, doing });
    }
  }

  /** Waits until the bucket last reported can pay `cost`; returns the time waited. */
  private async paceFor(cost: number, allowedMs: number, context: { shop: string; operation: string }): Promise<number> {
    const wait = this.refillWait(cost);
    if (wait <= 0) return 0;
    if (wait > allowedMs) {
      throw toConnectorError({ kind: 'graphql', errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], retryAfterMs: wait }, context);
    }
    await sleep(wait);
    return wait;
  }

  private refillWait(cost: number): number {
    if (!this.bucket) return 0;
    const { available, maximum, restoreRate, at } = this.bucket;
    const now = Math.min(maximum, available + ((Date.now() - at) / 1000) * restoreRate);
    const need = Math.min(cost, maximum);
    return need <= now ? 0 : Math.ceil(((need - now) / restoreRate) * 1000);
  }

  /**
   * Expiring offline tokens (contracts README, Auth): trade the refresh token for a new pair. Runs
   * under the credential store's lock; if another worker already rotated it, its token is used.
   */
  private async refreshAccessToken(refusedToken: string): Promise<boolean> {
    const { clientId } = this.options;
    let rotated = false;
    await this.options.credentials.update(async (current) => {
      if (current.accessToken && current.accessToken !== refusedToken) {
        rotated = true;
        return current;
      }
      if (!current.refreshToken || !clientId || !current.apiSecret) return current;
      const response = await (this.options.fetch ?? fetch)(oauthTokenUrl(this.options.shop, this.options.baseUrlOverride), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ client_id: clientId, client_secret: current.apiSecret, grant_type: 'refresh_token', refresh_token: current.refreshToken }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
      if (!response.ok) return current;
      const body = (await response.json()) as { access_token?: string; refresh_token?: string; expires_in?: number };
      if (!body.access_token) return current;
      rotated = true;
      return {
        ...current,
        accessToken: body.access_token,
        refreshToken: body.refresh_token ?? current.refreshToken,
        expiresAt: body.expires_in ? new Date(Date.now() + body.expires_in * 1000).toISOString() : current.expiresAt,
      };
    });
    return rotated;
  }
}

function classifyThrown(err: unknown): ShopifyFailure {
  if (err instanceof ClientError) {
    const status = err.response.status;
    return { kind: 'http', status, body: String(err.response.body ?? ''), retryAfterMs: parseRetryAfter(err.response.headers?.get('retry-after')) };
  }
  if (err instanceof ConnectorError) throw err;
  const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
  return { kind: 'network', timedOut };
}

function operationName(document: string): string {
  return /\b(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? 'anonymous';
}
