// Access scopes on root fields: a token without the scope gets ACCESS_DENIED on that field, in
// Shopify's words ("Access denied for products field. Required access: `read_products` access
// scope."); `write_x` implies `read_x`. Nested fields and fulfillment-order scopes are not checked.
import { GraphQLError } from 'graphql';

const READ: Record<string, string> = {
  products: 'read_products',
  product: 'read_products',
  productByIdentifier: 'read_products',
  productVariants: 'read_products',
  productVariant: 'read_products',
  publications: 'read_publications',
  publication: 'read_publications',
  inventoryItems: 'read_inventory',
  inventoryItem: 'read_inventory',
  inventoryLevel: 'read_inventory',
  locations: 'read_locations',
  location: 'read_locations',
  orders: 'read_orders',
  order: 'read_orders',
  customers: 'read_customers',
  customer: 'read_customers',
};

const WRITE: Record<string, string> = {
  productSet: 'write_products',
  productCreate: 'write_products',
  productUpdate: 'write_products',
  productVariantsBulkCreate: 'write_products',
  productVariantsBulkUpdate: 'write_products',
  publishablePublish: 'write_publications',
  publishableUnpublish: 'write_publications',
  inventorySetQuantities: 'write_inventory',
  inventoryAdjustQuantities: 'write_inventory',
  orderCreate: 'write_orders',
  orderUpdate: 'write_orders',
  customerCreate: 'write_customers',
};

export function requiredScope(field: string): string | undefined {
  return READ[field] ?? WRITE[field];
}

export function hasScope(granted: ReadonlySet<string>, scope: string): boolean {
  return granted.has(scope) || (scope.startsWith('read_') && granted.has(`write_${scope.slice(5)}`));
}

export function checkAccess(granted: ReadonlySet<string>, field: string) {
  const scope = requiredScope(field);
  if (!scope || hasScope(granted, scope)) return;
  throw new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
    extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess: `\`${scope}\` access scope.` },
  });
}

export function scopeSet(scope: string): Set<string> {
  return new Set(scope.split(',').map((s) => s.trim()).filter(Boolean));
}
