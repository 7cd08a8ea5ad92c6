// Bit-exact decoding of the small float formats: IEEE binary16, bfloat16 and OCP FP8.

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE 754 binary16 bits → number (exact). */
export function f16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** bfloat16 bits → number (exact: bf16 is the top half of a float32). */
export function bf16BitsToNumber(h: number): number {
  u32Scratch[0] = (h & 0xffff) << 16;
  return f32Scratch[0]!;
}

/** OCP FP8 E4M3FN (no infinities, S.1111.111 is NaN, bias 7) → number. */
export function e4m3BitsToNumber(b: number): number {
  const sign = b & 0x80 ? -1 : 1;
  const exp = (b >> 3) & 0xf;
  const frac = b & 0x7;
  if (exp === 0xf && frac === 0x7) return NaN;
  if (exp === 0) return sign * frac * 2 ** -9;
  return sign * (1 + frac / 8) * 2 ** (exp - 7);
}

/** OCP FP8 E5M2 (IEEE-like, bias 15) → number. */
export function e5m2BitsToNumber(b: number): number {
  return f16BitsToNumber((b & 0xff) << 8);
}

/** number → IEEE binary16 bits, rounding to nearest even (as numpy's astype(float16) and ggml). */
export function numberToF16Bits(value: number): number {
  const x = Math.fround(value);
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  if (a >= 65520) return sign | 0x7c00; // rounds past the largest half (65504)
  if (a < 2 ** -24 * 0.5) return sign; // below half the smallest subnormal
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--; // guard log2 rounding
  if (e < -14) {
    // Subnormal: units of 2^-24, round half to even.
    return sign | roundHalfEven(a / 2 ** -24);
  }
  let m = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | m;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
