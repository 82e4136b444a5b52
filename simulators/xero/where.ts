// The subset of Xero's `where` filter syntax Tandem and its connectors use
// (developer.xero.com/documentation/api/accounting/requests-and-responses#retrieving-a-filtered-set):
// clauses joined by AND / OR (&& / ||), each `Field == "value"`, `Field != null`, `Field >= 12`,
// `Field == true`, `Field == Guid("…")`, `Field.ToLower() == "…"` or `Field.Contains("…")` /
// `.StartsWith("…")` / `.EndsWith("…")`. Dotted fields read nested objects (`Contact.ContactID`).
// Anything else is refused, naming the clause, rather than silently matching everything.
import type { XeroRecord } from './state.ts';

export class WhereError extends Error {}

type Predicate = (r: XeroRecord) => boolean;

function read(record: XeroRecord, path: string): unknown {
  let node: unknown = record;
  for (const part of path.split('.')) node = (node as XeroRecord | undefined)?.[part];
  return node;
}

function literal(raw: string): unknown {
  const s = raw.trim();
  const quoted = s.match(/^"(.*)"$/) ?? s.match(/^Guid\("(.*)"\)$/i);
  if (quoted) return quoted[1];
  if (s === 'null') return null;
  if (s === 'true' || s === 'false') return s === 'true';
  const date = s.match(/^DateTime\((\d{4}),\s*(\d{1,2}),\s*(\d{1,2})\)$/);
  if (date) return Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  throw new WhereError(`unsupported value ${s}`);
}

function comparable(v: unknown): unknown {
  if (typeof v === 'string') {
    const ms = v.match(/^\/Date\((-?\d+)/);
    if (ms) return Number(ms[1]);
  }
  return v;
}

function clause(text: string): Predicate {
  const s = text.trim().replace(/^\((.*)\)$/, '$1').trim();
  const method = s.match(/^([\w.]+?)(\.ToLower\(\)|\.ToUpper\(\))?\.(Contains|StartsWith|EndsWith)\("(.*)"\)$/);
  if (method) {
    const [, field, caseFn, op, needle] = method;
    const fold = (v: string) => (caseFn === '.ToLower()' ? v.toLowerCase() : caseFn === '.ToUpper()' ? v.toUpperCase() : v);
    return (r) => {
      const v = read(r, field);
      if (typeof v !== 'string') return false;
      const h = fold(v);
      return op === 'Contains' ? h.includes(needle) : op === 'StartsWith' ? h.startsWith(needle) : h.endsWith(needle);
    };
  }
  const cmp = s.match(/^([\w.]+?)(\.ToLower\(\)|\.ToUpper\(\))?\s*(==|!=|>=|<=|>|<)\s*(.+)$/);
  if (!cmp) throw new WhereError(`unsupported clause ${s}`);
  const [, field, caseFn, op, raw] = cmp;
  const want = literal(raw);
  return (r) => {
    let have = comparable(read(r, field));
    if (typeof have === 'string' && caseFn) have = caseFn === '.ToLower()' ? have.toLowerCase() : have.toUpperCase();
    if (have === undefined) have = null;
    // Xero compares GUIDs and enum values without regard to case.
    const eq = typeof have === 'string' && typeof want === 'string' && /^[0-9a-f-]{36}$/i.test(want) ? have.toLowerCase() === want.toLowerCase() : have === want;
    switch (op) {
      case '==':
        return eq;
      case '!=':
        return !eq;
      default: {
        if (have === null || want === null) return false;
        const a = have as number | string;
        const b = want as number | string;
        return op === '>' ? a > b : op === '<' ? a < b : op === '>=' ? a >= b : a <= b;
      }
    }
  };
}

/** Splits on a joiner (` AND `, `&&`, …) outside double-quoted strings. */
function splitOutsideQuotes(text: string, joiner: RegExp): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    if (quoted) continue;
    const m = text.slice(i).match(joiner);
    if (m && m.index === 0) {
      parts.push(text.slice(start, i));
      i += m[0].length - 1;
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Compiles a where expression; AND binds tighter than OR. */
export function compileWhere(expression: string): Predicate {
  const ors = splitOutsideQuotes(expression, /^(\s+OR\s+|\s*\|\|\s*)/);
  const compiled = ors.map((part) => splitOutsideQuotes(part, /^(\s+AND\s+|\s*&&\s*)/).map(clause));
  return (r) => compiled.some((ands) => ands.every((p) => p(r)));
}
