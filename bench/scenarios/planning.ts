// Scenario 4, Partial sync planning: which of a million listings need a write, when 1% of them
// drifted (the supplier's price moved since the last push). The plan is app/sync's SQL keyset walk
// (planListingUpdates, page after page as catalog sync calls it). Its lower bound is one pass over
// the partnership's listings and their supplier variants, measured on the same rows.
import { planListingUpdates } from '../../app/sync/partial-plan.server.ts';
import { parsePricingRule } from '../../app/sync/pricing.ts';
import type { BenchEnv } from '../env.ts';
import { addShop, partner } from '../network.ts';
import { seedPlannedListings } from '../seed.ts';
import { withPeakMemory } from '../stats.ts';
import type { BenchRow } from '../table.ts';

const PAGE = 250;
const DRIFT_EVERY = 100;

export async function runPlanning(env: BenchEnv, listings: number): Promise<BenchRow[]> {
  const supplier = await addShop(env.db, env.sim, 'plan-supplier.myshopify.com', 'SUPPLIER');
  const retailer = await addShop(env.db, env.sim, 'plan-retailer.myshopify.com', 'RETAILER');
  const partnershipId = await partner(env.db, supplier, retailer);
  const seeded = Date.now();
  await seedPlannedListings(env.db, { partnershipId, connectionId: supplier.connectionId, count: listings, driftEvery: DRIFT_EVERY });
  const seedMs = Date.now() - seeded;
  const rule = parsePricingRule({ markupPercent: 100 });

  // The bound: one pass over the same join, counting what a plan would read.
  const passStarted = performance.now();
  await env.db.$queryRawUnsafe(
    `SELECT COUNT(*) FROM "Listing" l JOIN "SourceVariant" sv ON sv."id" = l."sourceVariantId"
     WHERE l."partnershipId" = $1 AND l."approval" <> 'REJECTED' AND l."partnerVariantId" IS NOT NULL AND sv."deletedAt" IS NULL`,
    partnershipId,
  );
  const passMs = performance.now() - passStarted;

  const planned = await withPeakMemory(async () => {
    const started = performance.now();
    let after: string | null = null;
    let found = 0;
    let pages = 0;
    for (;;) {
      const page = await planListingUpdates(env.db, { partnershipId, rule, mode: 'PARTIAL', forceOverwrite: false, after, limit: PAGE });
      if (page.length === 0) break;
      pages++;
      found += page.length;
      after = page.at(-1)!.sourceVariantId;
    }
    return { ms: performance.now() - started, found, pages };
  });
  const expected = Math.floor(listings / DRIFT_EVERY);
  if (planned.result.found !== expected) throw new Error(`The plan found ${planned.result.found} listings to write, not the ${expected} that drifted`);
  const size = `${listings.toLocaleString('en-US')} listings, 1% drifted`;
  return [
    { scenario: '4 planning', metric: `${size}: plan time`, value: planned.result.ms, bound: passMs, unit: 'ms', note: `found ${planned.result.found.toLocaleString('en-US')} in ${planned.result.pages} pages of ${PAGE}; bound: one measured pass (COUNT over the same join); seeded in ${(seedMs / 1000).toFixed(0)} s with generate_series` },
    { scenario: '4 planning', metric: `${size}: peak heap (Node)`, value: planned.peakHeapMb, bound: null, unit: 'MB', note: `peak RSS +${planned.peakRssMb} MB; the plan holds one page at a time, so memory does not grow with the listing count` },
  ];
}
