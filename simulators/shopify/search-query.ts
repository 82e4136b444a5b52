// Shopify's search syntax for `query:` arguments, the subset Tandem sends:
// `updated_at:>'2026-01-01T00:00:00Z' sku:ABC status:active,draft -tag:x email:a@b.c`.
// Terms are ANDed; `OR` between terms is honoured; bare words match the resource's text.
// (shopify.dev/docs/api/usage/search-syntax)

export interface SearchTerm {
  field: string | null;
  op: ':' | '>' | '>=' | '<' | '<=';
  value: string;
  negated: boolean;
}

/** Groups of terms: a record matches when every term of any one group matches. */
export type SearchQuery = SearchTerm[][];

const TOKEN = /\s*(-?)(?:([A-Za-z_.]+):(>=|<=|>|<)?)?("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s]+)/y;

export function parseSearch(query: string | null | undefined): SearchQuery {
  const groups: SearchQuery = [[]];
  if (!query) return groups;
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < query.length && (m = TOKEN.exec(query))) {
    const [, neg, field, cmp, raw] = m;
    if (!field && raw === 'OR') {
      groups.push([]);
      continue;
    }
    if (!field && raw === 'AND') continue;
    const value = /^(['"]).*\1$/.test(raw) ? raw.slice(1, -1) : raw;
    groups[groups.length - 1].push({ field: field ? field.toLowerCase() : null, op: (cmp as SearchTerm['op']) ?? ':', value, negated: neg === '-' });
  }
  return groups;
}

/** What a resource exposes to search: field name -> value(s); `default` answers bare words. */
export type Searchable = Record<string, string | number | null | undefined | (string | null | undefined)[]>;

export function matchesSearch(query: SearchQuery, fields: Searchable): boolean {
  return query.some((group) => group.every((term) => matchesTerm(term, fields) !== term.negated));
}

function matchesTerm(term: SearchTerm, fields: Searchable): boolean {
  const key = term.field ?? 'default';
  // Shopify ignores filters it does not know rather than failing the query.
  if (!(key in fields)) return term.field === null ? false : true;
  const raw = fields[key];
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v) => v !== null && v !== undefined).map(String);
  if (term.op === ':') {
    const wanted = term.value.split(',').map((v) => v.toLowerCase());
    return values.some((v) => {
      const have = v.toLowerCase();
      return wanted.some((w) => (w.endsWith('*') ? have.startsWith(w.slice(0, -1)) : have === w));
    });
  }
  return values.some((v) => compare(v, term.value, term.op));
}

function compare(have: string, want: string, op: SearchTerm['op']): boolean {
  const a = Date.parse(have);
  const b = Date.parse(want);
  const numeric = !Number.isNaN(Number(have)) && !Number.isNaN(Number(want));
  const [x, y] = numeric ? [Number(have), Number(want)] : !Number.isNaN(a) && !Number.isNaN(b) ? [a, b] : [have, want];
  switch (op) {
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    default:
      return x === y;
  }
}
