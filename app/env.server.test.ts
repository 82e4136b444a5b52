import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.server.ts';

describe('when Tandem starts in production', () => {
  it('refuses to start without an encryption key, naming the variable', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/TANDEM_ENCRYPTION_KEY: is required in production/);
  });

  it('refuses the simulator origin override', () => {
    expect(() =>
      parseEnv({ NODE_ENV: 'production', TANDEM_ENCRYPTION_KEY: 'x', SHOPIFY_ADMIN_ORIGIN: 'http://127.0.0.1:1' }),
    ).toThrow(/SHOPIFY_ADMIN_ORIGIN/);
  });

  it('starts with the key set', () => {
    expect(parseEnv({ NODE_ENV: 'production', TANDEM_ENCRYPTION_KEY: 'a2V5' }).NODE_ENV).toBe('production');
  });
});

describe('when Tandem starts for the demo', () => {
  it('uses the embedded database when DATABASE_URL is unset', () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PGLITE_DIR).toBe('.tandem/pglite');
  });
});
