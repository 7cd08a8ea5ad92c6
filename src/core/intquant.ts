// Linear integer quantization of a tensor per channel, with ONNX QuantizeLinear semantics:
// q = saturate(round_half_even(float32(x / scale)) + zero_point), x̂ = float32((q − zero_point) · scale).
// Symmetric: signed codes in the restricted range [−qmax, qmax], scale = absmax / qmax, zero point 0.
// Asymmetric: unsigned codes in [0, 2^bits − 1] over a range widened to include 0 (as ONNX
// DynamicQuantizeLinear), zero point = saturate(round_half_even(−min / scale)).
// A channel of zeros gets scale 1, so that dividing by it is defined and every code is 0.

export interface IntScheme {
  bits: 4 | 8;
  symmetric: boolean;
  /** Channel axis; the channel is the slice at each index along it. */
  axis: number;
  /** Caps every channel's range at ±clip (values beyond it are clipped); absent: no cap. */
  clip?: number;
}

export interface IntQuantized {
  /** One code per element, unpacked. */
  codes: Int32Array;
  scales: Float32Array;
  zeroPoints: Int32Array;
  qmin: number;
  qmax: number;
}

const f = Math.fround;

export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function codeRange(s: Pick<IntScheme, 'bits' | 'symmetric'>): [number, number] {
  const half = 2 ** (s.bits - 1);
  return s.symmetric ? [-(half - 1), half - 1] : [0, 2 * half - 1];
}

/** Channel index of every flat element for `shape` and `axis`, as (outer, channels, inner) strides. */
function channelLayout(shape: readonly number[], axis: number) {
  if (shape.length === 0) return { outer: 1, channels: 1, inner: 1 };
  if (axis < 0 || axis >= shape.length)
    throw new RangeError(`axis ${axis} is outside a rank-${shape.length} shape`);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { outer, channels: shape[axis]!, inner };
}

export function quantizeInt(x: Float32Array, shape: readonly number[], s: IntScheme): IntQuantized {
  const { outer, channels, inner } = channelLayout(shape, s.axis);
  const [qmin, qmax] = codeRange(s);
  const lo = new Float64Array(channels).fill(0);
  const hi = new Float64Array(channels).fill(0);
  for (let o = 0; o < outer; o++)
    for (let c = 0; c < channels; c++)
      for (let i = 0, p = (o * channels + c) * inner; i < inner; i++, p++) {
        const v = x[p]!;
        if (!Number.isFinite(v)) continue;
        if (v < lo[c]!) lo[c] = v;
        if (v > hi[c]!) hi[c] = v;
      }
  if (s.clip !== undefined) {
    for (let c = 0; c < channels; c++) {
      lo[c] = Math.max(lo[c]!, -s.clip);
      hi[c] = Math.min(hi[c]!, s.clip);
    }
  }
  const scales = new Float32Array(channels);
  const zeroPoints = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    const span = s.symmetric ? Math.max(-lo[c]!, hi[c]!) / qmax : (hi[c]! - lo[c]!) / (qmax - qmin);
    scales[c] = span > 0 && Number.isFinite(span) ? f(span) : 1;
    zeroPoints[c] = s.symmetric
      ? 0
      : clamp(roundHalfEven(qmin - f(lo[c]! / scales[c]!)), qmin, qmax);
  }
  const codes = new Int32Array(x.length);
  for (let o = 0; o < outer; o++)
    for (let c = 0; c < channels; c++) {
      const sc = scales[c]!;
      const zp = zeroPoints[c]!;
      for (let i = 0, p = (o * channels + c) * inner; i < inner; i++, p++) {
        const v = x[p]!;
        // NaN has no code; it becomes the zero point (value 0). ±Inf saturate.
        codes[p] = Number.isNaN(v) ? zp : clamp(roundHalfEven(f(v / sc)) + zp, qmin, qmax);
      }
    }
  return { codes, scales, zeroPoints, qmin, qmax };
}

export function dequantizeInt(
  codes: ArrayLike<number>,
  scales: ArrayLike<number>,
  zeroPoints: ArrayLike<number> | null,
  shape: readonly number[],
  axis: number,
): Float32Array {
  const { outer, channels, inner } = channelLayout(shape, axis);
  const out = new Float32Array(codes.length);
  for (let o = 0; o < outer; o++)
    for (let c = 0; c < channels; c++) {
      const sc = scales[c]!;
      const zp = zeroPoints ? zeroPoints[c]! : 0;
      for (let i = 0, p = (o * channels + c) * inner; i < inner; i++, p++)
        out[p] = f((codes[p]! - zp) * sc);
    }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Packs 4-bit codes two per byte, the first element in the low nibble (ONNX int4/uint4 layout). */
export function packInt4(codes: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(codes.length / 2));
  for (let i = 0; i < codes.length; i++) out[i >> 1]! |= (codes[i]! & 0x0f) << ((i & 1) * 4);
  return out;
}

export function unpackInt4(bytes: Uint8Array, count: number, signed: boolean): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const n = (bytes[i >> 1]! >> ((i & 1) * 4)) & 0x0f;
    out[i] = signed && n >= 8 ? n - 16 : n;
  }
  return out;
}

/** The representable range [lo, hi] of each channel: float32((q − zp) · scale) at qmin and qmax. */
export function channelRanges(q: IntQuantized): Array<[number, number]> {
  return Array.from(q.scales, (sc, c) => [
    Math.fround((q.qmin - q.zeroPoints[c]!) * sc),
    Math.fround((q.qmax - q.zeroPoints[c]!) * sc),
  ]);
}

/** The channel of each flat element (for per-element lookups of per-channel values). */
export function channelOf(shape: readonly number[], axis: number): (i: number) => number {
  const { channels, inner } = channelLayout(shape, axis);
  return (i) => Math.floor(i / inner) % channels;
}

/** The p-quantile (0 < p ≤ 1) of |x| over finite values: a clipping threshold. */
export function absQuantile(x: ArrayLike<number>, p: number): number {
  // float32 magnitudes, sorted numerically: 4 bytes per element.
  let n = 0;
  const sorted = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) sorted[n++] = Math.abs(x[i]!);
  if (n === 0) return 0;
  const a = sorted.subarray(0, n).sort();
  return a[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
}
