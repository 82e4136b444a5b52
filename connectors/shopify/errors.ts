// Shopify failures to ConnectorErrors, in one place. Shopify throttles with HTTP 200 and
// `extensions.code: "THROTTLED"` (contracts README), reports bad input as GraphQL errors, and
// business refusals as mutation `userErrors`: all three land here.
import { AuthExpired, Conflict, ConnectorError, Invalid, NotFound, RateLimited, Unavailable } from '../sdk/errors.ts';
import type { ShopifyUserError } from './schemas.ts';

export interface GraphQLErrorLike {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
  path?: ReadonlyArray<string | number>;
}

export type ShopifyFailure =
  | { kind: 'http'; status: number; body: string; retryAfterMs?: number }
  | { kind: 'network'; timedOut: boolean }
  | { kind: 'graphql'; errors: GraphQLErrorLike[]; retryAfterMs?: number }
  | { kind: 'user'; userErrors: ShopifyUserError[] }
  | { kind: 'shape'; issues: unknown };

export interface FailureContext {
  shop: string;
  /** The operation name, e.g. TandemOrderCreate. */
  operation: string;
  /** What Tandem was doing, in merchant words, e.g. `creating order for reference tandem:1001`. */
  doing?: string;
}

const connectorId = 'shopify';

export function toConnectorError(failure: ShopifyFailure, context: FailureContext, cause?: unknown): ConnectorError {
  const where = `Shopify ${context.shop} ${context.operation}`;
  const extra = { connectorId, cause };
  switch (failure.kind) {
    case 'http': {
      const message = `${where} answered HTTP ${failure.status}`;
      if (failure.status === 401 || failure.status === 403) {
        return AuthExpired(message, { ...extra, merchantMessage: `Shopify refused Tandem's access token for ${context.shop}. Open Tandem from that store's admin to reconnect it.` });
      }
      if (failure.status === 404) return NotFound(`${message}: no such shop or API version`, extra);
      if (failure.status === 423) {
        return Invalid(`${message}: the shop is locked`, { status: 423 }, { ...extra, merchantMessage: `${context.shop} is locked by Shopify (unpaid plan or fraud review). Tandem resumes once it is unlocked.` });
      }
      if (failure.status === 429) return RateLimited(failure.retryAfterMs ?? 1_000, message, extra);
      if (failure.status >= 500) return Unavailable(message, extra);
      return Invalid(message, { status: failure.status, body: failure.body.slice(0, 1_000) }, extra);
    }
    case 'network':
      return Unavailable(`${where} ${failure.timedOut ? 'timed out' : 'could not be reached'}`, extra);
    case 'graphql': {
      const codes = failure.errors.map((e) => e.extensions?.code);
      const message = `${where} failed: ${failure.errors.map((e) => e.message).join('; ')}`;
      if (codes.includes('THROTTLED')) return RateLimited(failure.retryAfterMs ?? 1_000, message, extra);
      if (codes.includes('ACCESS_DENIED')) {
        return AuthExpired(message, { ...extra, merchantMessage: `Tandem lacks a Shopify permission on ${context.shop}. Open Tandem from that store's admin to grant it.` });
      }
      if (codes.includes('INTERNAL_SERVER_ERROR') || codes.includes('SERVICE_UNAVAILABLE')) return Unavailable(message, extra);
      return Invalid(message, failure.errors, extra);
    }
    case 'user': {
      const codes = failure.userErrors.map((e) => e.code ?? '');
      const message = `${where} refused${context.doing ? ` ${context.doing}` : ''}: ${failure.userErrors.map((e) => `${(e.field ?? []).join('.') || 'input'}: ${e.message}`).join('; ')}`;
      if (codes.some((c) => c === 'TAKEN' || c === 'CHANGE_FROM_QUANTITY_STALE' || c === 'DUPLICATE' || c.startsWith('IDEMPOTENCY_KEY_PARAMETER_MISMATCH'))) {
        return Conflict(message, { ...extra, details: failure.userErrors });
      }
      if (codes.some((c) => c === 'IDEMPOTENCY_CONCURRENT_REQUEST')) return Unavailable(message, { ...extra, details: failure.userErrors });
      if (codes.some((c) => c === 'NOT_FOUND' || c === 'PRODUCT_NOT_FOUND' || c === 'ORDER_NOT_FOUND')) return NotFound(message, { ...extra, details: failure.userErrors });
      return Invalid(message, failure.userErrors, extra);
    }
    case 'shape':
      return Invalid(`${where} answered a shape Tandem does not understand`, failure.issues, extra);
    default:
      return assertNever(failure);
  }
}

function assertNever(value: never): never {
  throw new ConnectorError('invalid', `Unhandled Shopify failure ${JSON.stringify(value)}`);
}
