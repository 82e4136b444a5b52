// The root value for execution: QueryRoot fields plus Mutation fields, each mutation wrapped with
// Shopify's input-array limit and the `@idempotent(key:)` directive (a repeated key returns the
// original result; the same key with other arguments is refused).
import { getDirectiveValues, GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { runBulkQuery } from '../bulk.ts';
import type { GqlContext } from '../context.ts';
import { adminSchema } from '../schema.ts';
import { checkAccess } from './access.ts';
import { IDEMPOTENT_REQUIRED, inputArrayLimit, inventoryMutations } from './inventory.ts';
import { metafieldMutations } from './metafields.ts';
import { orderMutations } from './orders.ts';
import { productMutations } from './products.ts';
import { queryRoot } from './queries.ts';
import { userError } from './user-errors.ts';

type Mutation = (args: never) => unknown;

function checkArrays(value: unknown) {
  if (Array.isArray(value)) {
    inputArrayLimit(value.length);
    value.forEach(checkArrays);
  } else if (value && typeof value === 'object') {
    Object.values(value).forEach(checkArrays);
  }
}

function idempotencyKey(info: GraphQLResolveInfo): string | undefined {
  const directive = adminSchema().getDirective('idempotent');
  if (!directive) return undefined;
  const values = getDirectiveValues(directive, info.fieldNodes[0], info.variableValues);
  return values?.key as string | undefined;
}

function withIdempotency(ctx: GqlContext, name: string, run: Mutation): Resolver {
  return (rawArgs: never, _context: unknown, info: GraphQLResolveInfo) => {
    const args = rawArgs as Record<string, unknown>;
    checkArrays(args);
    const key = idempotencyKey(info);
    if (key === undefined) {
      if (IDEMPOTENT_REQUIRED.has(name)) {
        throw new GraphQLError(`An idempotency key is required for ${name}. Provide it with the @idempotent(key:) directive.`, { extensions: { code: 'BAD_REQUEST' } });
      }
      return run(args as never);
    }
    if (!key.trim()) throw new GraphQLError('The idempotency key cannot be an empty string or whitespace only.', { extensions: { code: 'BAD_REQUEST' } });
    const storeKey = `${name}:${key}`;
    const argsJson = JSON.stringify(args);
    const prior = ctx.shop.idempotency.get(storeKey);
    if (prior) {
      if (prior.argsJson === argsJson) return prior.result;
      if (IDEMPOTENT_REQUIRED.has(name)) {
        return { inventoryAdjustmentGroup: null, userErrors: [userError(null, 'The same idempotency key was used with different parameters.', 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH')] };
      }
      throw new GraphQLError('The same idempotency key was used with different parameters.', { extensions: { code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH' } });
    }
    const result = run(args as never);
    ctx.shop.idempotency.set(storeKey, { field: name, argsJson, result });
    return result;
  };
}

export function rootValue(ctx: GqlContext) {
  const mutations: Record<string, Mutation> = {
    ...productMutations(ctx),
    ...inventoryMutations(ctx),
    ...orderMutations(ctx),
    ...metafieldMutations(ctx),
    bulkOperationRunQuery: (args: { query: string; groupObjects?: boolean | null }) => runBulkQuery(ctx, args),
  };
  const wrapped = Object.fromEntries(Object.entries(mutations).map(([name, run]) => [name, guarded(ctx, name, withIdempotency(ctx, name, run))]));
  const queries = Object.fromEntries(Object.entries(queryRoot(ctx)).map(([name, run]) => [name, guarded(ctx, name, run as Resolver)]));
  return { ...queries, ...wrapped };
}

type Resolver = (args: never, context: unknown, info: GraphQLResolveInfo) => unknown;

function guarded(ctx: GqlContext, name: string, run: Resolver): Resolver {
  return (args, context, info) => {
    checkAccess(ctx.scopes, name);
    return run(args, context, info);
  };
}
