// Database access. PostgreSQL through @prisma/adapter-pg when DATABASE_URL is set; otherwise
// embedded PGlite in-process (the demo default), migrated with the same SQL files.
import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client.ts';
import { migrate } from '../prisma/migrator.ts';
import { env } from './env.server.ts';

export type Db = PrismaClient;
export { Prisma } from './generated/prisma/client.ts';

export interface OpenDatabase {
  db: Db;
  /** Closes the client and, for PGlite, the embedded database. */
  close(): Promise<void>;
}

export interface PostgresOptions {
  url: string;
  /** A PostgreSQL schema to live in (tests use a fresh one per file). Created and migrated. */
  schema?: string;
  poolSize?: number;
}

function quoteIdent(name: string) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Unsafe schema name: ${name}`);
  return `"${name}"`;
}

/** Opens PostgreSQL, creating and migrating `schema` first. */
export async function openPostgres({ url, schema = 'public', poolSize = 10 }: PostgresOptions): Promise<OpenDatabase> {
  const searchPath = `-c search_path=${quoteIdent(schema)}`;
  const setup = new pg.Client({ connectionString: url, options: searchPath });
  await setup.connect();
  try {
    await setup.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await migrate(setup);
  } finally {
    await setup.end();
  }
  const adapter = new PrismaPg({ connectionString: url, options: searchPath, max: poolSize }, { schema });
  const db = new PrismaClient({ adapter });
  return { db, close: () => db.$disconnect() };
}

/** Opens embedded PGlite in `dir` ('memory://' keeps it in memory), migrated. One connection. */
export async function openPglite(dir: string): Promise<OpenDatabase> {
  if (!dir.startsWith('memory://')) await mkdir(dir, { recursive: true });
  const client = new PGlite(dir);
  await client.waitReady;
  await migrate(client);
  const db = new PrismaClient({ adapter: new PrismaPGlite(client) });
  return {
    db,
    close: async () => {
      await db.$disconnect();
      await client.close();
    },
  };
}

/**
 * DATABASE_URL as Prisma users write it: `?schema=name` picks the PostgreSQL schema (default
 * public). The parameter is Prisma's, not libpq's, so it is taken out before pg sees the URL.
 */
export function postgresOptionsOf(databaseUrl: string): PostgresOptions {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { url: url.toString(), schema };
}

// Kept on globalThis, not in a module variable: in development Vite loads the routes' copy of
// this module apart from the server's and the worker's, and embedded PGlite must be opened once.
const holder = globalThis as typeof globalThis & { __tandemDatabase?: Promise<OpenDatabase> };

/** The process's database, opened (and migrated) on first use from DATABASE_URL or PGLITE_DIR. */
export function database(): Promise<Db> {
  holder.__tandemDatabase ??= (async () => {
    const { DATABASE_URL, PGLITE_DIR } = env();
    return DATABASE_URL ? openPostgres(postgresOptionsOf(DATABASE_URL)) : openPglite(PGLITE_DIR);
  })();
  return holder.__tandemDatabase.then((o) => o.db);
}

/**
 * Tests: make database() hand out `db` (their own fresh schema from createTestDatabase()) so a
 * route or hook that asks for the process's database uses it. The caller keeps closing it.
 */
export function useDatabase(db: Db) {
  holder.__tandemDatabase = Promise.resolve({ db, close: async () => {} });
}

export async function closeDatabase() {
  const opened = holder.__tandemDatabase;
  if (!opened) return;
  holder.__tandemDatabase = undefined;
  await (await opened).close();
}
