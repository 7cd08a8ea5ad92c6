// Quantization to GGML blocks as llama.cpp's reference quantizers (quantize_row_q8_0_ref,
// quantize_row_q4_0_ref) and gguf-py's numpy ports compute them: float32 arithmetic, the block scale
// stored as float16, and GGML's rounding (half away from zero; Q4_0 truncates x·id + 8.5).
import { numberToF16Bits } from '../base/f16.ts';

const f = Math.fround;
/** C roundf: half away from zero. */
const roundf = (v: number) => Math.sign(v) * Math.floor(Math.abs(v) + 0.5);

function q8_0(x: Float32Array, i: number, out: DataView, o: number) {
  let amax = 0;
  for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[i + j]!));
  const d = f(amax / 127);
  const id = d ? f(1 / d) : 0;
  out.setUint16(o, numberToF16Bits(d), true);
  for (let j = 0; j < 32; j++) out.setInt8(o + 2 + j, roundf(f(x[i + j]! * id)));
}

function q4_0(x: Float32Array, i: number, out: DataView, o: number) {
  let amax = 0;
  let max = 0;
  for (let j = 0; j < 32; j++) {
    const v = x[i + j]!;
    if (Math.abs(v) > amax) {
      amax = Math.abs(v);
      max = v;
    }
  }
  const d = f(max / -8);
  const id = d ? f(1 / d) : 0;
  out.setUint16(o, numberToF16Bits(d), true);
  for (let j = 0; j < 16; j++) {
    const a = Math.min(15, Math.trunc(f(f(x[i + j]! * id) + 8.5)));
    const b = Math.min(15, Math.trunc(f(f(x[i + 16 + j]! * id) + 8.5)));
    out.setUint8(o + 2 + j, a | (b << 4));
  }
}

const QUANTIZERS = { Q8_0: { k: q8_0, bytes: 34 }, Q4_0: { k: q4_0, bytes: 18 } } as const;
type GgmlWritable = keyof typeof QUANTIZERS;

/** Quantizes whole blocks of 32 values. */
export function quantizeGgml(x: Float32Array, type: GgmlWritable): Uint8Array {
  if (x.length % 32 !== 0)
    throw new RangeError(`${type} needs a multiple of 32 values, got ${x.length}`);
  const { k, bytes } = QUANTIZERS[type];
  const out = new Uint8Array((x.length / 32) * bytes);
  const v = new DataView(out.buffer);
  for (let b = 0; b < x.length / 32; b++) k(x, b * 32, v, b * bytes);
  return out;
}

/** float32 values → float16 bytes (little-endian). */
export function toF16Bytes(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length * 2);
  const v = new DataView(out.buffer);
  for (let i = 0; i < x.length; i++) v.setUint16(i * 2, numberToF16Bits(x[i]!), true);
  return out;
}
