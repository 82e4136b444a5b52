// QueryRoot fields Tandem reads. List fields filter with Shopify's search syntax (search-query.ts).
import { productByHandle } from '../catalog.ts';
import type { GqlContext } from '../context.ts';
import { gid, parseGid } from '../ids.ts';
import { matchesSearch, parseSearch, type Searchable, type SearchQuery } from '../search-query.ts';
import type { CustomerRecord, OrderRecord, ProductRecord, VariantRecord } from '../state.ts';
import { connection, sortBy, type ConnectionArgs } from './connection.ts';
import {
  bulkOperationView,
  customerView,
  fulfillmentOrderView,
  inventoryItemView,
  locationView,
  nodeView,
  orderFulfillmentStatus,
  orderView,
  productVariants,
  productView,
  publicationView,
  shopView,
  variantView,
} from './views.ts';

type ListArgs = ConnectionArgs & { query?: string | null };

function filtered<T>(items: T[], query: string | null | undefined, fields: (item: T) => Searchable, skuOf?: (item: T) => string | null): T[] {
  if (!query?.trim()) return items;
  const parsed = parseSearch(query);
  const skus = skuOf ? exactSkus(parsed) : null;
  // `sku:A OR sku:B …` (a SKU lookup) answered by set membership: the same matches as the general
  // matcher (exact, case-insensitive), without building every record's search fields for each of
  // the 50 terms. A shop with 100,000 variants made each lookup cost seconds of CPU, which the
  // benchmarks charged to Tandem; Shopify answers from an index.
  if (skus) return items.filter((item) => skus.has((skuOf!(item) ?? '').toLowerCase()));
  return items.filter((item) => matchesSearch(parsed, fields(item)));
}

/** The lowercased SKUs of a query made only of `sku:X` terms joined by OR (no prefix, list or negation), else null. */
function exactSkus(query: SearchQuery): Set<string> | null {
  const out = new Set<string>();
  for (const group of query) {
    const [term, ...rest] = group;
    if (!term || rest.length > 0 || term.field !== 'sku' || term.op !== ':' || term.negated || term.value.endsWith('*') || term.value.includes(',') || term.value === '') return null;
    out.add(term.value.toLowerCase());
  }
  return out;
}

function productFields(ctx: GqlContext, p: ProductRecord): Searchable {
  const variants = productVariants(ctx, p);
  return {
    default: [p.title, ...variants.map((v) => v.sku)],
    id: p.id,
    title: p.title,
    handle: p.handle,
    status: p.status,
    vendor: p.vendor,
    product_type: p.productType,
    tag: p.tags,
    sku: variants.map((v) => v.sku),
    barcode: variants.map((v) => v.barcode),
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    published_status: p.publicationIds.length ? 'published' : 'unpublished',
  };
}

function variantFields(ctx: GqlContext, v: VariantRecord): Searchable {
  const product = ctx.shop.products.get(v.productId);
  return {
    default: [v.sku, v.title, product?.title],
    id: v.id,
    sku: v.sku,
    barcode: v.barcode,
    title: v.title,
    product_id: v.productId,
    product_status: product?.status,
    inventory_item_id: v.inventoryItemId,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
  };
}

function orderFields(ctx: GqlContext, o: OrderRecord): Searchable {
  const customer = o.customerId ? ctx.shop.customers.get(o.customerId) : undefined;
  return {
    default: [o.name, o.email],
    id: o.id,
    name: [o.name, o.name.replace('#', '')],
    email: o.email,
    tag: o.tags,
    sku: o.lineItems.map((li) => li.sku),
    source_identifier: o.sourceIdentifier,
    source_name: o.sourceName,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    processed_at: o.processedAt,
    financial_status: o.financialStatus,
    fulfillment_status: orderFulfillmentStatus(ctx, o) === 'FULFILLED' ? 'shipped' : orderFulfillmentStatus(ctx, o) === 'PARTIALLY_FULFILLED' ? 'partial' : 'unshipped',
    status: o.closedAt ? 'closed' : o.cancelledAt ? 'cancelled' : 'open',
    customer_id: o.customerId,
    customer_email: customer?.email,
  };
}

function customerFields(c: CustomerRecord): Searchable {
  return {
    default: [c.email, c.firstName, c.lastName],
    id: c.id,
    email: c.email,
    first_name: c.firstName,
    last_name: c.lastName,
    phone: c.phone,
    tag: c.tags,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

/** The calling app on this shop: its granted scopes (the token's) and identity. */
function appInstallationView(ctx: GqlContext) {
  const app = ctx.sim.state.app;
  const scopes = [...ctx.scopes].map((handle) => ({ __typename: 'AccessScope', handle, description: handle.replace(/_/g, ' ') }));
  return {
    __typename: 'AppInstallation',
    id: gid('AppInstallation', ctx.shop.id),
    accessScopes: scopes,
    activeSubscriptions: [],
    launchUrl: app.appUrl,
    uninstallUrl: null,
    app: {
      __typename: 'App',
      id: gid('App', 1),
      apiKey: app.clientId,
      title: 'Tandem',
      handle: 'tandem',
      embedded: true,
      published: false,
      developerType: 'PARTNER',
      requestedAccessScopes: scopes,
      availableAccessScopes: scopes,
      optionalAccessScopes: [],
      previouslyInstalled: false,
      webhookApiVersion: '2026-10',
      shopifyDeveloped: false,
      isPostPurchaseAppInUse: false,
      failedRequirements: [],
      features: [],
      screenshots: [],
      uninstallMessage: '',
      pricingDetailsSummary: '',
    },
    metafields: (args: ConnectionArgs) => connection(ctx, [], args, (x) => x),
  };
}

export function queryRoot(ctx: GqlContext) {
  const s = ctx.shop;
  const byGid = <T>(type: string, map: Map<number, T>, id: unknown) => {
    const parsed = parseGid(id);
    return parsed && parsed.type === type ? map.get(parsed.id) : undefined;
  };
  return {
    shop: () => shopView(ctx),
    node: (args: { id: string }) => nodeView(ctx, args.id),
    nodes: (args: { ids: string[] }) => args.ids.map((id) => nodeView(ctx, id)),
    locations: (args: ListArgs & { includeInactive?: boolean }) =>
      connection(
        ctx,
        filtered(
          s.locations.filter((l) => l.isActive || args.includeInactive),
          args.query,
          (l) => ({ default: l.name, name: l.name, id: l.id, active: String(l.isActive) }),
        ),
        args,
        (l) => locationView(ctx, l),
      ),
    location: (args: { id?: string | null }) => {
      const loc = args.id ? s.locations.find((l) => l.id === parseGid(args.id)?.id) : s.locations[0];
      return loc ? locationView(ctx, loc) : null;
    },
    products: (args: ListArgs) =>
      connection(
        ctx,
        filtered([...s.products.values()], args.query, (p) => productFields(ctx, p)),
        args,
        (p) => productView(ctx, p),
        sortBy(args.sortKey),
      ),
    product: (args: { id: string }) => {
      const p = byGid('Product', s.products, args.id);
      return p ? productView(ctx, p) : null;
    },
    productByIdentifier: (args: { identifier: { id?: string; handle?: string } }) => {
      const p = args.identifier.id ? byGid('Product', s.products, args.identifier.id) : productByHandle(s, args.identifier.handle);
      return p ? productView(ctx, p) : null;
    },
    productVariants: (args: ListArgs) =>
      connection(
        ctx,
        filtered([...s.variants.values()], args.query, (v) => variantFields(ctx, v), (v) => v.sku),
        args,
        (v) => variantView(ctx, v),
        sortBy(args.sortKey),
      ),
    productVariant: (args: { id: string }) => {
      const v = byGid('ProductVariant', s.variants, args.id);
      return v ? variantView(ctx, v) : null;
    },
    inventoryItems: (args: ListArgs) =>
      connection(
        ctx,
        filtered([...s.inventoryItems.values()], args.query, (i) => {
          const v = s.variants.get(i.variantId);
          return { default: v?.sku, id: i.id, sku: v?.sku, created_at: i.createdAt, updated_at: i.updatedAt };
        }),
        args,
        (i) => inventoryItemView(ctx, i),
      ),
    inventoryItem: (args: { id: string }) => {
      const i = byGid('InventoryItem', s.inventoryItems, args.id);
      return i ? inventoryItemView(ctx, i) : null;
    },
    inventoryLevel: (args: { id: string }) => (parseGid(args.id)?.type === 'InventoryLevel' ? nodeView(ctx, args.id) : null),
    orders: (args: ListArgs) =>
      connection(
        ctx,
        filtered([...s.orders.values()], args.query, (o) => orderFields(ctx, o)),
        args,
        (o) => orderView(ctx, o),
        sortBy(args.sortKey),
      ),
    order: (args: { id: string }) => {
      const o = byGid('Order', s.orders, args.id);
      return o ? orderView(ctx, o) : null;
    },
    customers: (args: ListArgs) =>
      connection(
        ctx,
        filtered([...s.customers.values()], args.query, customerFields),
        args,
        (c) => customerView(ctx, c),
        sortBy(args.sortKey),
      ),
    customer: (args: { id: string }) => {
      const c = byGid('Customer', s.customers, args.id);
      return c ? customerView(ctx, c) : null;
    },
    fulfillmentOrders: (args: ListArgs & { includeClosed?: boolean }) =>
      connection(
        ctx,
        [...s.fulfillmentOrders.values()].filter((f) => args.includeClosed || (f.status !== 'CLOSED' && f.status !== 'CANCELLED')),
        args,
        (f) => fulfillmentOrderView(ctx, f),
      ),
    fulfillmentOrder: (args: { id: string }) => nodeView(ctx, args.id),
    fulfillment: (args: { id: string }) => nodeView(ctx, args.id),
    publications: (args: ListArgs) => connection(ctx, s.publications, args, (p) => publicationView(ctx, p)),
    publication: (args: { id: string }) => nodeView(ctx, args.id),
    bulkOperation: (args: { id: string }) => {
      const op = byGid('BulkOperation', s.bulkOperations, args.id);
      return op ? bulkOperationView(op) : null;
    },
    bulkOperations: (args: ListArgs) => connection(ctx, [...s.bulkOperations.values()], args, bulkOperationView),
    currentBulkOperation: () => {
      const ops = [...s.bulkOperations.values()];
      return ops.length ? bulkOperationView(ops[ops.length - 1]) : null;
    },
    metafield: (args: { id: string }) => nodeView(ctx, args.id),
    currentAppInstallation: () => appInstallationView(ctx),
  };
}
