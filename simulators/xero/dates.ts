// Xero's date forms. Responses carry MS-JSON dates (`/Date(1539993600000+0000)/`) beside plain
// `…String` twins (`2018-10-20T00:00:00`), as in the examples of xero_accounting.yaml; requests
// may send `2020-10-10`, `2020-10-10T00:00:00` or an MS-JSON date.

export const msDate = (ms: number) => `/Date(${ms}+0000)/`;

/** `2018-10-20T00:00:00`: ISO without milliseconds or zone, as Xero's DateString fields are. */
export const xeroDateString = (ms: number) => new Date(ms).toISOString().slice(0, 19);

/** `2019-11-14T18:10:38Z`, the form of UpdatedDateUTCString. */
export const utcString = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** Milliseconds for a date a client sent, or undefined when it is not one Xero would accept. */
export function parseXeroDate(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = value.match(/^\/Date\((-?\d+)([+-]\d{4})?\)\/$/);
  if (ms) return Number(ms[1]);
  const plain = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : /T[\d:.]+$/.test(value) ? `${value}Z` : value;
  const parsed = Date.parse(plain);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** The start of the UTC day holding `ms` (invoice dates are days). */
export const startOfDay = (ms: number) => Math.floor(ms / 86_400_000) * 86_400_000;
