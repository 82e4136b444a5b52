// How big a run is. `quick` finishes in minutes on the 2-core machine; `full` is the sizes.
export interface Scale {
  name: 'quick' | 'full';
  oversellRuns: number;
  /** Scenario 2: variants in the initial catalog syncs (10 per product). */
  catalogVariants: number[];
  /** Scenario 3: SKUs in the hourly inventory push, 1% of them changed. */
  inventorySkus: number;
  /** Scenario 4: listings planned over, 1% drifted. */
  planningListings: number;
  /** Scenario 5: variants in the big shop's full sync running beside the oversell jobs. */
  fairnessVariants: number;
}

export const SCALES: Record<Scale['name'], Scale> = {
  quick: { name: 'quick', oversellRuns: 20, catalogVariants: [10_000], inventorySkus: 100_000, planningListings: 1_000_000, fairnessVariants: 10_000 },
  full: { name: 'full', oversellRuns: 50, catalogVariants: [10_000, 100_000], inventorySkus: 100_000, planningListings: 1_000_000, fairnessVariants: 100_000 },
};
