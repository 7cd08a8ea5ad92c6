// Number formatting for tables and charts.

// One formatter for every count: toLocaleString builds a new one on each call, which adds up to
// milliseconds over a table of a few hundred tensors.
const COUNT = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return COUNT.format(n);
}

const SHORT_COUNT = new Intl.NumberFormat('en-US', {
  notation: 'compact',
  maximumSignificantDigits: 3,
});

/** A count for an axis tick: 950, 50K, 1.2M. */
export function formatCountShort(n: number): string {
  return SHORT_COUNT.format(n);
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** Six significant digits; enough to compare with a reference at 1e-5. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e6 ? String(Number(v.toPrecision(6))) : v.toExponential(5);
}

/**
 * A statistic with its reason: "undefined (all values are NaN)" where the number is undefined, the
 * number with the reason beside it where it needs one ("0 (every value quantized to zero …)"), the
 * number alone otherwise. The CLI's twin is sigWhy (cli/numbers.ts).
 */
export function formatWhy(
  v: number,
  why: string | null,
  format: (v: number) => string = formatValue,
): string {
  if (why === null) return Number.isNaN(v) ? 'undefined' : format(v);
  return Number.isNaN(v) ? `undefined (${why})` : `${format(v)} (${why})`;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Three significant digits, for axis ticks. */
export function formatTick(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatValue(v);
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

/** A fraction as a percentage with two decimals; a dash where there is none. */
export function formatPercent(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(2)}%`;
}

/** A duration in µs, ms or s, three significant digits. */
export function formatSeconds(s: number): string {
  if (s < 1e-3) return `${(s * 1e6).toPrecision(3)} µs`;
  if (s < 1) return `${(s * 1e3).toPrecision(3)} ms`;
  return `${s.toPrecision(3)} s`;
}
