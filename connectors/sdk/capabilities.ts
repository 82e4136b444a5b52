// What a connector can do, and the methods each ability obliges it to implement. The engine asks
// for a capability (`requireCapability(connector, 'inventory.write')`) and then calls only these.
import { z } from 'zod';
import type {
  ChangedSince,
  CustomerInput,
  FulfillmentCreateInput,
  InventoryLevel,
  InventoryWrite,
  InventoryWriteResult,
  InvoiceInput,
  Money,
  OrderCreateInput,
  Page,
  PostedInvoice,
  ProductInput,
  Sku,
  TandemCustomer,
  TandemFulfillment,
  TandemOrder,
  TandemProduct,
  TandemVariant,
  TandemWebhookEvent,
  VariantRef,
} from './types.ts';

export const capabilityIds = [
  'products.read',
  'products.write',
  'inventory.read',
  'inventory.write',
  'orders.read',
  'orders.write',
  'fulfillments.read',
  'fulfillments.write',
  'customers.read',
  'customers.write',
  'invoices.write',
  'webhooks',
] as const;

export const Capability = z.enum(capabilityIds);
export type Capability = z.infer<typeof Capability>;

export interface ProductReader {
  /**
   * Called by catalog.sync and nightly.full, page after page until `nextCursor` is null.
   * Returns products (with all their variants) changed at or after `since` (inclusive: the engine
   * dedupes by content hash), in a stable order (oldest change first where the platform sorts by
   * it), so the engine can save the cursor after each page. No `since` and no `cursor` = everything.
   */
  listChangedProducts(changed: ChangedSince): Promise<Page<TandemProduct>>;
  /**
   * Called by inventory.push and sweeps: the same pull at variant grain (price, stock, SKU).
   * Same paging and ordering rules as `listChangedProducts`.
   */
  listChangedVariants(changed: ChangedSince): Promise<Page<TandemVariant>>;
  /**
   * Called by SKU matching. Returns every variant carrying each SKU (exact, case-sensitive match);
   * a SKU with several variants is a duplicate the engine reports to the merchant, never guesses.
   * SKUs with no variant map to an empty array. Batches to the platform's query limits itself.
   */
  findVariantsBySku(skus: Sku[]): Promise<Map<Sku, TandemVariant[]>>;
  /**
   * Optional. A "Full" sync of a large catalog: stream every product using the platform's bulk
   * export when it has one. When absent the engine pages `listChangedProducts({})`.
   */
  readFullCatalog?(): AsyncIterable<TandemProduct>;
}

export interface ProductWriter {
  /**
   * Called when a partner approves a new listing. Creates the product unpublished (draft) with
   * `input.externalReference` stored on it; it FIRST looks the reference up and returns the
   * existing product, so a retry after a crash never creates a second copy. With
   * `options.firstAttempt` the engine's intent record shows no earlier attempt at this create, so no
   * copy can exist and the connector may skip that lookup (one platform call per product).
   */
  createProduct(input: ProductInput, options?: CreateProductOptions): Promise<TandemProduct>;
  /**
   * Called on force-overwrite: replaces title, description, images, options, prices of the product
   * `externalId`. Never touches stock (inventory.write does) nor the published state.
   */
  updateProduct(externalId: string, input: ProductInput): Promise<TandemProduct>;
  /**
   * Called when a partner approves a listing: makes the product `externalId` (created as a draft
   * by `createProduct`) active and visible in the partner's online store. Publishing a product
   * that is already published is not an error. Optional until every products.write connector has
   * it; the engine throws `capability_missing` when it is absent.
   */
  publishProduct?(externalId: string): Promise<void>;
  /**
   * Called by catalog.sync and inventory.push when only prices changed: sets each variant's price
   * and compare-at price (null clears it), nothing else. The connector batches the writes to the
   * platform's limits (Shopify: one call per product). Optional like `publishProduct`.
   */
  updateVariantPrices?(prices: VariantPriceWrite[]): Promise<void>;
}

export interface CreateProductOptions {
  /** No earlier attempt to create this product was recorded (default false: look it up first). */
  firstAttempt?: boolean;
}

/** One variant's new selling price, for `ProductWriter.updateVariantPrices`. */
export interface VariantPriceWrite {
  productExternalId: string;
  variantExternalId: string;
  price: Money;
  compareAtPrice: Money | null;
}

export interface InventoryReader {
  /**
   * Called before a push (compare-and-swap) and by the oversell guard. Returns the available
   * quantity of each referenced variant at the connection's location; unknown refs are left out.
   */
  readInventory(variants: VariantRef[]): Promise<InventoryLevel[]>;
  /**
   * Optional. Every level at the connection's location from the platform's bulk export, for a
   * Partial inventory push over a large catalog to find what changed in a few calls. Refs carry the
   * variant and inventory item ids (no SKU). When absent the engine reads levels with `readInventory`.
   */
  readAllInventory?(): AsyncIterable<InventoryLevel>;
}

export interface InventoryWriter {
  /**
   * Called by inventory.push with any number of writes; the connector splits them into the
   * platform's batch size and makes each batch idempotent (a retried batch does not apply twice).
   * A write whose `compare` no longer matches is returned in `stale`, not thrown.
   */
  writeInventory(batch: InventoryWrite[]): Promise<InventoryWriteResult>;
}

export interface OrderReader {
  /** Called by orders.pull page after page; same paging rules as `listChangedProducts`. */
  listChangedOrders(changed: ChangedSince): Promise<Page<TandemOrder>>;
  /** Returns the order created earlier with this Tandem reference, or null. */
  findOrderByReference(externalReference: string): Promise<TandemOrder | null>;
}

export interface OrderWriter {
  /**
   * Called to forward an order. FIRST looks up an order carrying `input.externalReference` and
   * returns it if found; the platform's "already exists" answer is also success (the existing
   * order is returned). So calling it twice with one reference yields one order.
   */
  createOrder(input: OrderCreateInput): Promise<TandemOrder>;
}

export interface FulfillmentReader {
  /** Called by fulfillments.push for each forwarded order: every fulfillment with its tracking. */
  listFulfillments(orderExternalId: string): Promise<TandemFulfillment[]>;
}

export interface FulfillmentWriter {
  /**
   * Called to copy a supplier's shipment to the retailer. Fulfils the listed lines (all open lines
   * when empty) with the tracking given. A second call for lines already fulfilled returns the
   * existing fulfillment rather than failing.
   */
  createFulfillment(input: FulfillmentCreateInput): Promise<TandemFulfillment>;
}

export interface CustomerReader {
  /** Looks a customer up by account id first, then by email (case-insensitive). Null when absent. */
  findCustomer(query: { email?: string | null; accountId?: string | null }): Promise<TandemCustomer | null>;
}

export interface CustomerWriter {
  /** Creates the customer; an existing one with the same email is returned instead. */
  createCustomer(input: CustomerInput): Promise<TandemCustomer>;
}

export interface InvoicePoster {
  /**
   * Called by invoices.post. `idempotencyKey` is stable across retries of one invoice (the intent
   * row's id): the connector sends it to the platform, or looks the invoice up by it, so a retry
   * returns the invoice posted earlier.
   */
  postInvoice(input: InvoiceInput, idempotencyKey: string): Promise<PostedInvoice>;
  /**
   * Called before an invoice is posted again after an attempt whose outcome is unknown (the
   * platform keeps idempotency keys only for a while). Returns the sales invoice carrying exactly
   * `reference`, or null.
   */
  findInvoiceByReference(reference: string): Promise<PostedInvoice | null>;
}

export interface WebhookVerifier {
  /**
   * Called by the webhook route with the headers and the raw, unparsed body (signatures are over
   * the exact bytes). A missing or wrong signature throws `Invalid` (the route answers 401).
   * Returns the Tandem event, or `'ignored'` for topics Tandem does not act on.
   */
  verifyWebhook(headers: Headers | Record<string, string | string[] | undefined>, rawBody: Buffer | string): Promise<TandemWebhookEvent | 'ignored'>;
}

/** Each capability's methods, for `requireCapability`'s return type. */
export interface CapabilityMethods {
  'products.read': ProductReader;
  'products.write': ProductWriter;
  'inventory.read': InventoryReader;
  'inventory.write': InventoryWriter;
  'orders.read': OrderReader;
  'orders.write': OrderWriter;
  'fulfillments.read': FulfillmentReader;
  'fulfillments.write': FulfillmentWriter;
  'customers.read': CustomerReader;
  'customers.write': CustomerWriter;
  'invoices.write': InvoicePoster;
  webhooks: WebhookVerifier;
}

/** The method names each capability requires, checked at runtime by `requireCapability`. */
export const requiredMethods: { [C in Capability]: ReadonlyArray<keyof CapabilityMethods[C]> } = {
  'products.read': ['listChangedProducts', 'listChangedVariants', 'findVariantsBySku'],
  'products.write': ['createProduct', 'updateProduct'],
  'inventory.read': ['readInventory'],
  'inventory.write': ['writeInventory'],
  'orders.read': ['listChangedOrders', 'findOrderByReference'],
  'orders.write': ['createOrder'],
  'fulfillments.read': ['listFulfillments'],
  'fulfillments.write': ['createFulfillment'],
  'customers.read': ['findCustomer'],
  'customers.write': ['createCustomer'],
  'invoices.write': ['postInvoice', 'findInvoiceByReference'],
  webhooks: ['verifyWebhook'],
};
