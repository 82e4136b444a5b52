// Stripe's Search Query Language, the part billing code uses to look an object up before writing
// it again (docs.stripe.com/search#search-query-language): clauses `field:'value'`,
// `metadata['key']:'value'`, `-field:'value'` (not), `field~'sub'` (substring, 3+ characters) and
// numeric `amount>1000`, joined by all-AND or all-OR. Search is eventually consistent in Stripe
// ("don't use search for read-after-write flows"); `lagMs` reproduces that delay.
import { invalidParam } from './errors.ts';

type Searchable = { created: number; metadata?: Record<string, string> | null } & Record<string, unknown>;

function valueOf(object: Searchable, field: string): unknown {
  const meta = field.match(/^metadata\[['"](.+)['"]\]$/);
  if (meta) return object.metadata?.[meta[1]];
  return object[field];
}

function clause(text: string): (o: Searchable) => boolean {
  const m = text.trim().match(/^(-?)([a-z_]+(?:\[['"][^'"]+['"]\])?)\s*(:|~|>=|<=|>|<)\s*(?:'([^']*)'|"([^"]*)"|(-?\d+))$/);
  if (!m) throw invalidParam('query', `Invalid search query: could not parse '${text.trim()}'.`, 'search_query_invalid');
  const [, not, field, op, single, double, numeric] = m;
  const want = single ?? double ?? numeric;
  if (op === '~' && want.length < 3) throw invalidParam('query', 'Substring matches need at least 3 characters.', 'search_query_invalid');
  const test = (o: Searchable) => {
    const have = valueOf(o, field);
    if (op === ':') return want === '' ? have === null || have === undefined || have === '' : String(have ?? '').toLowerCase() === want.toLowerCase();
    if (op === '~') return String(have ?? '').toLowerCase().includes(want.toLowerCase());
    const a = Number(have);
    const b = Number(want);
    return op === '>' ? a > b : op === '<' ? a < b : op === '>=' ? a >= b : a <= b;
  };
  return not ? (o) => !test(o) : test;
}

export function searchObjects<T extends Searchable>(all: T[], query: string, nowS: number, lagMs: number): T[] {
  if (!query.trim()) throw invalidParam('query', 'Missing required param: query.', 'parameter_missing');
  const usesOr = /\sOR\s/.test(query);
  if (usesOr && /\sAND\s/.test(query)) throw invalidParam('query', 'Search queries cannot mix AND and OR.', 'search_query_invalid');
  const clauses = query.split(usesOr ? /\s+OR\s+/ : /\s+AND\s+/).map(clause);
  const visibleBefore = nowS - lagMs / 1000;
  return all.filter((o) => (lagMs <= 0 || o.created <= visibleBefore) && (usesOr ? clauses.some((c) => c(o)) : clauses.every((c) => c(o))));
}
