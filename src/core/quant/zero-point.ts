// The worked example of symmetric int8 and its unsigned twin: the scale maps the largest magnitude to
// the end of the int8 range on its side (−128 for a negative value, 127 for a positive one; the side
// that needs the larger scale sets it), zero maps
// to zero, and adding 128 moves every code to uint8 with zero point 128. Arithmetic as ONNX
// QuantizeLinear: q = saturate(round_half_even(float32(x / scale))).
import { roundHalfEven } from './intquant.ts';

interface WorkedCell {
  x: number;
  /** x / scale in float32, before rounding. */
  scaled: number;
  int8: number;
  uint8: number;
  dequantized: number;
  error: number;
}

interface WorkedExample {
  scale: number;
  /** The value that sets the scale. */
  extreme: number;
  zeroPoint: 128;
  cells: WorkedCell[][];
}

/** Parses rows of numbers separated by commas or spaces, one row a line. */
export function parseMatrix(text: string): number[][] | string {
  const rows = text
    .split(/\n|;/)
    .map((r) => r.trim())
    .filter((r) => r.length > 0)
    .map((r) => r.split(/[\s,]+/).filter((t) => t.length > 0));
  if (rows.length === 0) return 'enter at least one number';
  if (rows.length > 16 || rows.some((r) => r.length > 16)) return 'at most 16 rows of 16 numbers';
  const out: number[][] = [];
  for (const r of rows) {
    const nums = r.map(Number);
    const bad = r.find(
      (t, i) => !Number.isFinite(nums[i]!) || !/^[-+]?[\d.]+(e[-+]?\d+)?$/i.test(t),
    );
    if (bad !== undefined) return `'${bad}' is not a finite number`;
    out.push(nums);
  }
  return out;
}

export function workedExample(m: readonly (readonly number[])[]): WorkedExample {
  // Each side maps its largest magnitude to its end of the int8 range (−128 or 127); the scale is
  // the larger of the two, so that neither side saturates.
  let maxPos = 0;
  let minNeg = 0;
  for (const r of m)
    for (const v of r) {
      if (v > maxPos) maxPos = v;
      if (v < minNeg) minNeg = v;
    }
  const f = Math.fround;
  const neg = -minNeg / 128;
  const pos = maxPos / 127;
  const extreme = neg >= pos ? minNeg : maxPos;
  const raw = Math.max(neg, pos);
  const scale = raw > 0 ? f(raw) : 1;
  const cells = m.map((r) =>
    r.map((x) => {
      const scaled = f(f(x) / scale);
      const int8 = Math.max(-128, Math.min(127, roundHalfEven(scaled)));
      const dequantized = f(int8 * scale);
      return { x, scaled, int8, uint8: int8 + 128, dequantized, error: f(x) - dequantized };
    }),
  );
  return { scale, extreme, zeroPoint: 128, cells };
}
