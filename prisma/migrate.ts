// `npm run db:migrate`: applies the SQL migrations to DATABASE_URL.
import pg from 'pg';
import { migrate } from './migrator.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set. The embedded database migrates itself when the app starts.');
  process.exit(1);
}
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const applied = await migrate(client);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
} finally {
  await client.end();
}
