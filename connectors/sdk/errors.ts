// Typed connector errors. The job layer decides retry, backoff or give-up from `code` alone
// (errors cross the queue as JSON, so check `code`, not only `instanceof`).

export type ConnectorErrorCode =
  | 'rate_limited'
  | 'auth_expired'
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'unavailable'
  | 'capability_missing'
  | 'budget_exhausted';

export interface ConnectorErrorJson {
  name: 'ConnectorError';
  code: ConnectorErrorCode;
  message: string;
  merchantMessage: string;
  connectorId?: string;
  retryAfterMs?: number;
  details?: unknown;
}

export class ConnectorError extends Error {
  readonly name = 'ConnectorError';

  constructor(
    readonly code: ConnectorErrorCode,
    message: string,
    readonly options: {
      /** Names the object and the fix, in a merchant's words. Defaults to `message`. */
      merchantMessage?: string;
      connectorId?: string;
      retryAfterMs?: number;
      details?: unknown;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
  }

  get merchantMessage() {
    return this.options.merchantMessage ?? this.message;
  }

  get retryAfterMs() {
    return this.options.retryAfterMs;
  }

  get details() {
    return this.options.details;
  }

  toJSON(): ConnectorErrorJson {
    return {
      name: 'ConnectorError',
      code: this.code,
      message: this.message,
      merchantMessage: this.merchantMessage,
      connectorId: this.options.connectorId,
      retryAfterMs: this.options.retryAfterMs,
      details: this.options.details,
    };
  }
}

/** The vendor asked us to slow down; try again after `retryAfterMs`. */
export const RateLimited = (retryAfterMs: number, message = 'Rate limited by the platform', extra: Partial<ConnectorError['options']> = {}) =>
  new ConnectorError('rate_limited', message, { ...extra, retryAfterMs });
/** Credentials were refused; refresh once, then alert the merchant to reconnect. */
export const AuthExpired = (message = 'Credentials were refused', extra: Partial<ConnectorError['options']> = {}) =>
  new ConnectorError('auth_expired', message, extra);
export const NotFound = (message: string, extra: Partial<ConnectorError['options']> = {}) => new ConnectorError('not_found', message, extra);
/** The write collides with existing state (duplicate, stale compare-and-swap). */
export const Conflict = (message: string, extra: Partial<ConnectorError['options']> = {}) => new ConnectorError('conflict', message, extra);
/** The platform rejected our input: retrying the same call cannot succeed. */
export const Invalid = (message: string, details?: unknown, extra: Partial<ConnectorError['options']> = {}) =>
  new ConnectorError('invalid', message, { ...extra, details });
/** The platform is down, timed out or answered 5xx: retry with backoff. */
export const Unavailable = (message: string, extra: Partial<ConnectorError['options']> = {}) => new ConnectorError('unavailable', message, extra);

/** Reads the code from an error or its JSON form (as it arrives from a BullMQ failed job). */
export function connectorErrorCode(err: unknown): ConnectorErrorCode | undefined {
  if (err && typeof err === 'object' && 'code' in err && (err as { name?: string }).name === 'ConnectorError') {
    return (err as { code: ConnectorErrorCode }).code;
  }
  return undefined;
}

export function isConnectorError(err: unknown): err is ConnectorError {
  return err instanceof ConnectorError || connectorErrorCode(err) !== undefined;
}
