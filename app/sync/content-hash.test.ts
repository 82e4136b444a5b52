import { describe, expect, it } from 'vitest';
import { contentHash } from './content-hash.ts';

describe('when content is hashed for change detection', () => {
  it('ignores key order, at any depth', () => {
    expect(contentHash({ title: 'Tee', options: [{ name: 'Size', values: ['S'] }] })).toBe(
      contentHash({ options: [{ values: ['S'], name: 'Size' }], title: 'Tee' }),
    );
  });

  it('treats an absent field and an undefined one alike', () => {
    expect(contentHash({ a: 1, b: undefined })).toBe(contentHash({ a: 1 }));
  });

  it('changes when any value changes, including array order', () => {
    const base = contentHash({ title: 'Tee', images: ['a.png', 'b.png'] });
    expect(contentHash({ title: 'Tee ', images: ['a.png', 'b.png'] })).not.toBe(base);
    expect(contentHash({ title: 'Tee', images: ['b.png', 'a.png'] })).not.toBe(base);
  });
});
