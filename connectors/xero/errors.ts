// Xero's failures as Tandem's typed errors, each naming the invoice or contact and the fix.
// xero-node rejects with a JSON string of its ApiError; `readXeroFailure` turns that (or a thrown
// Error) into one shape, and `toConnectorError` decides in one switch.
import { AuthExpired, Conflict, ConnectorError, Invalid, NotFound, RateLimited, Unavailable } from '../sdk/errors.ts';
import { XeroNodeFailure, XeroProblem, XeroValidationException } from './schemas.ts';

const connectorId = 'xero';

export interface XeroFailure {
  /** 0 when no answer arrived (network failure, timeout, dropped socket). */
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** What xero-node threw, kept as the ConnectorError's cause. */
  raw: unknown;
}

/** What the failing call was about, in a merchant's words: `invoice #1001`, `contact "Acme"`. */
export type XeroSubject = string;

export function readXeroFailure(err: unknown): XeroFailure {
  let value: unknown = err;
  if (typeof err === 'string') {
    try {
      value = JSON.parse(err);
    } catch {
      return { status: 0, body: err, headers: {}, raw: err };
    }
  }
  const parsed = XeroNodeFailure.safeParse(value);
  if (!parsed.success) return { status: 0, body: err instanceof Error ? err.message : String(err), headers: {}, raw: err };
  const headers = Object.fromEntries(Object.entries(parsed.data.response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return { status: parsed.data.response.statusCode, body: parsed.data.response.body, headers, raw: err };
}

/** Xero's own messages from a ValidationException, without repeats. */
export function validationMessages(body: unknown): string[] {
  const parsed = XeroValidationException.safeParse(body);
  if (!parsed.success) return [];
  const messages = (parsed.data.Elements ?? []).flatMap((e) => (e.ValidationErrors ?? []).map((v) => v.Message));
  return [...new Set(messages.length ? messages : parsed.data.Message ? [parsed.data.Message] : [])];
}

type Kind = 'validation' | 'unauthorized' | 'forbidden' | 'not_found' | 'in_progress' | 'throttled' | 'down' | 'other';

function kindOf(failure: XeroFailure): Kind {
  const { status } = failure;
  if (status === 400 && validationMessages(failure.body).length > 0) return 'validation';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'in_progress';
  if (status === 429) return 'throttled';
  if (status === 0 || status >= 500 || status === 408) return 'down';
  return 'other';
}

/** The fix a merchant can make for a validation message Xero sends. */
function fixFor(message: string): string {
  if (/archived/i.test(message)) return 'Unarchive it in Xero, then press Retry in Activity.';
  if (/Item code .* is not valid/i.test(message)) return 'Create the item in Xero or correct the SKU, then press Retry in Activity.';
  if (/account code|AccountCode/i.test(message)) return 'Check the sales account code in the Xero connection settings, then press Retry in Activity.';
  return 'Correct it in Xero or in the order, then press Retry in Activity.';
}

/** Retry-After is delay-seconds on Xero's 429s; the day limit names itself in X-Rate-Limit-Problem. */
export function rateLimitProblem(failure: XeroFailure): string {
  return failure.headers['x-rate-limit-problem'] ?? 'minute';
}

export function toConnectorError(failure: XeroFailure, subject: XeroSubject, retryAfterMs?: number): ConnectorError {
  const base = { connectorId, cause: failure.raw, details: { status: failure.status, body: failure.body } };
  const problem = XeroProblem.safeParse(failure.body);
  const detail = problem.success ? (problem.data.Detail ?? problem.data.Title ?? '') : typeof failure.body === 'string' ? failure.body.slice(0, 300) : '';
  const kind = kindOf(failure);
  switch (kind) {
    case 'validation': {
      const messages = validationMessages(failure.body);
      return Invalid(`Xero rejected ${subject}: ${messages.join(' ')}`, base.details, {
        ...base,
        merchantMessage: `Xero rejected ${subject}: ${messages.join(' ')} ${fixFor(messages.join(' '))}`,
      });
    }
    case 'unauthorized':
      return AuthExpired(`Xero refused the access token for ${subject}: ${detail}`, {
        ...base,
        merchantMessage: `Xero refused Tandem’s sign-in while working on ${subject}. Reconnect Xero in Connectors, then press Retry in Activity.`,
      });
    case 'forbidden':
      return AuthExpired(`Xero refused the organisation for ${subject}: ${detail}`, {
        ...base,
        merchantMessage: `Tandem is no longer connected to this Xero organisation (${subject} was not posted). Reconnect Xero in Connectors and choose the organisation again.`,
      });
    case 'not_found':
      return NotFound(`Xero has no ${subject}`, { ...base, merchantMessage: `Xero could not find ${subject}. It may have been deleted in Xero.` });
    case 'in_progress':
      return Conflict(`Xero is still processing an earlier attempt at ${subject}`, {
        ...base,
        merchantMessage: `Xero is still processing ${subject}; Tandem will check again shortly.`,
      });
    case 'throttled': {
      const day = rateLimitProblem(failure) === 'day';
      return RateLimited(retryAfterMs ?? 60_000, `Xero rate limit (${rateLimitProblem(failure)}) while working on ${subject}`, {
        ...base,
        merchantMessage: day
          ? `Xero’s daily limit of API calls for this organisation is used up, so ${subject} waits. Tandem carries on automatically when Xero allows it again.`
          : `Xero asked Tandem to slow down while working on ${subject}. Tandem retries automatically.`,
      });
    }
    case 'down':
      return Unavailable(`Xero did not answer for ${subject}${detail ? `: ${detail}` : ''}`, {
        ...base,
        merchantMessage: `Xero did not answer while Tandem worked on ${subject}. Tandem retries automatically.`,
      });
    case 'other':
      return Invalid(`Xero answered ${failure.status} for ${subject}${detail ? `: ${detail}` : ''}`, base.details, {
        ...base,
        merchantMessage: `Xero refused ${subject}${detail ? ` (${detail})` : ''}. Check it in Xero, then press Retry in Activity.`,
      });
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}
