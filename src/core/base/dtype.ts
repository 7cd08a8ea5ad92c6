// Tensor element types as stored in weight files, and their decoding to float32.
// Names follow safetensors (the widest vocabulary of the formats we read); block-quantized types
// are GGML's (llama.cpp), where `bytes` is the size of one block of `block` elements.
import { e4m3BitsToNumber, e5m2BitsToNumber, f16BitsToNumber } from './f16.ts';
import { dequantizeGgml, GGML_BLOCKS, type GgmlBlockType } from '../quant/ggml-quants.ts';
import { decodeVarintsToFloat32 } from './varint.ts';

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

export type ElementDType = keyof typeof DTYPES;
export type DType = ElementDType | GgmlBlockType;

export function isDType(s: string): s is ElementDType {
  return Object.prototype.hasOwnProperty.call(DTYPES, s);
}

export function isBlockDType(d: string): d is GgmlBlockType {
  return Object.prototype.hasOwnProperty.call(GGML_BLOCKS, d);
}

/** Bytes per element of an element (non-block) type. */
export function bytesPerElement(d: ElementDType): number {
  return DTYPES[d].bytes;
}

/** Stored bytes of `count` elements, or null when a block type's count is not whole blocks. */
export function storageBytes(d: DType, count: number): number | null {
  if (isBlockDType(d)) {
    const b = GGML_BLOCKS[d];
    return count % b.block === 0 ? (count / b.block) * b.bytes : null;
  }
  return count * DTYPES[d].bytes;
}

/**
 * Decodes `count` elements of `dtype` from `bytes` to float32. Aligned little-endian F32 comes back
 * as a view of `bytes` (no copy); every other dtype in a new array.
 * Integers beyond 2^24 lose precision exactly as a float32 cast does.
 * @param littleEndian byte order of the stored elements
 * @param varint values are protobuf varints (ONNX typed integer fields), not fixed-size elements
 */
export function decodeToFloat32(
  bytes: Uint8Array,
  dtype: DType,
  count: number,
  littleEndian = true,
  varint = false,
): Float32Array {
  if (varint) return decodeVarintsToFloat32(bytes, dtype, count);
  const need = storageBytes(dtype, count);
  if (need === null || bytes.byteLength < need) {
    throw new RangeError(
      `need ${need ?? 'whole blocks of'} bytes for ${count} ${dtype} elements, got ${bytes.byteLength}`,
    );
  }
  if (isBlockDType(dtype)) return dequantizeGgml(bytes, dtype, count);
  // Aligned little-endian float32 is used in place: no copy of what may be a 256 MB tensor.
  if (dtype === 'F32' && littleEndian && bytes.byteOffset % 4 === 0) {
    return new Float32Array(bytes.buffer, bytes.byteOffset, count);
  }
  const out = new Float32Array(count);
  const v = new DataView(bytes.buffer, bytes.byteOffset, need);
  const le = littleEndian;
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = v.getFloat32(i * 4, le);
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
