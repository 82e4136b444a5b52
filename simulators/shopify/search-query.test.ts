import { describe, expect, it } from 'vitest';
import { matchesSearch, parseSearch } from './search-query.ts';

describe("when filtering with Shopify's search syntax", () => {
  const record = { default: ['Blue shirt', 'ABC-1'], sku: ['ABC-1'], status: 'ACTIVE', updated_at: '2026-03-01T10:00:00Z', tag: ['wholesale'] };

  it.each([
    ["updated_at:>'2026-02-01T00:00:00Z'", true],
    ["updated_at:>'2026-03-01T10:00:00Z'", false],
    ['sku:ABC-1', true],
    ['sku:abc-1', true],
    ['sku:ABC-2', false],
    ['status:active,draft', true],
    ['status:archived', false],
    ['-tag:wholesale', false],
    ['sku:ABC-2 OR tag:wholesale', true],
    ['sku:ABC-1 status:draft', false],
    ['unknown_filter:x', true],
  ])('%s matches: %s', (query, expected) => {
    expect(matchesSearch(parseSearch(query), record)).toBe(expected);
  });
});
