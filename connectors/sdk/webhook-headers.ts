// Reading webhook delivery headers the same way whether the route hands over a fetch `Headers` or
// node's lower-cased header record (where a repeated header arrives as an array).
export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

/** The header's first value, case-insensitively; undefined when absent. */
export function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key ? headers[key] : undefined;
  return Array.isArray(value) ? value[0] : value;
}
