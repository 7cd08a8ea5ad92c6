// Dequantization of GGML block formats, following the block layouts of llama.cpp (ggml-quants.c,
// dequantize_row_*) as the GGUF spec refers to them. Every block starts or ends with float16 scales;
// values are float32(d · q) or float32(d · q + m), computed in float32 as llama.cpp does.
import { f16BitsToNumber } from '../base/f16.ts';

export const GGML_BLOCKS = {
  Q4_0: { block: 32, bytes: 18 },
  Q4_1: { block: 32, bytes: 20 },
  Q5_0: { block: 32, bytes: 22 },
  Q5_1: { block: 32, bytes: 24 },
  Q8_0: { block: 32, bytes: 34 },
  Q4_K: { block: 256, bytes: 144 },
  Q6_K: { block: 256, bytes: 210 },
} as const;

export type GgmlBlockType = keyof typeof GGML_BLOCKS;

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

const KERNELS = {
  Q4_0: q4_0,
  Q4_1: q4_1,
  Q5_0: q5_0,
  Q5_1: q5_1,
  Q8_0: q8_0,
  Q4_K: q4_k,
  Q6_K: q6_k,
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
