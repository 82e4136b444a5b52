import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './crypto.server.ts';

const box = new SecretBox(randomBytes(32));

describe('when a connector credential is sealed', () => {
  it('opens to the same JSON it was given', () => {
    const creds = { consumerKey: 'ck_live_123', consumerSecret: 'cs_live_456' };
    expect(box.decryptJson(box.encryptJson(creds))).toEqual(creds);
  });

  it('does not contain the plaintext, and differs each time (random IV)', () => {
    const a = box.encrypt('shpat_secret_token');
    const b = box.encrypt('shpat_secret_token');
    expect(a).not.toContain('shpat_secret_token');
    expect(Buffer.from(a.split(':')[3], 'base64').toString()).not.toContain('secret');
    expect(a).not.toBe(b);
  });

  it('refuses a value whose ciphertext was tampered with', () => {
    const sealed = box.encrypt('hello');
    const [v, iv, tag, body] = sealed.split(':');
    const flipped = Buffer.from(body, 'base64');
    flipped[0] ^= 1;
    expect(() => box.decrypt([v, iv, tag, flipped.toString('base64')].join(':'))).toThrow();
  });

  it('refuses to open with another key', () => {
    const other = new SecretBox(randomBytes(32));
    expect(() => other.decrypt(box.encrypt('hello'))).toThrow();
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(() => SecretBox.fromBase64(Buffer.alloc(16).toString('base64'))).toThrow('32 bytes');
  });
});
