// Runs `prisma generate` offline. Prisma 7's CLI otherwise tries to download its native schema
// engine, which generate does not need (DESIGN.md, stack notes): point it at any existing file.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
execFileSync('npx', ['prisma', 'generate'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? here,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
