/**
 * Throughput measurement shared by the benchmarks: calls `fn` in growing batches until a
 * batch takes long enough to time precisely, then runs batches for `seconds` split into
 * SLICES equal slices and reports the best slice's operations per second. On a machine other
 * work shares (CI, two cores) the best slice is the stable figure; the mean is not.
 * BENCH_SECONDS sets the time per measurement (default 0.5 s).
 */
export const DEFAULT_SECONDS = Number(process.env['BENCH_SECONDS'] ?? '0.5');
export const SLICES = 5;

export function opsPerSecond(fn: () => unknown, seconds = DEFAULT_SECONDS): number {
  const now = () => Number(process.hrtime.bigint()) / 1e9;
  let batch = 1;
  // Warm up and calibrate: a batch of at least ~20 ms.
  for (;;) {
    const start = now();
    for (let i = 0; i < batch; i++) fn();
    const elapsed = now() - start;
    if (elapsed >= 0.02 || batch >= 1 << 24) break;
    batch *= elapsed < 0.002 ? 8 : 2;
  }
  let best = 0;
  for (let slice = 0; slice < SLICES; slice++) {
    let ops = 0;
    const start = now();
    let elapsed = 0;
    do {
      for (let i = 0; i < batch; i++) fn();
      ops += batch;
      elapsed = now() - start;
    } while (elapsed < seconds / SLICES);
    best = Math.max(best, ops / elapsed);
  }
  return best;
}

/** Formats a rate with a k/M suffix. */
export function formatRate(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)} k`;
  if (value >= 100) return value.toFixed(0);
  return value.toFixed(1);
}

export function formatRatio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || b === 0) return '—';
  return `${(a / b).toFixed(2)}×`;
}

/** Prints rows as a Markdown table with right-aligned numeric columns. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i < 2 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}
