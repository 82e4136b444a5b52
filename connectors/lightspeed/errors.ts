// Lightspeed's error answers as typed errors. The HTTP layer maps statuses; this adds what X-Series
// says in a 422 (`{ error, details: { field: [messages] } }`) and names the object for the merchant.
import { Conflict, ConnectorError, Invalid, isConnectorError } from '../sdk/errors.ts';
import { LightspeedErrorBody } from './schemas.ts';

const connectorId = 'lightspeed-x';

/** Vendor-specific decisions, run by the HTTP layer before its defaults. */
export function classifyLightspeedError(status: number, body: unknown): ConnectorError | undefined {
  const parsed = LightspeedErrorBody.safeParse(body);
  if (!parsed.success || status !== 422) return undefined;
  const fields = Object.entries(parsed.data.details ?? {}).map(([field, messages]) => `${field}: ${messages.join(', ')}`);
  const said = [parsed.data.error, ...fields].join('; ');
  if (/already (in use|exists)/i.test(said)) return Conflict(`Lightspeed refused a duplicate: ${said}`, { connectorId, details: parsed.data });
  return Invalid(`Lightspeed refused the request: ${said}`, parsed.data, { connectorId });
}

/**
 * Adds what the failing call was about (`sale for order #1001`) and the fix to the merchant
 * message, keeping the code and the cause; other errors pass through unchanged.
 */
export function about(err: unknown, subject: string, fix = 'Correct it in Lightspeed, then press Retry in Activity.'): unknown {
  if (!isConnectorError(err) || !(err instanceof ConnectorError)) return err;
  if (err.code !== 'invalid' && err.code !== 'conflict' && err.code !== 'not_found') return err;
  return new ConnectorError(err.code, `${subject}: ${err.message}`, {
    ...err.options,
    merchantMessage: `Lightspeed refused the ${subject}: ${err.message.replace(/^.*?answered \d+: /, '').replace(/^Lightspeed refused (the request|a duplicate): /, '')}. ${fix}`,
    cause: err,
  });
}
