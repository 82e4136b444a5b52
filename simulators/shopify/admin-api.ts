// POST /admin/api/{version}/graphql.json for one shop: authenticate, validate against the real
// schema, price the query, check the bucket, execute, charge the actual cost (README "cost and
// throttling"). Shopify answers validation errors and throttling with HTTP 200.
import { execute, getOperationAST, getVariableValues, Kind, parse, validate, type DocumentNode, type FragmentDefinitionNode, type GraphQLError } from 'graphql';
import { bucketOf } from './catalog.ts';
import type { GqlContext, Sim } from './context.ts';
import { actualCost, MAX_SINGLE_QUERY_COST, requestedCost } from './cost.ts';
import { toShopifyError } from './graphql-errors.ts';
import { scopeSet } from './resolvers/access.ts';
import { rootValue } from './resolvers/root.ts';
import { adminSchema } from './schema.ts';
import type { ApiCall, ShopRecord } from './state.ts';

export const INVALID_TOKEN_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
const RATE_LIMITS_DOC = 'https://shopify.dev/api/usage/rate-limits';

export interface AdminResponse {
  status: number;
  body: unknown;
}

export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** The shop's token when it is valid for this shop now, else undefined. */
export function authorize(sim: Sim, shop: ShopRecord, token: string | undefined) {
  if (!token) return undefined;
  const issued = sim.state.tokens.get(token);
  if (!issued || issued.shop !== shop.domain) return undefined;
  if (issued.expiresAtMs !== undefined && issued.expiresAtMs <= sim.clock.nowMs()) return undefined;
  return issued;
}

interface CheckedDocument {
  document: DocumentNode;
  /** Validation errors against the Admin schema (empty: valid). */
  invalid: readonly GraphQLError[];
}

/**
 * Parsed and validated documents by their text. A client sends the same few documents again and
 * again; parsing and validating one against the Admin schema costs 0.6–1.5 ms of CPU here, which
 * the benchmarks (simulator and Tandem in one process) charged to Tandem on every call. The answer
 * is the same for the same text, so it is kept; the cache is emptied when it grows large.
 */
const checkedDocuments = new Map<string, CheckedDocument>();
const CHECKED_DOCUMENTS_MAX = 1_000;

/** Throws graphql-js's syntax error for a document that does not parse (not cached). */
function checkedDocument(query: string): CheckedDocument {
  const known = checkedDocuments.get(query);
  if (known) return known;
  const document = parse(query);
  const checked = { document, invalid: validate(adminSchema(), document) };
  if (checkedDocuments.size >= CHECKED_DOCUMENTS_MAX) checkedDocuments.clear();
  checkedDocuments.set(query, checked);
  return checked;
}

function record(shop: ShopRecord, sim: Sim, call: Omit<ApiCall, 'at' | 'kind'>) {
  shop.calls.push({ at: sim.clock.now().toISOString(), kind: 'graphql', ...call });
}

function rootFieldsOf(document: DocumentNode): string[] {
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!op || op.kind !== Kind.OPERATION_DEFINITION) return [];
  return op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
}

export async function runAdminGraphql(sim: Sim, shop: ShopRecord, token: string | undefined, body: GraphqlRequest): Promise<AdminResponse> {
  const issued = authorize(sim, shop, token);
  if (!issued) {
    record(shop, sim, { rootFields: [], requestedQueryCost: null, actualQueryCost: null, throttled: false, status: 401 });
    return { status: 401, body: INVALID_TOKEN_BODY };
  }
  if (typeof body?.query !== 'string' || !body.query.trim()) {
    return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } };
  }
  const schema = adminSchema();
  let checked: CheckedDocument;
  try {
    checked = checkedDocument(body.query);
  } catch (err) {
    return { status: 200, body: { errors: [toShopifyError(err as GraphQLError)] } };
  }
  const { document, invalid } = checked;
  const rootFields = rootFieldsOf(document);
  const operation = getOperationAST(document, typeof body.operationName === 'string' ? body.operationName : undefined);
  if (invalid.length) {
    record(shop, sim, { rootFields, requestedQueryCost: null, actualQueryCost: null, throttled: false, status: 200 });
    return { status: 200, body: { errors: invalid.map((e) => toShopifyError(e, operation, document)) } };
  }
  if (!operation) return { status: 200, body: { errors: [{ message: 'An operation name is required when the document holds several operations' }] } };
  const rawVariables = body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : {};
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables, { maxErrors: 50 });
  if (coerced.errors) {
    record(shop, sim, { rootFields, requestedQueryCost: null, actualQueryCost: null, throttled: false, status: 200 });
    return { status: 200, body: { errors: coerced.errors.map((e) => toShopifyError(e, operation, document, rawVariables)) } };
  }
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;

  const bucket = bucketOf(sim, shop);
  const requested = requestedCost(schema, operation, fragments, coerced.coerced);
  const costOf = (actual: number | null) => ({ requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status(sim.clock.nowMs()) });
  if (requested > MAX_SINGLE_QUERY_COST) {
    record(shop, sim, { rootFields, requestedQueryCost: requested, actualQueryCost: null, throttled: false, status: 200 });
    return {
      status: 200,
      body: {
        errors: [
          {
            // Wording and extensions of a real response, as kept in the test fixtures of a public PHP client
            // (namespace EdStevo\\LaravelShopifyGraph).
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
            extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_SINGLE_QUERY_COST, documentation: 'https://shopify.dev/api/usage/limits#rate-limits' },
          },
        ],
        extensions: { cost: costOf(null) },
      },
    };
  }
  if (!bucket.take(requested, sim.clock.nowMs())) {
    record(shop, sim, { rootFields, requestedQueryCost: requested, actualQueryCost: null, throttled: true, status: 200 });
    return {
      status: 200,
      body: { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: RATE_LIMITS_DOC } }], extensions: { cost: costOf(null) } },
    };
  }
  const ctx: GqlContext = { sim, shop, bulk: false, scopes: scopeSet(issued.scope) };
  const result = await execute({ schema, document, rootValue: rootValue(ctx), contextValue: ctx, variableValues: rawVariables, operationName: operation.name?.value });
  const actual = Math.min(requested, actualCost(schema, operation, fragments, coerced.coerced, result.data));
  bucket.refund(requested - actual, sim.clock.nowMs());
  record(shop, sim, { rootFields, requestedQueryCost: requested, actualQueryCost: actual, throttled: false, status: 200 });
  const response: Record<string, unknown> = {};
  if (result.errors?.length) response.errors = result.errors.map((e) => toShopifyError(e, operation));
  response.data = result.data ?? null;
  response.extensions = { cost: costOf(actual) };
  return { status: 200, body: response };
}
