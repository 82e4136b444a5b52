// The JSON that GET and POST /api/products/:id/sync answer to the "Sync to partners now" admin
// action (extensions/sync-to-partners). Types only: the extension imports them, so this file must
// import nothing.

/** One retailer this shop supplies, and where the product stands there (facts; the extension words them). */
export interface ProductAtPartner {
  partnershipId: string;
  /** The retailer's shop name, else its domain. */
  partner: string;
  /**
   * False when this partner's catalog comes from another connection (a WooCommerce store, say):
   * this Shopify product is not part of it, and "Sync to partners now" leaves the partner alone.
   */
  fromThisStore: boolean;
  /** The catalog source's platform name ("Shopify", "WooCommerce"). */
  catalogPlatform: string | null;
  /** Variants of the product in Tandem's copy of the catalog (0: not pulled yet, or not at this source). */
  variantsInCatalog: number;
  /** Variants offered to the partner, and of those: created in the partner's store, approved, waiting, rejected. */
  offered: number;
  created: number;
  approved: number;
  pending: number;
  rejected: number;
  /** When a variant of the product was last written to the partner (ISO), and that time in the shop's zone. */
  lastSyncedAt: string | null;
  lastSyncedExact: string | null;
  /** The last per-variant problem the partner's store reported, if one stands. */
  lastError: string | null;
}

export interface ProductSyncStatus {
  /** The product's Admin API id (gid://shopify/Product/…). */
  productId: string;
  partners: ProductAtPartner[];
}

export type ProductSyncOutcome =
  | { partnershipId: string; partner: string; outcome: 'queued'; syncRunId: string | null }
  | { partnershipId: string; partner: string; outcome: 'skipped' | 'failed'; reason: string };

/** What pressing "Sync to partners now" did, partner by partner. */
export interface ProductSyncResult {
  productId: string;
  results: ProductSyncOutcome[];
}
