// Dequantization of GGML block formats, following the block layouts of llama.cpp (ggml-common.h,
// ggml-quants.c dequantize_row_*) as the GGUF spec refers to them, evaluated in the order of
// gguf-py's quants.py: every product and sum is rounded to float32 on its own, as numpy does, so the
// values equal gguf-py's `dequantize` bit for bit. The i-quants live in ggml-iquants.ts, the
// ternary / 1-bit / FP4 blocks in ggml-lowbit.ts.
import { f16BitsToNumber } from '../base/f16.ts';
import {
  iq1_m,
  iq1_s,
  iq2_s,
  iq2_xs,
  iq2_xxs,
  iq3_s,
  iq3_xxs,
  iq4_nl,
  iq4_xs,
} from './ggml-iquants.ts';
import { mxfp4, nvfp4, q1_0, tq1_0, tq2_0 } from './ggml-lowbit.ts';

/** Elements per block and bytes per block (gguf-py GGML_QUANT_SIZES; llama.cpp sizeof(block_*)). */
export const GGML_BLOCKS = {
  Q4_0: { block: 32, bytes: 18 },
  Q4_1: { block: 32, bytes: 20 },
  Q5_0: { block: 32, bytes: 22 },
  Q5_1: { block: 32, bytes: 24 },
  Q8_0: { block: 32, bytes: 34 },
  Q2_K: { block: 256, bytes: 84 },
  Q3_K: { block: 256, bytes: 110 },
  Q4_K: { block: 256, bytes: 144 },
  Q5_K: { block: 256, bytes: 176 },
  Q6_K: { block: 256, bytes: 210 },
  Q8_K: { block: 256, bytes: 292 },
  IQ2_XXS: { block: 256, bytes: 66 },
  IQ2_XS: { block: 256, bytes: 74 },
  IQ2_S: { block: 256, bytes: 82 },
  IQ3_XXS: { block: 256, bytes: 98 },
  IQ3_S: { block: 256, bytes: 110 },
  IQ1_S: { block: 256, bytes: 50 },
  IQ1_M: { block: 256, bytes: 56 },
  IQ4_NL: { block: 32, bytes: 18 },
  IQ4_XS: { block: 256, bytes: 136 },
  TQ1_0: { block: 256, bytes: 54 },
  TQ2_0: { block: 256, bytes: 66 },
  MXFP4: { block: 32, bytes: 17 },
  NVFP4: { block: 64, bytes: 36 },
  Q1_0: { block: 128, bytes: 18 },
} as const;

export type GgmlBlockType = keyof typeof GGML_BLOCKS;

/** Decodes the block at byte `o` of `b` (`v` views the same bytes) into out[y … y + block). */
export type BlockKernel = (
  b: Uint8Array,
  o: number,
  out: Float32Array,
  y: number,
  v: DataView,
) => void;

const f = Math.fround;

function q4_0(b: Uint8Array, o: number, out: Float32Array, y: number, v: DataView) {
  const d = f16BitsToNumber(v.getUint16(o, true));
  for (let j = 0; j < 16; j++) {
    const q = b[o + 2 + j]!;
    out[y + j] = f(((q & 0x0f) - 8) * d);
    out[y + j + 16] = f(((q >> 4) - 8) * d);
  }
}

function q4_1(b: Uint8Array, o: number, out: Float32Array, y: number, v: DataView) {
  const d = f16BitsToNumber(v.getUint16(o, true));
  const m = f16BitsToNumber(v.getUint16(o + 2, true));
  for (let j = 0; j < 16; j++) {
    const q = b[o + 4 + j]!;
    out[y + j] = f(f((q & 0x0f) * d) + m);
    out[y + j + 16] = f(f((q >> 4) * d) + m);
  }
}

function q5_0(b: Uint8Array, o: number, out: Float32Array, y: number, v: DataView) {
  const d = f16BitsToNumber(v.getUint16(o, true));
  const qh = v.getUint32(o + 2, true);
  for (let j = 0; j < 16; j++) {
    const q = b[o + 6 + j]!;
    const h0 = ((qh >>> j) << 4) & 0x10;
    const h1 = (qh >>> (j + 12)) & 0x10;
    out[y + j] = f((((q & 0x0f) | h0) - 16) * d);
    out[y + j + 16] = f((((q >> 4) | h1) - 16) * d);
  }
}

function q5_1(b: Uint8Array, o: number, out: Float32Array, y: number, v: DataView) {
  const d = f16BitsToNumber(v.getUint16(o, true));
  const m = f16BitsToNumber(v.getUint16(o + 2, true));
  const qh = v.getUint32(o + 4, true);
  for (let j = 0; j < 16; j++) {
    const q = b[o + 8 + j]!;
    const h0 = ((qh >>> j) << 4) & 0x10;
    const h1 = (qh >>> (j + 12)) & 0x10;
    out[y + j] = f(f(((q & 0x0f) | h0) * d) + m);
    out[y + j + 16] = f(f(((q >> 4) | h1) * d) + m);
  }
}

function q8_0(b: Uint8Array, o: number, out: Float32Array, y: number, v: DataView) {
  const d = f16BitsToNumber(v.getUint16(o, true));
  for (let j = 0; j < 32; j++) out[y + j] = f(v.getInt8(o + 2 + j) * d);
}

/** The 6-bit scale and min of sub-block j of a Q4_K/Q5_K block (get_scale_min_k4). */
function scaleMinK4(j: number, s: Uint8Array, o: number): [number, number] {
  if (j < 4) return [s[o + j]! & 63, s[o + j + 4]! & 63];
  return [
    (s[o + j + 4]! & 0x0f) | ((s[o + j - 4]! >> 6) << 4),
    (s[o + j + 4]! >> 4) | ((s[o + j]! >> 6) << 4),
  ];
}

function q4_k(b: Uint8Array, o: number, out: Float32Array, y: number, v: DataView) {
  const d = f16BitsToNumber(v.getUint16(o, true));
  const dmin = f16BitsToNumber(v.getUint16(o + 2, true));
  const scales = o + 4;
  let q = o + 16;
  let is = 0;
  for (let j = 0; j < 256; j += 64) {
    const [sc1, m1] = scaleMinK4(is, b, scales);
    const [sc2, m2] = scaleMinK4(is + 1, b, scales);
    const d1 = f(d * sc1);
    const dm1 = f(dmin * m1);
    const d2 = f(d * sc2);
    const dm2 = f(dmin * m2);
    for (let l = 0; l < 32; l++) out[y + j + l] = f(f(d1 * (b[q + l]! & 0x0f)) - dm1);
    for (let l = 0; l < 32; l++) out[y + j + 32 + l] = f(f(d2 * (b[q + l]! >> 4)) - dm2);
    q += 32;
    is += 2;
  }
}

function q6_k(b: Uint8Array, o: number, out: Float32Array, y: number, v: DataView) {
  const d = f16BitsToNumber(v.getUint16(o + 208, true));
  let ql = o;
  let qh = o + 128;
  let sc = o + 192;
  let yy = y;
  for (let n = 0; n < 256; n += 128) {
    for (let l = 0; l < 32; l++) {
      const is = l >> 4;
      const q1 = ((b[ql + l]! & 0x0f) | (((b[qh + l]! >> 0) & 3) << 4)) - 32;
      const q2 = ((b[ql + l + 32]! & 0x0f) | (((b[qh + l]! >> 2) & 3) << 4)) - 32;
      const q3 = ((b[ql + l]! >> 4) | (((b[qh + l]! >> 4) & 3) << 4)) - 32;
      const q4 = ((b[ql + l + 32]! >> 4) | (((b[qh + l]! >> 6) & 3) << 4)) - 32;
      out[yy + l] = f(f(d * v.getInt8(sc + is)) * q1);
      out[yy + l + 32] = f(f(d * v.getInt8(sc + is + 2)) * q2);
      out[yy + l + 64] = f(f(d * v.getInt8(sc + is + 4)) * q3);
      out[yy + l + 96] = f(f(d * v.getInt8(sc + is + 6)) * q4);
    }
    yy += 128;
    ql += 64;
    qh += 32;
    sc += 8;
  }
}

/** 16 scales/mins of 4 bits each, then 2-bit values in four 32-value rows per 32 bytes. */
function q2_k(b: Uint8Array, o: number, out: Float32Array, y: number, v: DataView) {
  const d = f16BitsToNumber(v.getUint16(o + 80, true));
  const dmin = f16BitsToNumber(v.getUint16(o + 82, true));
  for (let e = 0; e < 256; e += 16) {
    const sc = b[o + (e >> 4)]!;
    const dl = f(d * (sc & 0x0f));
    const ml = f(dmin * (sc >> 4));
    const qs = o + 16 + 32 * (e >> 7);
    const shift = 2 * ((e >> 5) & 3);
    for (let l = 0; l < 16; l++) {
      const q = (b[qs + (e & 31) + l]! >> shift) & 3;
      out[y + e + l] = f(f(dl * q) - ml);
    }
  }
}

/** The signed 6-bit scale k of a Q3_K block: 4 low bits in bytes 0-7, 2 high bits in bytes 8-11. */
function scaleK3(b: Uint8Array, s: number, k: number): number {
  const low = (b[s + (k & 7)]! >> (4 * (k >> 3))) & 0x0f;
  const high = (b[s + 8 + (k & 3)]! >> (2 * (k >> 2))) & 3;
  return (low | (high << 4)) - 32;
}

/** 3-bit values: a high-bit mask (clear bit: subtract 4), 2-bit rows as in Q2_K, 16 6-bit scales. */
function q3_k(b: Uint8Array, o: number, out: Float32Array, y: number, v: DataView) {
  const d = f16BitsToNumber(v.getUint16(o + 108, true));
  const hmask = o;
  for (let e = 0; e < 256; e += 16) {
    const dl = f(d * scaleK3(b, o + 96, e >> 4));
    const qs = o + 32 + 32 * (e >> 7);
    const shift = 2 * ((e >> 5) & 3);
    const hbit = e >> 5;
    for (let l = 0; l < 16; l++) {
      const j = (e & 31) + l;
      const low = (b[qs + j]! >> shift) & 3;
      const q = (b[hmask + j]! >> hbit) & 1 ? low : low - 4;
      out[y + e + l] = f(dl * q);
    }
  }
}

/** Q4_K's scales and nibbles, plus a fifth bit per value from 32 bytes of high bits. */
function q5_k(b: Uint8Array, o: number, out: Float32Array, y: number, v: DataView) {
  const d = f16BitsToNumber(v.getUint16(o, true));
  const dmin = f16BitsToNumber(v.getUint16(o + 2, true));
  const scales = o + 4;
  const qh = o + 16;
  const qs = o + 48;
  for (let sb = 0; sb < 8; sb++) {
    const [sc, m] = scaleMinK4(sb, b, scales);
    const dl = f(d * sc);
    const ml = f(dmin * m);
    const nib = 4 * (sb & 1);
    for (let j = 0; j < 32; j++) {
      const q = ((b[qs + 32 * (sb >> 1) + j]! >> nib) & 0x0f) | (((b[qh + j]! >> sb) & 1) << 4);
      out[y + 32 * sb + j] = f(f(dl * q) - ml);
    }
  }
}

/** A float32 scale and 256 int8 values (the 16 int16 block sums after them are for dot products). */
function q8_k(b: Uint8Array, o: number, out: Float32Array, y: number, v: DataView) {
  const d = v.getFloat32(o, true);
  for (let j = 0; j < 256; j++) out[y + j] = f(d * v.getInt8(o + 4 + j));
}

const KERNELS: Record<GgmlBlockType, BlockKernel> = {
  Q4_0: q4_0,
  Q4_1: q4_1,
  Q5_0: q5_0,
  Q5_1: q5_1,
  Q8_0: q8_0,
  Q2_K: q2_k,
  Q3_K: q3_k,
  Q4_K: q4_k,
  Q5_K: q5_k,
  Q6_K: q6_k,
  Q8_K: q8_k,
  IQ2_XXS: iq2_xxs,
  IQ2_XS: iq2_xs,
  IQ2_S: iq2_s,
  IQ3_XXS: iq3_xxs,
  IQ3_S: iq3_s,
  IQ1_S: iq1_s,
  IQ1_M: iq1_m,
  IQ4_NL: iq4_nl,
  IQ4_XS: iq4_xs,
  TQ1_0: tq1_0,
  TQ2_0: tq2_0,
  MXFP4: mxfp4,
  NVFP4: nvfp4,
  Q1_0: q1_0,
};

/** Dequantizes `count` elements (whole blocks) of a GGML block type to float32. */
export function dequantizeGgml(
  bytes: Uint8Array,
  type: GgmlBlockType,
  count: number,
): Float32Array {
  const { block, bytes: size } = GGML_BLOCKS[type];
  const out = new Float32Array(count);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const k = KERNELS[type];
  for (let i = 0, o = 0; i < count; i += block, o += size) k(bytes, o, out, i, v);
  return out;
}
