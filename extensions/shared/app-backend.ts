// How Tandem's admin extensions call the app. In the admin, `fetch` to a relative path goes to the
// app's URL with the merchant's session token added (admin-extensions docs, "App authentication"),
// and the app answers with CORS headers; this module turns the answer into data or one sentence
// the merchant can act on.

export type AppAnswer<T> = { ok: true; data: T } | { ok: false; message: string };

/** The number at the end of an Admin API id: gid://shopify/Order/5512 → "5512"; null for anything else. */
export function legacyId(gid: string | undefined, type: 'Product' | 'Order'): string | null {
  const match = gid?.match(new RegExp(`^gid://shopify/${type}/([1-9]\\d{0,19})$`));
  return match ? match[1]! : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The sentence for an answer that is not a success. 400 carries the app's field errors; 401 and
 * 403 mean the session token was refused; anything else is the app being unreachable or failing.
 */
export function problemOf(status: number, body: unknown): string {
  if (status === 400 && isRecord(body) && isRecord(body.errors)) {
    const first = Object.values(body.errors).flat().find((m): m is string => typeof m === 'string');
    if (first) return first;
  }
  if (status === 401 || status === 403) return 'Shopify did not confirm your session with Tandem. Close this and open it again.';
  if (status === 0) return 'Tandem could not be reached. Check your connection and try again.';
  return `Tandem could not answer (HTTP ${status}). Try again in a minute; if it goes on, see Activity in the Tandem app.`;
}

/**
 * The app's answer, checked to be what `looksRight` expects (an old or failing deploy may answer
 * something else). Network failures become a message too: the extension never throws at the merchant.
 */
export async function callApp<T>(path: string, init: RequestInit, looksRight: (body: unknown) => body is T): Promise<AppAnswer<T>> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    return { ok: false, message: problemOf(0, null) };
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) return { ok: false, message: problemOf(response.status, body) };
  if (!looksRight(body)) return { ok: false, message: 'Tandem answered in a way this page does not understand. Reload the page; the app may have just been updated.' };
  return { ok: true, data: body };
}

/** For `looksRight`: an object whose `key` is an array. */
export function hasArray(body: unknown, key: string): boolean {
  return isRecord(body) && Array.isArray(body[key]);
}
