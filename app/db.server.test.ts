import { describe, expect, it } from 'vitest';
import { openPglite, postgresOptionsOf } from './db.server.ts';

describe('when DATABASE_URL is unset (the demo default)', () => {
  it('runs the same migrations on embedded PGlite and serves the Prisma client', async () => {
    const { db, close } = await openPglite('memory://');
    try {
      const shop = await db.shop.create({ data: { domain: 'embedded.myshopify.com', timezone: 'Asia/Tokyo' } });
      await db.alert.create({ data: { shopId: shop.id, key: 'k1', title: 'Test', message: 'Hello' } });
      const found = await db.shop.findUniqueOrThrow({ where: { domain: 'embedded.myshopify.com' }, include: { alerts: true } });
      expect(found.timezone).toBe('Asia/Tokyo');
      expect(found.alerts.map((a) => a.key)).toEqual(['k1']);
      const migrations = await db.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM "_prisma_migrations"');
      expect(migrations[0].n).toBeGreaterThan(0);
    } finally {
      await close();
    }
  }, 60_000); // PGlite boots a WASM PostgreSQL: several seconds on a busy machine
});

describe('when DATABASE_URL names a schema as Prisma users write it', () => {
  it('opens that schema and leaves the rest of the URL to pg', () => {
    expect(postgresOptionsOf('postgresql://postgres@127.0.0.1:5432/test?schema=shop_a&application_name=worker')).toEqual({
      url: 'postgresql://postgres@127.0.0.1:5432/test?application_name=worker',
      schema: 'shop_a',
    });
    expect(postgresOptionsOf('postgresql://postgres@127.0.0.1:5432/test')).toEqual({ url: 'postgresql://postgres@127.0.0.1:5432/test', schema: undefined });
  });
});
