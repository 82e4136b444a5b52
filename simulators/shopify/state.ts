// Everything the Shopify simulator remembers, as plain data. Records hold Shopify's own
// quantities (ids are numbers, shown to clients as `gid://shopify/Type/N`); views.ts turns them
// into GraphQL objects. `resetState` empties it for /_control/reset.

export type PlanName = 'Basic' | 'Standard' | 'Advanced' | 'Plus';

export interface BucketConfig {
  maximumAvailable: number;
  restoreRate: number;
}

// Restore rates from shopify.dev rate-limits page; bucket sizes: contracts README (2000 observed
// for Standard, the others scaled the same way).
export const PLAN_BUCKETS: Record<PlanName, BucketConfig> = {
  Basic: { maximumAvailable: 2000, restoreRate: 100 },
  Standard: { maximumAvailable: 2000, restoreRate: 100 },
  Advanced: { maximumAvailable: 4000, restoreRate: 200 },
  Plus: { maximumAvailable: 20000, restoreRate: 1000 },
};

export interface AppConfig {
  clientId: string;
  clientSecret: string;
  /** Comma-separated, as Shopify returns `scope`. */
  scopes: string;
  appUrl: string;
  webhooks: WebhookSubscription[];
}

export interface WebhookSubscription {
  topic: string;
  uri: string;
}

export interface AccessToken {
  token: string;
  shop: string;
  scope: string;
  kind: 'offline' | 'online';
  expiresAtMs?: number;
  userId?: string;
}

export interface RefreshToken {
  token: string;
  shop: string;
  scope: string;
  expiresAtMs: number;
}

export interface LocationRecord {
  id: number;
  name: string;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface MetafieldRecord {
  id: number;
  ownerGid: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface ProductRecord {
  id: number;
  title: string;
  handle: string;
  status: 'ACTIVE' | 'ARCHIVED' | 'DRAFT' | 'UNLISTED';
  vendor: string;
  productType: string;
  descriptionHtml: string;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  variantIds: number[];
  /** Publication ids the product is published on. */
  publicationIds: number[];
  options: { name: string; values: string[] }[];
  /** Product media, images only; the first is the featured one. */
  media: MediaImageRecord[];
}

export interface MediaImageRecord {
  id: number;
  url: string;
  altText: string | null;
}

export interface VariantRecord {
  id: number;
  productId: number;
  title: string;
  sku: string | null;
  barcode: string | null;
  price: string;
  compareAtPrice: string | null;
  position: number;
  inventoryItemId: number;
  inventoryPolicy: 'DENY' | 'CONTINUE';
  taxable: boolean;
  selectedOptions: { name: string; value: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface InventoryItemRecord {
  id: number;
  variantId: number;
  tracked: boolean;
  requiresShipping: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One item at one location. on_hand = available + committed (README "Inventory"). */
export interface InventoryLevelRecord {
  itemId: number;
  locationId: number;
  available: number;
  committed: number;
  createdAt: string;
  updatedAt: string;
}

export interface AddressRecord {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  provinceCode?: string | null;
  countryCode?: string | null;
  zip?: string | null;
  phone?: string | null;
}

export interface CustomerRecord {
  id: number;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  note: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface LineItemRecord {
  id: number;
  variantId: number | null;
  productId: number | null;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  vendor: string | null;
  quantity: number;
  price: string;
}

export interface FulfillmentOrderRecord {
  id: number;
  orderId: number;
  locationId: number;
  status: 'OPEN' | 'IN_PROGRESS' | 'CLOSED' | 'CANCELLED';
  createdAt: string;
  updatedAt: string;
  lineItems: { id: number; lineItemId: number; totalQuantity: number; remainingQuantity: number }[];
}

export interface TrackingRecord {
  company: string | null;
  number: string | null;
  url: string | null;
}

export interface FulfillmentRecord {
  id: number;
  orderId: number;
  locationId: number;
  name: string;
  status: 'SUCCESS';
  createdAt: string;
  updatedAt: string;
  tracking: TrackingRecord[];
  lineItems: { id: number; lineItemId: number; quantity: number }[];
  fulfillmentOrderIds: number[];
}

export interface OrderRecord {
  id: number;
  number: number;
  name: string;
  email: string | null;
  phone: string | null;
  note: string | null;
  tags: string[];
  currencyCode: string;
  sourceIdentifier: string | null;
  sourceName: string | null;
  sourceUrl: string | null;
  poNumber: string | null;
  customerId: number | null;
  shippingAddress: AddressRecord | null;
  billingAddress: AddressRecord | null;
  lineItems: LineItemRecord[];
  financialStatus: 'PAID' | 'PENDING' | 'AUTHORIZED';
  test: boolean;
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  cancelledAt: string | null;
  closedAt: string | null;
  /** The order took its units into `committed` (storefront orders; orderCreate obeying policy). */
  committedStock?: boolean;
}

export interface BulkOperationRecord {
  id: number;
  type: 'QUERY';
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED';
  query: string;
  createdAt: string;
  completedAt: string | null;
  errorCode: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
}

export interface PublicationRecord {
  id: number;
  name: string;
}

export interface ApiCall {
  at: string;
  kind: 'graphql' | 'oauth';
  rootFields: string[];
  requestedQueryCost: number | null;
  actualQueryCost: number | null;
  throttled: boolean;
  status: number;
}

export interface IdempotentResult {
  field: string;
  argsJson: string;
  result: unknown;
}

export interface ShopRecord {
  id: number;
  domain: string;
  createdAt: string;
  name: string;
  email: string;
  plan: PlanName;
  ianaTimezone: string;
  currencyCode: string;
  bucket: BucketConfig;
  installed: boolean;
  locations: LocationRecord[];
  publications: PublicationRecord[];
  products: Map<number, ProductRecord>;
  /** Product id by handle (handles are unique per shop). */
  handles: Map<string, number>;
  variants: Map<number, VariantRecord>;
  inventoryItems: Map<number, InventoryItemRecord>;
  /** Keyed `${itemId}:${locationId}`. */
  levels: Map<string, InventoryLevelRecord>;
  customers: Map<number, CustomerRecord>;
  orders: Map<number, OrderRecord>;
  fulfillmentOrders: Map<number, FulfillmentOrderRecord>;
  fulfillments: Map<number, FulfillmentRecord>;
  metafields: Map<number, MetafieldRecord>;
  bulkOperations: Map<number, BulkOperationRecord>;
  /** JSONL results of bulk operations, by operation id. */
  bulkFiles: Map<number, string>;
  idempotency: Map<string, IdempotentResult>;
  calls: ApiCall[];
  nextOrderNumber: number;
}

export interface SimState {
  app: AppConfig;
  shops: Map<string, ShopRecord>;
  tokens: Map<string, AccessToken>;
  refreshTokens: Map<string, RefreshToken>;
  nextId: number;
}

export const DEFAULT_APP: AppConfig = {
  clientId: 'tandem-client-id',
  clientSecret: 'tandem-client-secret',
  scopes: 'read_products,write_products,read_inventory,write_inventory,read_orders,write_orders,read_fulfillments,write_fulfillments,read_customers,write_customers,read_publications,write_publications,read_locations',
  appUrl: 'http://127.0.0.1:3000',
  webhooks: [],
};

export function createState(app: Partial<AppConfig> = {}): SimState {
  return { app: { ...DEFAULT_APP, ...app, webhooks: [...(app.webhooks ?? [])] }, shops: new Map(), tokens: new Map(), refreshTokens: new Map(), nextId: 1001 };
}

/** Empties shops and tokens; the app configuration given at start is kept. */
export function resetState(state: SimState, app: AppConfig) {
  state.app = { ...app, webhooks: [...app.webhooks] };
  state.shops.clear();
  state.tokens.clear();
  state.refreshTokens.clear();
  state.nextId = 1001;
}

export function nextId(state: SimState): number {
  return state.nextId++;
}

export function levelKey(itemId: number, locationId: number) {
  return `${itemId}:${locationId}`;
}

export function emptyShop(id: number, init: { domain: string; createdAt: string; name: string; email: string; plan: PlanName; ianaTimezone: string; currencyCode: string; bucket: BucketConfig }): ShopRecord {
  return {
    id,
    ...init,
    installed: true,
    locations: [],
    publications: [],
    products: new Map(),
    handles: new Map(),
    variants: new Map(),
    inventoryItems: new Map(),
    levels: new Map(),
    customers: new Map(),
    orders: new Map(),
    fulfillmentOrders: new Map(),
    fulfillments: new Map(),
    metafields: new Map(),
    bulkOperations: new Map(),
    bulkFiles: new Map(),
    idempotency: new Map(),
    calls: [],
    nextOrderNumber: 1001,
  };
}
