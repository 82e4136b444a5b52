// graphql-js phrases validation errors differently from Shopify's graphql-ruby. The common ones a
// client meets are rewritten to Shopify's wording and `extensions` (undefinedField,
// argumentNotAccepted, missingRequiredArguments, invalid variables); others keep graphql-js's text.
import { Kind, print, type ASTNode, type DocumentNode, type GraphQLError, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface ShopifyGraphqlError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/**
 * graphql-ruby's path to a node of the document: the operation ("query", "mutation name") or
 * fragment ("fragment Name") first, then field names, inline fragments as "... on Type".
 */
export function documentPath(document: DocumentNode | undefined, target: ASTNode | undefined): string[] | undefined {
  if (!document || !target) return undefined;
  const walk = (set: SelectionSetNode | undefined, path: string[]): string[] | undefined => {
    for (const sel of set?.selections ?? []) {
      const here = sel.kind === Kind.FIELD ? [...path, sel.name.value] : sel.kind === Kind.INLINE_FRAGMENT ? [...path, `... on ${sel.typeCondition?.name.value ?? ''}`.trim()] : [...path, `... ${sel.name.value}`];
      if (sel === target) return here;
      const found = sel.kind === Kind.FRAGMENT_SPREAD ? undefined : walk(sel.selectionSet, here);
      if (found) return found;
    }
    return undefined;
  };
  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) {
      const root = def.name ? `${def.operation} ${def.name.value}` : def.operation;
      if (def === target) return [root];
      const found = walk(def.selectionSet, [root]);
      if (found) return found;
    } else if (def.kind === Kind.FRAGMENT_DEFINITION) {
      const found = walk(def.selectionSet, [`fragment ${def.name.value}`]);
      if (found) return found;
    }
  }
  return undefined;
}

export function toShopifyError(err: GraphQLError, operation?: OperationDefinitionNode | null, document?: DocumentNode, variables?: Record<string, unknown>): ShopifyGraphqlError {
  const base: ShopifyGraphqlError = { message: err.message };
  if (err.locations?.length) base.locations = err.locations.map(({ line, column }) => ({ line, column }));
  const docPath = err.path ? undefined : documentPath(document, err.nodes?.[0]);
  if (err.path) base.path = [...err.path];
  else if (docPath) base.path = docPath;
  const msg = err.message;
  let m = /^Cannot query field "(\w+)" on type "(\w+)"\./.exec(msg);
  if (m) return { ...base, message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`, extensions: { code: 'undefinedField', typeName: m[2], fieldName: m[1] } };
  m = /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"\./.exec(msg);
  if (m) return { ...base, message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`, extensions: { code: 'argumentNotAccepted', name: m[3], typeName: 'Field', argumentName: m[1] } };
  m = /^Field "(\w+)" argument "(\w+)" of type "(.+)" is required, but it was not provided\./.exec(msg);
  if (m) return { ...base, message: `Field '${m[1]}' is missing required arguments: ${m[2]}`, extensions: { code: 'missingRequiredArguments', className: 'Field', name: m[1], arguments: m[2] } };
  const variable = variableProblem(msg);
  if (variable) {
    const def = operation?.variableDefinitions?.find((d) => d.variable.name.value === variable.name);
    const type = def ? print(def.type) : 'unknown';
    const where = variable.path.length ? ` for ${variable.path.join('.')} (${variable.explanation})` : '';
    return {
      message: `Variable $${variable.name} of type ${type} was provided invalid value${where}`,
      locations: def?.loc ? [{ line: def.loc.startToken.line, column: def.loc.startToken.column }] : base.locations,
      extensions: { value: variables?.[variable.name] ?? null, problems: [{ path: variable.path, explanation: variable.explanation }] },
    };
  }
  if (err.extensions && Object.keys(err.extensions).length) base.extensions = { ...err.extensions };
  return base;
}

interface VariableProblem {
  name: string;
  path: (string | number)[];
  explanation: string;
}

/**
 * graphql-js: `Variable "$input" got invalid value null at "input.quantities[0].quantity";
 * Expected non-nullable type "Int!" not to be null.` → name, path inside the value, and
 * graphql-ruby's explanation ("Expected value to not be null", "Could not coerce value …").
 */
function variableProblem(msg: string): VariableProblem | null {
  let m = /^Variable "\$(\w+)" of (?:required|non-null) type "[^"]+" (?:was not provided|must not be null)\.$/.exec(msg);
  if (m) return { name: m[1], path: [], explanation: 'Expected value to not be null' };
  m = /^Variable "\$(\w+)" got invalid value .*?(?: at "([^"]+)")?; (.*)$/s.exec(msg);
  if (!m) return null;
  const path: (string | number)[] = [];
  for (const part of (m[2] ?? '').replace(/^\w+/, '').matchAll(/\.(\w+)|\[(\d+)\]/g)) path.push(part[1] ?? Number(part[2]));
  const detail = m[3];
  let d = /^Field "(\w+)" of required type "[^"]+" was not provided\.$/.exec(detail);
  if (d) return { name: m[1], path: [...path, d[1]], explanation: 'Expected value to not be null' };
  if (/^Expected non-nullable type "[^"]+" not to be null\.$/.test(detail)) return { name: m[1], path, explanation: 'Expected value to not be null' };
  d = /^Field "(\w+)" is not defined by type "(\w+)"\./.exec(detail);
  if (d) return { name: m[1], path: [...path, d[1]], explanation: 'Field is not defined on ' + d[2] };
  d = /^(\w+) cannot represent [^:]*: (.*)$/.exec(detail);
  if (d) return { name: m[1], path, explanation: `Could not coerce value ${d[2]} to ${d[1]}` };
  return { name: m[1], path, explanation: detail };
}
