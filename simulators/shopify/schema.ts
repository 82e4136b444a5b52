// The real Admin GraphQL schema (contracts/shopify/admin-2026-10.graphql), built once per
// process: building 111k lines takes about a second.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLSchema } from 'graphql';

export const API_VERSION = '2026-10';

export const SCHEMA_PATH = fileURLToPath(new URL('../../../shared/contracts/shopify/admin-2026-10.graphql', import.meta.url));

let cached: GraphQLSchema | undefined;

export function adminSchema(): GraphQLSchema {
  cached ??= buildSchema(readFileSync(SCHEMA_PATH, 'utf8'), { assumeValidSDL: true });
  return cached;
}
