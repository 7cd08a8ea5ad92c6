// Dequantization of ggml's i-quants (IQ1_S … IQ4_XS): llama.cpp's block layouts (ggml-common.h,
// dequantize_row_iq*), evaluated in gguf-py's order (quants.py): every product is rounded to float32
// on its own, as numpy does, so the values equal gguf-py's bit for bit. The codebooks come from
// gguf-py through the generated ggml-grids.ts.
import { f16BitsToNumber } from '../base/f16.ts';
import {
  IQ1S_GRID,
  IQ2S_GRID,
  IQ2XS_GRID,
  IQ2XXS_GRID,
  IQ3S_GRID,
  IQ3XXS_GRID,
  KSIGNS_IQ2XS,
  KVALUES_IQ4NL,
} from './ggml-grids.ts';
import type { BlockKernel } from './ggml-quants.ts';

const f = Math.fround;
/** IQ1_S / IQ1_M: the grid's -1, 0, 1 are shifted by ±1/8 (IQ1S_DELTA). */
const IQ1_DELTA = 0.125;

/** Writes 8 values db·grid[row]·(±1), the sign of value j from bit j of `signs`. */
function put8(
  out: Float32Array,
  y: number,
  db: number,
  grid: Int8Array,
  row: number,
  signs: number,
) {
  const g = row * 8;
  for (let j = 0; j < 8; j++) {
    const v = f(db * grid[g + j]!);
    out[y + j] = signs & (1 << j) ? -v : v;
  }
}

/** 256 values: 8 groups of 32, each two u32 words (4 grid bytes; 4×7 sign bits and a 4-bit scale). */
export const iq2_xxs: BlockKernel = (b, o, out, y, v) => {
  const d = f16BitsToNumber(v.getUint16(o, true));
  for (let ib = 0; ib < 8; ib++) {
    const q = o + 2 + 8 * ib;
    const aux1 = v.getUint32(q + 4, true);
    const db = f(f(d * (0.5 + (aux1 >>> 28))) * 0.25);
    for (let l = 0; l < 4; l++) {
      const signs = KSIGNS_IQ2XS[(aux1 >>> (7 * l)) & 127]!;
      put8(out, y + 32 * ib + 8 * l, db, IQ2XXS_GRID, b[q + l]!, signs);
    }
  }
};

/** 256 values: 32 u16 codes (9-bit grid row, 7-bit sign index), then 16 4-bit scales. */
export const iq2_xs: BlockKernel = (b, o, out, y, v) => {
  const d = f16BitsToNumber(v.getUint16(o, true));
  for (let k = 0; k < 32; k++) {
    const code = v.getUint16(o + 2 + 2 * k, true);
    const s = (b[o + 66 + (k >> 2)]! >> (4 * ((k >> 1) & 1))) & 0x0f;
    const db = f(f(d * (0.5 + s)) * 0.25);
    put8(out, y + 8 * k, db, IQ2XS_GRID, code & 511, KSIGNS_IQ2XS[code >> 9]!);
  }
};

/** 256 values: 32 low code bytes, 32 sign bytes, 8 bytes of 2-bit code highs, 16 4-bit scales. */
export const iq2_s: BlockKernel = (b, o, out, y, v) => {
  const d = f16BitsToNumber(v.getUint16(o, true));
  const qs = o + 2;
  const signs = o + 34;
  const qh = o + 66;
  const scales = o + 74;
  for (let k = 0; k < 32; k++) {
    const row = b[qs + k]! | (((b[qh + (k >> 2)]! >> (2 * (k & 3))) & 3) << 8);
    const s = (b[scales + (k >> 2)]! >> (4 * ((k >> 1) & 1))) & 0x0f;
    const db = f(f(d * (0.5 + s)) * 0.25);
    put8(out, y + 8 * k, db, IQ2S_GRID, row, b[signs + k]!);
  }
};

/** 256 values: 64 grid bytes (4 values each), then per group of 32 a u32 of 4×7 sign bits and scale. */
export const iq3_xxs: BlockKernel = (b, o, out, y, v) => {
  const d = f16BitsToNumber(v.getUint16(o, true));
  const qs = o + 2;
  for (let ib = 0; ib < 8; ib++) {
    const aux = v.getUint32(o + 66 + 4 * ib, true);
    const db = f(f(d * (0.5 + (aux >>> 28))) * 0.5);
    for (let l = 0; l < 4; l++) {
      const signs = KSIGNS_IQ2XS[(aux >>> (7 * l)) & 127]!;
      const yy = y + 32 * ib + 8 * l;
      for (let h = 0; h < 2; h++) {
        const g = b[qs + 8 * ib + 2 * l + h]! * 4;
        for (let j = 0; j < 4; j++) {
          const x = f(db * IQ3XXS_GRID[g + j]!);
          out[yy + 4 * h + j] = signs & (1 << (4 * h + j)) ? -x : x;
        }
      }
    }
  }
};

/** 256 values: 64 low code bytes, 8 bytes of code high bits, 32 sign bytes, 8 4-bit scales. */
export const iq3_s: BlockKernel = (b, o, out, y, v) => {
  const d = f16BitsToNumber(v.getUint16(o, true));
  const qs = o + 2;
  const qh = o + 66;
  const signs = o + 74;
  const scales = o + 106;
  for (let k = 0; k < 64; k++) {
    const s = (b[scales + (k >> 4)]! >> (4 * ((k >> 3) & 1))) & 0x0f;
    const db = f(d * (1 + 2 * s));
    const g = (b[qs + k]! | (((b[qh + (k >> 3)]! >> (k & 7)) & 1) << 8)) * 4;
    const sign = b[signs + (k >> 1)]! >> (4 * (k & 1));
    for (let j = 0; j < 4; j++) {
      const x = f(db * IQ3S_GRID[g + j]!);
      out[y + 4 * k + j] = sign & (1 << j) ? -x : x;
    }
  }
};

/** Writes 8 values dl·(grid[row] + delta), IQ1_S / IQ1_M's shifted ternary grid. */
function put8Shifted(out: Float32Array, y: number, dl: number, row: number, delta: number) {
  const g = row * 8;
  for (let j = 0; j < 8; j++) out[y + j] = f(dl * (IQ1S_GRID[g + j]! + delta));
}

/** 256 values: 32 low code bytes, then per group of 32 a u16 (4×3 code highs, 3-bit scale, sign). */
export const iq1_s: BlockKernel = (b, o, out, y, v) => {
  const d = f16BitsToNumber(v.getUint16(o, true));
  for (let ib = 0; ib < 8; ib++) {
    const qh = v.getUint16(o + 34 + 2 * ib, true);
    const dl = f(d * (2 * ((qh >> 12) & 7) + 1));
    const delta = qh & 0x8000 ? -IQ1_DELTA : IQ1_DELTA;
    for (let l = 0; l < 4; l++) {
      const row = b[o + 2 + 4 * ib + l]! | (((qh >> (3 * l)) & 7) << 8);
      put8Shifted(out, y + 32 * ib + 8 * l, dl, row, delta);
    }
  }
};

/**
 * 256 values: 32 low code bytes, 16 bytes of (3-bit code high, shift sign) nibbles, and 4 u16 of
 * 3-bit scales whose top nibbles together hold the block's float16 scale.
 */
export const iq1_m: BlockKernel = (b, o, out, y, v) => {
  const sc = o + 48;
  const s0 = v.getUint16(sc, true);
  const s1 = v.getUint16(sc + 2, true);
  const s2 = v.getUint16(sc + 4, true);
  const s3 = v.getUint16(sc + 6, true);
  const d = f16BitsToNumber(
    (s0 >> 12) | ((s1 >> 8) & 0x00f0) | ((s2 >> 4) & 0x0f00) | (s3 & 0xf000),
  );
  for (let k = 0; k < 32; k++) {
    const half = k >> 1; // one 3-bit scale per 16 values
    const word = half < 4 ? s0 : half < 8 ? s1 : half < 12 ? s2 : s3;
    const s = (word >> (3 * (half & 3))) & 7;
    const dl = f(d * (2 * s + 1));
    const nib = (b[o + 32 + (k >> 1)]! >> (4 * (k & 1))) & 0x0f;
    const row = b[o + k]! | ((nib & 7) << 8);
    put8Shifted(out, y + 8 * k, dl, row, nib & 8 ? -IQ1_DELTA : IQ1_DELTA);
  }
};

/** 32 values: float16 scale, then low nibbles (values 0-15) and high nibbles (16-31) of 16 bytes. */
export const iq4_nl: BlockKernel = (b, o, out, y, v) => {
  const d = f16BitsToNumber(v.getUint16(o, true));
  for (let j = 0; j < 16; j++) {
    const q = b[o + 2 + j]!;
    out[y + j] = f(d * KVALUES_IQ4NL[q & 0x0f]!);
    out[y + j + 16] = f(d * KVALUES_IQ4NL[q >> 4]!);
  }
};

/** 256 values: float16 scale, 6-bit signed scales per 32 (high 2 bits in a u16, low 4 in nibbles). */
export const iq4_xs: BlockKernel = (b, o, out, y, v) => {
  const d = f16BitsToNumber(v.getUint16(o, true));
  const high = v.getUint16(o + 2, true);
  for (let ib = 0; ib < 8; ib++) {
    const low = (b[o + 4 + (ib >> 1)]! >> (4 * (ib & 1))) & 0x0f;
    const dl = f(d * ((low | (((high >> (2 * ib)) & 3) << 4)) - 32));
    const qs = o + 8 + 16 * ib;
    const yy = y + 32 * ib;
    for (let j = 0; j < 16; j++) {
      const q = b[qs + j]!;
      out[yy + j] = f(dl * KVALUES_IQ4NL[q & 0x0f]!);
      out[yy + j + 16] = f(dl * KVALUES_IQ4NL[q >> 4]!);
    }
  }
};
