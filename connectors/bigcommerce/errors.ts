// BigCommerce failures to ConnectorErrors, in one place. v3 answers `{ status, title, errors }`,
// v2 `[{ status, message }]` (api-status-codes). Retryable statuses (408, 429, 5xx) are left to
// the HTTP layer, which waits per X-Rate-Limit-Time-Reset-Ms and retries.
import { AuthExpired, Conflict, type ConnectorError, Invalid, NotFound } from '../sdk/errors.ts';
import { BigCommerceV2Error, BigCommerceV3Error } from './schemas.ts';

const connectorId = 'bigcommerce';

export type BigCommerceFailure =
  | { kind: 'http'; status: number; body: unknown }
  /** A line Tandem cannot place on a BigCommerce order (no or several variants with its SKU). */
  | { kind: 'unmatched-line'; orderReference: string; sku: string; matches: number };

export interface BigCommerceContext {
  storeHash: string;
}

export function vendorSays(body: unknown): string {
  const v3 = BigCommerceV3Error.safeParse(body);
  if (v3.success) {
    const fields = Object.entries(v3.data.errors ?? {}).map(([field, why]) => `${field}: ${String(why)}`);
    return fields.length ? `${v3.data.title} (${fields.join('; ')})` : v3.data.title;
  }
  const v2 = BigCommerceV2Error.safeParse(body);
  if (v2.success) return v2.data.map((e) => e.message).join('; ');
  return typeof body === 'string' ? body.slice(0, 300) : '';
}

/** Returns undefined when the HTTP layer's defaults should decide (retries, 429). */
export function toConnectorError(failure: BigCommerceFailure, context: BigCommerceContext, cause?: unknown): ConnectorError | undefined {
  const extra = { connectorId, cause };
  const store = `BigCommerce store ${context.storeHash}`;
  switch (failure.kind) {
    case 'http': {
      const { status } = failure;
      if (status === 408 || status === 429 || status >= 500) return undefined;
      const says = vendorSays(failure.body) || `HTTP ${status}`;
      const message = `${store} answered ${status}: ${says}`;
      const details = { status, body: failure.body };
      if (status === 401 || status === 403) {
        return AuthExpired(message, {
          ...extra,
          details,
          merchantMessage: `${store} refused Tandem's API token (${says}). Create a store API account with Products, Orders, Information & Settings and Customers scopes, then reconnect BigCommerce in Connectors.`,
        });
      }
      if (status === 404) return NotFound(message, { ...extra, details });
      if (status === 409) return Conflict(message, { ...extra, details });
      // README: absolute adjustments answer 422 when the item is tracked at the other level.
      const byProduct = /Item with variant_id (\d+) is tracked by product/.exec(says);
      if (status === 422 && byProduct) {
        return Invalid(message, details, {
          ...extra,
          merchantMessage: `${store} tracks stock of variant ${byProduct[1]} on its product, so Tandem cannot set it per variant. In BigCommerce, set that product's inventory tracking to "track by variant" (or keep one variant), then press Retry in Activity.`,
        });
      }
      return Invalid(message, details, { ...extra, merchantMessage: `${store} refused Tandem's request: ${says}. Fix it in BigCommerce, then press Retry in Activity.` });
    }
    case 'unmatched-line': {
      const what = failure.matches === 0 ? 'no variant' : `${failure.matches} variants`;
      return Invalid(`${store}: SKU ${failure.sku} of order ${failure.orderReference} matches ${what}`, { sku: failure.sku, matches: failure.matches }, {
        ...extra,
        merchantMessage: `Tandem could not forward order ${failure.orderReference} to BigCommerce: SKU ${failure.sku} matches ${what}. Give exactly one variant that SKU, then press Retry in Activity.`,
      });
    }
    default:
      return assertNever(failure);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled BigCommerce failure ${JSON.stringify(value)}`);
}
