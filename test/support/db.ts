// Integration tests (and the benches): a fresh PostgreSQL schema per test file, migrated from
// prisma/migrations, dropped after.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgres, type Db } from '../../app/db.server.ts';

export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  db: Db;
  schema: string;
  url: string;
  drop(): Promise<void>;
}

/** `poolSize`: connections for this schema's client (4 suits a test file; the benches run more at once). */
export async function createTestDatabase(label = 't', options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const schema = `${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(5).toString('hex')}`;
  const { db, close } = await openPostgres({ url: TEST_DATABASE_URL, schema, poolSize: options.poolSize ?? 4 });
  return {
    db,
    schema,
    url: TEST_DATABASE_URL,
    async drop() {
      await close();
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}
