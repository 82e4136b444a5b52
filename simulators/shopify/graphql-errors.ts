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

export function toShopifyError(err: GraphQLError, operation?: OperationDefinitionNode | null, document?: DocumentNode): ShopifyGraphqlError {
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
  m = /^Variable "\$(\w+)" (?:got invalid value (.*?)(?:; |$)|of required type "[^"]+" was not provided\.|of non-null type "[^"]+" must not be null\.)(.*)$/s.exec(msg);
  if (m) {
    const name = m[1];
    const def = operation?.variableDefinitions?.find((d) => d.variable.name.value === name);
    const type = def ? print(def.type) : 'unknown';
    let value: unknown = null;
    if (m[2]) {
      try {
        value = JSON.parse(m[2]);
      } catch {
        value = m[2];
      }
    }
    const explanation = m[3]?.trim() || (msg.includes('was not provided') || msg.includes('must not be null') ? 'Expected value to not be null' : msg);
    return { message: `Variable $${name} of type ${type} was provided invalid value`, locations: def ? [{ line: def.loc?.startToken.line ?? 1, column: def.loc?.startToken.column ?? 1 }] : base.locations, extensions: { value, problems: [{ path: [], explanation }] } };
  }
  if (err.extensions && Object.keys(err.extensions).length) base.extensions = { ...err.extensions };
  return base;
}
