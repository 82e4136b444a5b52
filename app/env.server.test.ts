import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.server.ts';

describe('when Tandem starts in production', () => {
  it('refuses to start without an encryption key, naming the variable', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow('Tandem configuration is invalid:\n  TANDEM_ENCRYPTION_KEY: is required in production (32 random bytes, base64)');
  });

  it('refuses the simulator origin override', () => {
    expect(() =>
      parseEnv({ NODE_ENV: 'production', TANDEM_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'), SHOPIFY_ADMIN_ORIGIN: 'http://127.0.0.1:1' }),
    ).toThrow('Tandem configuration is invalid:\n  SHOPIFY_ADMIN_ORIGIN: is for the demo and tests; unset it in production');
  });

  it('refuses the other platforms’ simulator origins', () => {
    expect(() =>
      parseEnv({ NODE_ENV: 'production', TANDEM_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'), CONNECTOR_ORIGINS: 'xero=http://127.0.0.1:1' }),
    ).toThrow('Tandem configuration is invalid:\n  CONNECTOR_ORIGINS: is for the demo and tests; unset it in production');
  });

  it('starts with a 32-byte key set', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(parseEnv({ NODE_ENV: 'production', TANDEM_ENCRYPTION_KEY: key }).TANDEM_ENCRYPTION_KEY).toBe(key);
  });

  it.each([
    ['too short', Buffer.alloc(16, 7).toString('base64')],
    ['too long', Buffer.alloc(33, 7).toString('base64')],
    ['not base64', 'correct horse battery staple, 32 chars'],
  ])('refuses a key that is %s, naming the variable and how to make one', (_label, key) => {
    expect(() => parseEnv({ NODE_ENV: 'production', TANDEM_ENCRYPTION_KEY: key })).toThrow(
      'Tandem configuration is invalid:\n  TANDEM_ENCRYPTION_KEY: must be 32 random bytes in base64 (openssl rand -base64 32)',
    );
  });
});

describe('when Tandem starts for the demo', () => {
  it('uses the embedded database when DATABASE_URL is unset', () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PGLITE_DIR).toBe('.tandem/pglite');
  });
});
