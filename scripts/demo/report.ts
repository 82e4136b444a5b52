// How the demo talks: numbered steps, indented notes, and plain-text tables a terminal shows well.

let stepNumber = 0;
const startedAt = Date.now();

/** Seconds since the demo started, e.g. "12.3 s". */
export function elapsed() {
  return `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
}

export function step(text: string) {
  stepNumber += 1;
  console.log(`\n${String(stepNumber).padStart(2)}. ${text}   [${elapsed()}]`);
}

export function say(text: string) {
  console.log(`    ${text}`);
}

export function heading(text: string) {
  console.log(`\n${text}\n${'─'.repeat(text.length)}`);
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(header: string[], rows: (string | number)[][]) {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (r: string[]) => `  ${r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()}`;
  console.log(line(header));
  console.log(`  ${widths.map((w) => '─'.repeat(w)).join('  ')}`);
  for (const r of cells.slice(1)) console.log(line(r));
}

export function money(amountMinor: number, currency: string) {
  return `${currency.toUpperCase()} ${(amountMinor / 100).toFixed(2)}`;
}
