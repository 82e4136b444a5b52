// Small statistics for latency samples.

/** Nearest-rank percentile (p in 0..100) of the samples; NaN when there are none. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Peak heap and RSS while `work` runs, sampled every `everyMs`, above what was in use before. */
export async function withPeakMemory<T>(work: () => Promise<T>, everyMs = 5): Promise<{ result: T; peakHeapMb: number; peakRssMb: number }> {
  globalThis.gc?.();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const sample = () => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  };
  const timer = setInterval(sample, everyMs);
  try {
    const result = await work();
    sample();
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    return { result, peakHeapMb: mb(peakHeap - before.heapUsed), peakRssMb: mb(peakRss - before.rss) };
  } finally {
    clearInterval(timer);
  }
}
