import { defineConfig } from 'prisma/config';

// DATABASE_URL is only read by CLI commands that talk to a database; `generate` needs none.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/test' },
});
