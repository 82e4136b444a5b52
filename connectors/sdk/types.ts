// Tandem's own shapes. Every connector maps its platform's payloads into these at the edge, so
// `app/sync` never sees a vendor shape. Money is a decimal string ("12.50"): floats lose cents.
import { z } from 'zod';

/** A stock-keeping unit: the key Tandem matches variants by across platforms. */
export const Sku = z.string().trim().min(1).max(255).brand<'Sku'>();
export type Sku = z.infer<typeof Sku>;

/** A decimal amount as the platform printed it, e.g. "12.50". */
export const Money = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal amount such as "12.50"');
export type Money = z.infer<typeof Money>;

export interface TandemImage {
  url: string;
  altText: string | null;
}

export interface TandemOption {
  name: string;
  values: string[];
}

export interface SelectedOption {
  name: string;
  value: string;
}

export interface TandemVariant {
  /** The platform's id of this variant (Shopify: a `gid://shopify/ProductVariant/…`). */
  externalId: string;
  productExternalId: string;
  /** Null when the platform has no SKU on the variant: it cannot be matched, only reported. */
  sku: Sku | null;
  title: string;
  productTitle: string;
  selectedOptions: SelectedOption[];
  price: Money;
  compareAtPrice: Money | null;
  barcode: string | null;
  /** The id stock is kept under (Shopify InventoryItem); the variant id where the platform has none. */
  inventoryItemId: string | null;
  /** Units available to sell, null when the platform does not track stock for it. */
  available: number | null;
  updatedAt: Date;
}

export interface TandemProduct {
  externalId: string;
  title: string;
  /** HTML, as the platform stores it. */
  description: string;
  vendor: string | null;
  productType: string | null;
  tags: string[];
  images: TandemImage[];
  options: TandemOption[];
  variants: TandemVariant[];
  /** Tandem's reference stored on the platform (tag or metafield) when Tandem created it. */
  externalReference: string | null;
  updatedAt: Date;
}

/** What Tandem asks a platform to create or overwrite: content only, never stock. */
export interface ProductInput {
  /** Tandem's reference for the product (the supplier's product id): a retried create looks it up. */
  externalReference: string;
  title: string;
  description: string;
  vendor?: string | null;
  productType?: string | null;
  tags?: string[];
  images?: TandemImage[];
  options: TandemOption[];
  variants: ProductVariantInput[];
}

export interface ProductVariantInput {
  sku: Sku;
  selectedOptions: SelectedOption[];
  price: Money;
  compareAtPrice?: Money | null;
  barcode?: string | null;
}

/** Points at one variant on a platform; connectors use the most specific id they have. */
export interface VariantRef {
  variantId: string;
  inventoryItemId?: string | null;
  sku?: Sku | null;
}

export interface InventoryLevel {
  variant: VariantRef;
  /** Where the stock is counted (Shopify location); null for platforms with a single stock figure. */
  locationId: string | null;
  available: number;
}

export interface InventoryWrite {
  variant: VariantRef;
  /** The new absolute quantity available to sell. */
  quantity: number;
  /**
   * Compare-and-swap: the quantity Tandem last read. The write is refused (reported in
   * `InventoryWriteResult.stale`) if the platform's figure moved since. Omit to overwrite.
   */
  compare?: number | null;
}

export interface InventoryWriteResult {
  /** Writes the platform accepted. */
  written: number;
  /** Writes refused because the platform's quantity no longer equals `compare`: re-read, then retry. */
  stale: InventoryWrite[];
}

export interface PostalAddress {
  name: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  country: string | null;
  countryCode: string | null;
  phone: string | null;
}

export interface OrderLine {
  /** The platform's line id, when the order exists there. */
  externalId: string | null;
  sku: Sku | null;
  title: string;
  quantity: number;
  /** Unit price. */
  price: Money;
  variantExternalId: string | null;
}

export interface OrderCustomer {
  email: string | null;
  /** The buyer's account id on the platform, or Tandem's partner account reference. */
  accountId: string | null;
}

export interface TandemOrder {
  externalId: string;
  /** What the merchant sees, e.g. "#1001". */
  name: string;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  currency: string;
  totalPrice: Money;
  lineItems: OrderLine[];
  shippingAddress: PostalAddress | null;
  customer: OrderCustomer;
  tags: string[];
  /** Tandem's reference when Tandem created the order (the source order it forwards). */
  externalReference: string | null;
}

export interface OrderCreateInput {
  /**
   * Tandem's reference (e.g. `tandem:<retailer shop>:<order id>`). It is stored on the created order
   * and looked up before creating, so a retry after a crash finds the earlier order.
   */
  externalReference: string;
  currency: string;
  lineItems: Array<{ sku: Sku; title: string; quantity: number; price: Money; variantExternalId?: string | null }>;
  shippingAddress?: PostalAddress | null;
  customer?: OrderCustomer & {
    firstName?: string | null;
    lastName?: string | null;
    /**
     * The platform's id of the customer Tandem linked for this buyer (CustomerLink). When set, the
     * order is attached to that customer as it is: no look-up, no create, and never an update.
     * When null, the connector creates and updates no customer (the engine creates, links and
     * reports one first where the manifest's customerRequiredFor says the platform needs it).
     */
    externalId?: string | null;
  };
  tags?: string[];
  note?: string | null;
  poNumber?: string | null;
}

export interface FulfillmentLine {
  sku: Sku | null;
  quantity: number;
  /** The order line this fulfils, when the platform says. */
  lineExternalId: string | null;
}

export interface TandemFulfillment {
  externalId: string;
  orderExternalId: string;
  createdAt: Date;
  lines: FulfillmentLine[];
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
}

export interface FulfillmentCreateInput {
  orderExternalId: string;
  /** Empty = everything still open on the order. */
  lines: Array<{ sku: Sku | null; quantity: number; lineExternalId?: string | null }>;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  notifyCustomer?: boolean;
}

export interface TandemCustomer {
  externalId: string;
  email: string | null;
  accountId: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  phone: string | null;
}

export type CustomerInput = Omit<TandemCustomer, 'externalId'>;

export interface InvoiceLine {
  description: string;
  sku: Sku | null;
  quantity: number;
  unitPrice: Money;
  /** The ledger account (Xero AccountCode); the connection's default when absent. */
  accountCode?: string | null;
  taxType?: string | null;
}

export interface InvoiceInput {
  /** Tandem's reference printed on the invoice (the order name it bills). */
  reference: string;
  /**
   * The buyer. `externalId` is the contact Tandem linked at the platform (CustomerLink): used as it
   * is, never looked up, created or updated. Without it the connector finds or creates the contact.
   */
  contact: { name: string; email: string | null; accountId: string | null; externalId?: string | null };
  currency: string;
  issuedOn: Date;
  dueOn: Date | null;
  lines: InvoiceLine[];
}

export interface PostedInvoice {
  externalId: string;
  number: string | null;
  status: string;
  /** Items (by code) the platform did not have and the connector created for this invoice. */
  createdItemCodes?: string[];
}

/** One page of an incremental pull. `nextCursor` null = no more pages for now. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Where an incremental pull resumes: `cursor` from the previous page (wins when present), or
 * `since` for the first page (the saved checkpoint minus a small lookback). Neither = everything.
 */
export interface ChangedSince {
  cursor?: string | null;
  since?: Date | null;
}

/** Webhooks translated to what Tandem acts on; anything else is `'ignored'`. */
export type TandemWebhookEvent =
  | { kind: 'order.created' | 'order.updated'; eventId: string; shop: string | null; orderExternalId: string }
  | { kind: 'product.updated' | 'product.deleted'; eventId: string; shop: string | null; productExternalId: string }
  | { kind: 'inventory.updated'; eventId: string; shop: string | null; inventoryItemId: string; locationId: string | null; available: number | null }
  | { kind: 'fulfillment.created'; eventId: string; shop: string | null; orderExternalId: string; fulfillmentExternalId: string }
  | { kind: 'app.uninstalled'; eventId: string; shop: string | null }
  | { kind: 'bulk_operation.finished'; eventId: string; shop: string | null; operationId: string; status: string };
