// Numbers in the CLI's text output: five significant digits, an exponent for the tiny and the huge,
// and undefined statistics in words. The twin of the tab's formatWhy (ui/common/format.ts); JSON
// output keeps full precision and writes an undefined value as null with its reason beside it.

/** Five significant digits (plain between 1e-4 and 1e6, an exponent outside), `inf` for ±∞. */
export function sig(v: number): string {
  if (Number.isNaN(v)) return 'undefined';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e6) return String(Number(v.toPrecision(5)));
  // toExponential(4) writes 1.2340e-7: drop the trailing zeros of the mantissa.
  return v.toExponential(4).replace(/\.?0+e/, 'e');
}

/**
 * A statistic with its reason: the reason where the value is undefined ("undefined (all values
 * are NaN)"), the value with the reason beside it where it needs one, the value alone otherwise.
 */
export function sigWhy(v: number | null, why: string | null | undefined): string {
  const undef = v === null || Number.isNaN(v);
  if (!why) return undef ? 'undefined' : sig(v);
  return undef ? `undefined (${why})` : `${sig(v)} (${why})`;
}

/** JSON has no NaN or ±Infinity: such values become null (a `why` key beside says which). */
export const jsonNumber = (v: number): number | null => (Number.isFinite(v) ? v : null);
