// What the "Sync to partners now" action shows and when its button works, from the app's answers
// (GET and POST /api/products/:id/sync). Plain functions: the Preact view only renders them.
import type { ProductAtPartner, ProductSyncResult, ProductSyncStatus } from '../../../app/sync/product-sync-answer.ts';
import { hasArray, legacyId } from '../../shared/app-backend.ts';

export type Tone = 'success' | 'info' | 'warning' | 'critical' | 'neutral';

/** Where the action is in its life: reading the product's partners, pressing the button, after. */
export type ActionPhase =
  | { step: 'loading' }
  | { step: 'unavailable'; message: string }
  | { step: 'ready'; status: ProductSyncStatus }
  | { step: 'syncing'; status: ProductSyncStatus }
  | { step: 'synced'; status: ProductSyncStatus; result: ProductSyncResult }
  | { step: 'sync-failed'; status: ProductSyncStatus; message: string };

export interface PartnerLine {
  partnershipId: string;
  partner: string;
  badge: { label: string; tone: Tone };
  detail: string;
  /** The partner store's last complaint about this product, shown as a warning. */
  problem: string | null;
}

export interface SyncButton {
  label: string;
  disabled: boolean;
  loading: boolean;
}

export interface ResultNotice {
  tone: 'success' | 'warning' | 'critical';
  heading: string;
  lines: string[];
}

/** The app's path for the product on this page; null when the page gave no product id. */
export function productSyncPath(productGid: string | undefined): string | null {
  const id = legacyId(productGid, 'Product');
  return id ? `/api/products/${id}/sync` : null;
}

export function isProductSyncStatus(body: unknown): body is ProductSyncStatus {
  return hasArray(body, 'partners');
}

export function isProductSyncResult(body: unknown): body is ProductSyncResult {
  return hasArray(body, 'results');
}

function variants(n: number): string {
  return `${n} variant${n === 1 ? '' : 's'}`;
}

/** One retailer, in words: where this product stands there. */
export function partnerLine(p: ProductAtPartner): PartnerLine {
  const base = { partnershipId: p.partnershipId, partner: p.partner, problem: p.lastError };
  const synced = p.lastSyncedExact ? `, last synced ${p.lastSyncedExact}` : '';
  if (!p.fromThisStore) {
    const from = p.catalogPlatform ? `your ${p.catalogPlatform} connection` : 'no catalog connection yet';
    return { ...base, problem: null, badge: { label: 'Other catalog', tone: 'neutral' }, detail: `Gets its catalog from ${from}, so this product is not sent there.` };
  }
  if (p.variantsInCatalog === 0) {
    return { ...base, badge: { label: 'Not synced yet', tone: 'info' }, detail: 'Tandem has not read this product yet. Sync now to send it.' };
  }
  if (p.offered === 0) {
    return { ...base, badge: { label: 'Not offered', tone: 'warning' }, detail: 'No variant has been offered yet: each needs a SKU no other variant uses. Sync now to try again.' };
  }
  if (p.rejected === p.offered) {
    return { ...base, badge: { label: 'Declined', tone: 'critical' }, detail: `${p.partner} declined this product; Tandem does not offer it again.` };
  }
  if (p.approved > 0) {
    const waiting = p.pending > 0 ? `; ${variants(p.pending)} waiting for approval` : '';
    return { ...base, badge: { label: 'Selling', tone: 'success' }, detail: `${p.approved} of ${variants(p.variantsInCatalog)} on sale${waiting}${synced}.` };
  }
  if (p.created < p.offered - p.rejected) {
    return { ...base, badge: { label: 'Being created', tone: 'info' }, detail: `${variants(p.offered - p.rejected - p.created)} not yet created in ${p.partner}'s store${synced}.` };
  }
  return { ...base, badge: { label: 'Awaiting approval', tone: 'info' }, detail: `In ${p.partner}'s store as a draft, waiting for their approval${synced}.` };
}

/** The primary button: pressable once the partners are known and at least one sells from this store. */
export function syncButton(phase: ActionPhase): SyncButton {
  const label = 'Sync to partners now';
  switch (phase.step) {
    case 'loading':
      return { label, disabled: true, loading: true };
    case 'unavailable':
      return { label, disabled: true, loading: false };
    case 'syncing':
      return { label, disabled: true, loading: true };
    default:
      return { label, disabled: !phase.status.partners.some((p) => p.fromThisStore), loading: false };
  }
}

/** Why there is nothing to list, when there is nothing. */
export function emptyMessage(status: ProductSyncStatus): string | null {
  if (status.partners.length === 0) return 'You supply no partners yet. Invite a retailer from Partners in the Tandem app.';
  if (!status.partners.some((p) => p.fromThisStore)) return 'None of your partners gets its catalog from this store.';
  return null;
}

/** What pressing the button did, partner by partner. */
export function resultNotice(result: ProductSyncResult): ResultNotice {
  const queued = result.results.filter((r) => r.outcome === 'queued');
  const failed = result.results.filter((r) => r.outcome === 'failed');
  const lines = result.results.map((r) => (r.outcome === 'queued' ? `${r.partner}: queued.` : `${r.partner}: ${r.outcome === 'failed' ? 'not queued' : 'skipped'}. ${r.reason}`));
  if (result.results.length === 0) return { tone: 'warning', heading: 'Nothing to sync', lines: ['You supply no partners yet.'] };
  if (queued.length === 0) return { tone: failed.length ? 'critical' : 'warning', heading: 'Nothing was queued', lines };
  const all = result.results.length;
  const heading = queued.length === all ? `Queued for ${all} partner${all === 1 ? '' : 's'}` : `Queued for ${queued.length} of ${all} partners`;
  return {
    tone: failed.length ? 'warning' : 'success',
    heading,
    lines: [...lines, 'Tandem sends the product within a few minutes; the run shows in Activity.'],
  };
}
