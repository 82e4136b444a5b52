// WooCommerce failures to ConnectorErrors, in one place. WooCommerce answers WP_Error bodies
// `{ code, message, data: { status } }` (wp-api-v3_introduction.md, Errors); the code says more
// than the status, so it decides. Retryable statuses (408, 429, 5xx) are left to the HTTP layer.
import { AuthExpired, Conflict, type ConnectorError, Invalid, NotFound } from '../sdk/errors.ts';
import { WooErrorBody } from './schemas.ts';

const connectorId = 'woocommerce';

export type WooFailure =
  | { kind: 'http'; status: number; body: unknown }
  /** One item of a batch call failed while the others were applied. */
  | { kind: 'batch-item'; item: string; code: string; message: string; others: number; written: number };

export interface WooContext {
  /** The store's address, as the merchant typed it. */
  site: string;
}

/** Returns undefined when the HTTP layer's defaults should decide (retries, 429). */
export function toConnectorError(failure: WooFailure, context: WooContext, cause?: unknown): ConnectorError | undefined {
  const extra = { connectorId, cause };
  switch (failure.kind) {
    case 'http': {
      if (failure.status === 408 || failure.status === 429 || failure.status >= 500) return undefined;
      const parsed = WooErrorBody.safeParse(failure.body);
      const code = parsed.success ? parsed.data.code : '';
      const says = parsed.success ? parsed.data.message : `HTTP ${failure.status}`;
      const message = `WooCommerce ${context.site} answered ${failure.status} ${code}: ${says}`.trim();
      if (failure.status === 401 || failure.status === 403 || code === 'woocommerce_rest_authentication_error' || code.startsWith('woocommerce_rest_cannot_')) {
        return AuthExpired(message, {
          ...extra,
          merchantMessage: `WooCommerce at ${context.site} refused Tandem's API key (${says}). Create a key with Read/Write access under WooCommerce → Settings → Advanced → REST API, then reconnect the store in Connectors.`,
        });
      }
      if (code === 'rest_no_route') {
        return NotFound(message, {
          ...extra,
          merchantMessage: `${context.site} has no WooCommerce REST API at /wp-json/wc/v3. Check the store address, that WooCommerce is active, and that WordPress permalinks are not "Plain".`,
        });
      }
      if (code === 'product_invalid_sku' || code === 'registration-error-email-exists' || failure.status === 409) {
        return Conflict(message, { ...extra, details: { status: failure.status, code } });
      }
      if (failure.status === 404 || code.endsWith('_invalid_id')) return NotFound(message, { ...extra, details: { status: failure.status, code } });
      return Invalid(message, { status: failure.status, code, body: failure.body }, extra);
    }
    case 'batch-item': {
      const others = failure.others > 0 ? ` (and ${failure.others} more; ${failure.written} written)` : '';
      const message = `WooCommerce ${context.site} refused ${failure.item}: ${failure.message} (${failure.code})${others}`;
      const details = { code: failure.code, others: failure.others, written: failure.written };
      if (failure.code.endsWith('_invalid_id')) {
        return NotFound(message, { ...extra, details, merchantMessage: `The ${failure.item} no longer exists in WooCommerce at ${context.site}${others}. Re-run SKU matching in Tandem to link it again.` });
      }
      return Invalid(message, details, { ...extra, merchantMessage: `WooCommerce at ${context.site} refused the ${failure.item}: ${failure.message}${others}. Fix it in WooCommerce, then press Retry in Activity.` });
    }
    default:
      return assertNever(failure);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled WooCommerce failure ${JSON.stringify(value)}`);
}
