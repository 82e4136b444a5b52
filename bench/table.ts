// The one table every scenario reports into: each figure beside its lower bound, so a reader sees
// at once how far Tandem is from what the platform allows.
export interface BenchRow {
  scenario: string;
  /** What was measured, in a merchant's or an operator's words. */
  metric: string;
  value: number | null;
  /** The best any implementation could do under the same platform limits (null: none stated). */
  bound: number | null;
  unit: string;
  note?: string;
}

export function formatNumber(value: number | null, unit: string): string {
  if (value === null) return '—';
  if (unit === 'ms' && value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  const digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`.trim();
}

function ratio(row: BenchRow): string {
  if (row.value === null || row.bound === null || row.bound === 0) return '';
  return `${(row.value / row.bound).toFixed(2)}×`;
}

/** A plain-text table (also valid Markdown), columns padded to their widest cell. */
export function renderTable(rows: BenchRow[]): string {
  const header = ['scenario', 'metric', 'measured', 'lower bound', 'ratio', 'note'];
  const cells = rows.map((r) => [r.scenario, r.metric, formatNumber(r.value, r.unit), r.bound === null ? '—' : formatNumber(r.bound, r.unit), ratio(r), r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
