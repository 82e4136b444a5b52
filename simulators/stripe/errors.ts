// Stripe's error envelope: `{ "error": { type, code, message, param, doc_url } }`
// (docs.stripe.com/api/errors). `saved` says whether an idempotent replay returns it: Stripe saves
// a result only once the endpoint started executing, not for failed parameter validation.
export interface StripeErrorBody {
  type: 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  [extra: string]: unknown;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly saved = false,
  ) {
    super(body.message);
  }
}

const docUrl = (code: string) => `https://docs.stripe.com/error-codes/${code.replace(/_/g, '-')}`;

export function resourceMissing(kind: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    doc_url: docUrl('resource_missing'),
    message: `No such ${kind}: '${id}'`,
    param,
  });
}

export function missingParam(param: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_missing',
    doc_url: docUrl('parameter_missing'),
    message: `Missing required param: ${param}.`,
    param,
  });
}

export function invalidParam(param: string, message: string, code = 'parameter_invalid_string'): StripeApiError {
  return new StripeApiError(400, { type: 'invalid_request_error', code, doc_url: docUrl(code), message, param });
}

/** An error raised after the endpoint started work (state checks): saved for idempotent replays. */
export function invalidState(message: string, code?: string): StripeApiError {
  return new StripeApiError(400, { type: 'invalid_request_error', message, ...(code ? { code, doc_url: docUrl(code) } : {}) }, true);
}

/** The vendor-shaped body the common fault middleware sends for injected statuses. */
export function stripeErrorBody(status: number): { error: StripeErrorBody } {
  if (status === 429) {
    return {
      error: {
        type: 'invalid_request_error',
        code: 'rate_limit',
        doc_url: docUrl('rate_limit'),
        message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
      },
    };
  }
  if (status === 401) return { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } };
  if (status === 404) return { error: { type: 'invalid_request_error', message: 'Unrecognized request URL.' } };
  if (status >= 500) return { error: { type: 'api_error', message: 'An unknown error occurred.' } };
  return { error: { type: 'invalid_request_error', message: `Request failed with status ${status}.` } };
}
