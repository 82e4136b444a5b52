// WooCommerce publishes no OpenAPI file: its reference documents each resource as tables of
// properties (shared/contracts/woocommerce/wp-api-v3_*.md, "| `name` | type | description |"), with
// sub-tables linked by "See [Product - Images properties](#product-images-properties)" and allowed
// values listed as "Options: `a`, `b` and `c`". This reads those tables into JSON Schemas so the
// contract tests hold the simulator's answers to the documented fields, types and options.
// Used by tests only.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { contractsDir } from '../common/openapi.ts';

export interface DocumentedSchema {
  type: string[];
  properties?: Record<string, DocumentedSchema>;
  additionalProperties?: boolean;
  items?: DocumentedSchema;
  enum?: unknown[];
  pattern?: string;
}

interface Row {
  name: string;
  type: string;
  description: string;
}

/** Heading text → its rows, for every "… properties" table of one reference page. */
function tables(markdown: string): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  let heading: string | undefined;
  for (const line of markdown.split('\n')) {
    const h = /^#{2,4}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      heading = h[1];
      continue;
    }
    const row = /^\|\s*`([^`]+)`\s*\|\s*([\w-]+)\s*\|(.*)\|\s*$/.exec(line);
    if (row && heading && /properties$/i.test(heading)) {
      out.set(anchorKey(heading), [...(out.get(anchorKey(heading)) ?? []), { name: row[1], type: row[2], description: row[3] }]);
    }
  }
  return out;
}

/** Slate's anchors and the headings they point at, compared without punctuation. */
const anchorKey = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

// WordPress writes dates as "2017-03-22T16:28:02", in the site's time zone or GMT, without an offset.
const WP_DATE = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$';

/**
 * Where a table contradicts the same page's example responses, the examples win (they are what
 * WooCommerce sends): table → property → the type the examples show.
 */
const ERRATA: Record<string, Record<string, string>> = {
  // wp-api-v3_orders.md: the table says string; every example line item has `"price": 3` (a number).
  [anchorKey('Order - Line items properties')]: { price: 'number' },
};

function fieldSchema(row: Row, all: Map<string, Row[]>, file: string): DocumentedSchema {
  // The tables give no nullability; WooCommerce answers null for unset dates, unmanaged stock and
  // absent images, so every documented type also admits null.
  const linked = /See \[[^\]]+\]\(#([^)]+)\)/.exec(row.description)?.[1];
  const sub = linked ? objectSchema(linked, all, file) : undefined;
  const options = /Options:\s*((?:`[^`]+`(?:,\s*|\s+and\s+|\s*or\s+)?)+)/.exec(row.description)?.[1];
  const values = options ? [...options.matchAll(/`([^`]+)`/g)].map((m) => m[1]) : undefined;
  switch (row.type) {
    case 'integer':
      return { type: ['integer', 'null'] };
    case 'number':
      return { type: ['number', 'null'] };
    case 'boolean':
    case 'bool':
      return { type: ['boolean', 'null'] };
    case 'date-time':
      return { type: ['string', 'null'], pattern: WP_DATE };
    case 'array':
      return sub ? { type: ['array', 'null'], items: sub } : { type: ['array', 'null'] };
    case 'object':
      return sub ? { ...sub, type: ['object', 'null'] } : { type: ['object', 'null'] };
    case 'string':
      return values ? { type: ['string', 'null'], enum: [...values, null] } : { type: ['string', 'null'] };
    default:
      throw new Error(`${file}: property ${row.name} has a type the reader does not know: ${row.type}`);
  }
}

function objectSchema(anchor: string, all: Map<string, Row[]>, file: string): DocumentedSchema {
  const rows = all.get(anchorKey(anchor));
  if (!rows) throw new Error(`${file} has no properties table for #${anchor}`);
  const errata = ERRATA[anchorKey(anchor)] ?? {};
  const readable = rows.filter((r) => !/write-only/.test(r.description)).map((r) => (errata[r.name] ? { ...r, type: errata[r.name] } : r));
  return {
    type: ['object'],
    properties: Object.fromEntries(readable.map((r) => [r.name, fieldSchema(r, all, file)])),
    additionalProperties: false,
  };
}

/**
 * The documented shape of one resource, e.g. `documentedSchema('wp-api-v3_products.md', 'Product
 * properties')`. Answers may add `_links` (the REST API's hypermedia, on every object). Unknown
 * fields, wrong types and values outside a documented list of options are refused.
 */
export function documentedSchema(file: string, heading: string): DocumentedSchema {
  const path = resolve(contractsDir, 'woocommerce', file);
  const schema = objectSchema(heading, tables(readFileSync(path, 'utf8')), path);
  schema.properties!._links = { type: ['object'] };
  return schema;
}
