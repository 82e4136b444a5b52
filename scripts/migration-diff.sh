#!/usr/bin/env bash
# Prints the SQL that takes the database from one schema.prisma to another, offline.
# Prisma 7's migrate needs a native engine this machine cannot download; Prisma 6.19's JS
# engine (engine: 'js') computes the diff without it (DESIGN.md, stack notes).
#   scripts/migration-diff.sh <from.prisma|--from-empty> prisma/schema.prisma > prisma/migrations/<ts>_<name>/migration.sql
set -euo pipefail
from=$1; to=$(realpath "$2")
[ "$from" = "--from-empty" ] || from=$(realpath "$from")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
echo '{"private":true}' > package.json
npm install --silent --no-audit --no-fund prisma@6.19.3 @prisma/adapter-pg@6.19.3 pg@8.16.3 >/dev/null
cat > prisma.config.ts <<'TS'
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
export default defineConfig({
  experimental: { adapter: true }, engine: 'js',
  adapter: async () => new PrismaPg({ connectionString: 'postgresql://postgres@127.0.0.1:5432/test' }),
} as never);
TS
# Prisma 6 wants a url in the datasource block and no moduleFormat on the generator.
prep() { sed -e 's#^  provider = "postgresql"#  provider = "postgresql"\n  url = "postgresql://postgres@127.0.0.1:5432/test"#' "$1" > "$2"; }
prep "$to" to.prisma
args=(--to-schema-datamodel to.prisma)
if [ "$from" = "--from-empty" ]; then args=(--from-empty "${args[@]}"); else prep "$from" from.prisma; args=(--from-schema-datamodel from.prisma "${args[@]}"); fi
touch none
PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING=1 PRISMA_SCHEMA_ENGINE_BINARY="$work/none" PRISMA_QUERY_ENGINE_LIBRARY="$work/none" \
  npx prisma migrate diff "${args[@]}" --script | grep -v 'CREATE SCHEMA IF NOT EXISTS "public"'
