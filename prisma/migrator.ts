// Applies prisma/migrations/*/migration.sql in order and keeps Prisma's own `_prisma_migrations`
// bookkeeping, so `prisma migrate deploy` on a machine with the native engine agrees with us.
// Prisma 7's migrate cannot run here (DESIGN.md, stack notes); the SQL comes from
// scripts/migration-diff.sh.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The little a migrator needs from a database client: pg's Client and PGlite both fit. */
export interface SqlSession {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  exec?(sql: string): Promise<unknown>;
}

export const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = migrationsDir): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

// Same columns as the table Prisma's schema engine creates.
const bookkeepingTable = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

async function run(db: SqlSession, sql: string) {
  if (db.exec) await db.exec(sql);
  else await db.query(sql);
}

/**
 * Brings the database (in the session's current search_path) up to date. Safe to call from
 * several processes at once: an advisory lock serialises them. Returns the names applied.
 */
export async function migrate(db: SqlSession, dir = migrationsDir): Promise<string[]> {
  const migrations = await readMigrations(dir);
  const applied: string[] = [];
  // Lock id: any constant; Prisma's engine uses its own.
  await db.query('SELECT pg_advisory_lock(72707369)');
  try {
    await run(db, bookkeepingTable);
    const { rows } = await db.query(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const done = new Map(rows.map((r) => [String(r.migration_name), String(r.checksum)]));
    for (const m of migrations) {
      const seen = done.get(m.name);
      if (seen) {
        if (seen !== m.checksum) {
          throw new Error(`Migration ${m.name} was edited after it was applied (checksum differs). Add a new migration instead.`);
        }
        continue;
      }
      const id = randomUUID();
      await run(db, 'BEGIN');
      try {
        await db.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
          [id, m.checksum, m.name],
        );
        await run(db, m.sql);
        await db.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        await run(db, 'COMMIT');
      } catch (err) {
        await run(db, 'ROLLBACK');
        throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(m.name);
    }
  } finally {
    await db.query('SELECT pg_advisory_unlock(72707369)');
  }
  return applied;
}
