import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isEnumType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminSchema } from '../schema.ts';

// A userError code outside the payload's enum makes graphql-js fail the whole field, so every
// code the resolvers write must exist in one of the schema's *UserErrorCode enums.
const here = fileURLToPath(new URL('.', import.meta.url));
const sources = [...readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => `${here}${f}`), fileURLToPath(new URL('../bulk.ts', import.meta.url))];

function codesUsed(): string[] {
  const codes = new Set<string>();
  for (const file of sources) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!/userError\(|\bat\(|applyQuantities\(/.test(line)) continue;
      for (const m of line.matchAll(/'([A-Z][A-Z_]{2,})'/g)) codes.add(m[1]);
    }
  }
  return [...codes];
}

let known: Set<string>;
beforeAll(() => {
  known = new Set(
    Object.values(adminSchema().getTypeMap())
      .filter((t) => isEnumType(t) && t.name.endsWith('ErrorCode'))
      .flatMap((t) => (isEnumType(t) ? t.getValues().map((v) => v.name) : [])),
  );
}, 30_000);

describe('when resolvers report user errors', () => {
  it('use only codes the schema defines', () => {
    const used = codesUsed();
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((c) => !known.has(c))).toEqual([]);
  });
});
