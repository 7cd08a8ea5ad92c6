// Tensor element types as stored in weight files, and their decoding to float32.
// Names follow safetensors (the widest vocabulary of the formats we read).

export const DTYPES = {
  F64: { bytes: 8, kind: 'float' },
  F32: { bytes: 4, kind: 'float' },
  F16: { bytes: 2, kind: 'float' },
  BF16: { bytes: 2, kind: 'float' },
  F8_E4M3: { bytes: 1, kind: 'float' },
  F8_E5M2: { bytes: 1, kind: 'float' },
  I64: { bytes: 8, kind: 'int' },
  I32: { bytes: 4, kind: 'int' },
  I16: { bytes: 2, kind: 'int' },
  I8: { bytes: 1, kind: 'int' },
  U64: { bytes: 8, kind: 'uint' },
  U32: { bytes: 4, kind: 'uint' },
  U16: { bytes: 2, kind: 'uint' },
  U8: { bytes: 1, kind: 'uint' },
  BOOL: { bytes: 1, kind: 'bool' },
} as const;

export type DType = keyof typeof DTYPES;

export function isDType(s: string): s is DType {
  return Object.prototype.hasOwnProperty.call(DTYPES, s);
}

export function bytesPerElement(d: DType): number {
  return DTYPES[d].bytes;
}

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

/**
 * Decodes `count` elements of `dtype` from `bytes` into a new Float32Array.
 * Integers beyond 2^24 lose precision exactly as a float32 cast does.
 * @param littleEndian byte order of the stored elements
 */
export function decodeToFloat32(
  bytes: Uint8Array,
  dtype: DType,
  count: number,
  littleEndian = true,
): Float32Array {
  const need = count * bytesPerElement(dtype);
  if (bytes.byteLength < need) {
    throw new RangeError(
      `need ${need} bytes for ${count} ${dtype} elements, got ${bytes.byteLength}`,
    );
  }
  const out = new Float32Array(count);
  const v = new DataView(bytes.buffer, bytes.byteOffset, need);
  const le = littleEndian;
  switch (dtype) {
    case 'F32':
      if (le && bytes.byteOffset % 4 === 0) {
        out.set(new Float32Array(bytes.buffer, bytes.byteOffset, count));
      } else for (let i = 0; i < count; i++) out[i] = v.getFloat32(i * 4, le);
      break;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = v.getFloat64(i * 8, le);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = f16BitsToNumber(v.getUint16(i * 2, le));
      break;
    case 'BF16': {
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) u[i] = v.getUint16(i * 2, le) << 16;
      break;
    }
    case 'F8_E4M3':
      for (let i = 0; i < count; i++) out[i] = e4m3BitsToNumber(bytes[i]!);
      break;
    case 'F8_E5M2':
      for (let i = 0; i < count; i++) out[i] = e5m2BitsToNumber(bytes[i]!);
      break;
    case 'I64':
      for (let i = 0; i < count; i++) out[i] = Number(v.getBigInt64(i * 8, le));
      break;
    case 'U64':
      for (let i = 0; i < count; i++) out[i] = Number(v.getBigUint64(i * 8, le));
      break;
    case 'I32':
      for (let i = 0; i < count; i++) out[i] = v.getInt32(i * 4, le);
      break;
    case 'U32':
      for (let i = 0; i < count; i++) out[i] = v.getUint32(i * 4, le);
      break;
    case 'I16':
      for (let i = 0; i < count; i++) out[i] = v.getInt16(i * 2, le);
      break;
    case 'U16':
      for (let i = 0; i < count; i++) out[i] = v.getUint16(i * 2, le);
      break;
    case 'I8':
      for (let i = 0; i < count; i++) out[i] = v.getInt8(i);
      break;
    case 'U8':
      for (let i = 0; i < count; i++) out[i] = bytes[i]!;
      break;
    case 'BOOL':
      for (let i = 0; i < count; i++) out[i] = bytes[i] ? 1 : 0;
      break;
  }
  return out;
}
