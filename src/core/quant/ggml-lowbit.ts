// Dequantization of ggml's ternary, 1-bit and FP4 blocks (TQ1_0, TQ2_0, Q1_0, MXFP4, NVFP4):
// llama.cpp's block layouts (ggml-common.h), evaluated as gguf-py's quants.py does (one float32
// rounding per product), so the values equal gguf-py's bit for bit.
import { f16BitsToNumber } from '../base/f16.ts';
import { KVALUES_MXFP4 } from './ggml-grids.ts';
import type { BlockKernel } from './ggml-quants.ts';

const f = Math.fround;

/** The ternary digit (0, 1, 2) that multiplying by 3^k moved to the top of a base-243 byte. */
function trit(q: number, pow3: number): number {
  return ((((q * pow3) & 0xff) * 3) >> 8) - 1;
}

const POW3 = [1, 3, 9, 27, 81];

/**
 * 256 values, five trits per byte (as a fixed-point fraction of 243): 32 bytes hold values 0-159,
 * 16 bytes 160-239 and 4 bytes four trits each for 240-255; a float16 scale ends the block.
 */
export const tq1_0: BlockKernel = (b, o, out, y, v) => {
  const d = f16BitsToNumber(v.getUint16(o + 52, true));
  for (let m = 0; m < 5; m++) {
    for (let j = 0; j < 32; j++) out[y + 32 * m + j] = f(d * trit(b[o + j]!, POW3[m]!));
    for (let j = 0; j < 16; j++) out[y + 160 + 16 * m + j] = f(d * trit(b[o + 32 + j]!, POW3[m]!));
  }
  for (let m = 0; m < 4; m++) {
    for (let j = 0; j < 4; j++) out[y + 240 + 4 * m + j] = f(d * trit(b[o + 48 + j]!, POW3[m]!));
  }
};

/** 256 values, 2 bits each (value - 1), four 32-value rows per 32 bytes; a float16 scale at the end. */
export const tq2_0: BlockKernel = (b, o, out, y, v) => {
  const d = f16BitsToNumber(v.getUint16(o + 64, true));
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 32; j++) {
        const q = ((b[o + 32 * c + j]! >> (2 * i)) & 3) - 1;
        out[y + 128 * c + 32 * i + j] = f(d * q);
      }
    }
  }
};

/** 128 values: a float16 scale and one bit per value, least significant first (1 → +d, 0 → -d). */
export const q1_0: BlockKernel = (b, o, out, y, v) => {
  const d = f16BitsToNumber(v.getUint16(o, true));
  for (let j = 0; j < 128; j++) out[y + j] = (b[o + 2 + (j >> 3)]! >> (j & 7)) & 1 ? d : -d;
};

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Half of an E8M0 power of two, as float32 bits (ggml_e8m0_to_fp32_half): 2^(e - 128). */
function e8m0Half(e: number): number {
  u32[0] = e < 2 ? 0x00200000 << e : (e - 1) << 23;
  return f32[0]!;
}

/** 32 FP4 E2M1 values sharing an E8M0 exponent byte: low nibbles are values 0-15, high 16-31. */
export const mxfp4: BlockKernel = (b, o, out, y) => {
  const d = e8m0Half(b[o]!);
  for (let j = 0; j < 16; j++) {
    const q = b[o + 1 + j]!;
    out[y + j] = f(d * KVALUES_MXFP4[q & 0x0f]!);
    out[y + j + 16] = f(d * KVALUES_MXFP4[q >> 4]!);
  }
};

/**
 * Half of an unsigned E4M3 scale (bias 7, no sign: the top bit is ignored), as gguf-py's
 * NVFP4.ue4m3_to_fp32 decodes it; 0x7F, E4M3's NaN, reads as zero.
 */
function ue4m3Half(x: number): number {
  if (x === 0 || x === 0x7f) return 0;
  const exp = (x >> 3) & 0x0f;
  const man = x & 7;
  return (exp === 0 ? man * 2 ** -9 : (1 + man / 8) * 2 ** (exp - 7)) * 0.5;
}

/**
 * 64 values in four groups of 16: four UE4M3 scale bytes, then 8 bytes per group whose low nibbles
 * are the group's values 0-7 and high nibbles 8-15 (FP4 E2M1).
 */
export const nvfp4: BlockKernel = (b, o, out, y) => {
  for (let s = 0; s < 4; s++) {
    const d = ue4m3Half(b[o + s]!);
    const qs = o + 4 + 8 * s;
    const yy = y + 16 * s;
    for (let j = 0; j < 8; j++) {
      const q = b[qs + j]!;
      out[yy + j] = f(d * KVALUES_MXFP4[q & 0x0f]!);
      out[yy + j + 8] = f(d * KVALUES_MXFP4[q >> 4]!);
    }
  }
};
