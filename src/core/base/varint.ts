// Tensors stored as protobuf varints (ONNX int32_data / int64_data / uint64_data): each value is
// split into its low and high 32 bits so that negative int32s (sign-extended to 10 bytes) and int64s
// decode exactly before the float32 cast.
import { bf16BitsToNumber, e4m3BitsToNumber, e5m2BitsToNumber, f16BitsToNumber } from './f16.ts';

/** Decodes `count` varints of a tensor whose values are `dtype` (bit patterns for 16/8-bit floats). */
export function decodeVarintsToFloat32(
  bytes: Uint8Array,
  dtype: string,
  count: number,
): Float32Array {
  const out = new Float32Array(count);
  let i = 0;
  let lo = 0;
  let hi = 0;
  let shift = 0;
  for (let p = 0; p < bytes.length; p++) {
    const b = bytes[p]!;
    const bits = b & 0x7f;
    if (shift < 28) lo |= bits << shift;
    else if (shift === 28) {
      lo |= (bits & 0x0f) << 28;
      hi |= bits >>> 4;
    } else hi |= bits << (shift - 32);
    shift += 7;
    if (b >= 0x80) continue;
    if (i >= count) throw new RangeError(`more than ${count} varints`);
    out[i++] = convert(lo >>> 0, hi >>> 0, dtype);
    lo = hi = shift = 0;
  }
  if (i !== count) throw new RangeError(`expected ${count} varints, found ${i}`);
  return out;
}

function convert(lo: number, hi: number, dtype: string): number {
  switch (dtype) {
    case 'F16':
      return f16BitsToNumber(lo & 0xffff);
    case 'BF16':
      return bf16BitsToNumber(lo & 0xffff);
    case 'F8_E4M3':
      return e4m3BitsToNumber(lo & 0xff);
    case 'F8_E5M2':
      return e5m2BitsToNumber(lo & 0xff);
    case 'BOOL':
      return lo !== 0 ? 1 : 0;
    case 'U8':
    case 'U16':
    case 'U32':
      return lo;
    case 'U64':
      return hi * 2 ** 32 + lo;
    case 'I64':
      return hi & 0x80000000 ? -((~hi >>> 0) * 2 ** 32 + (~lo >>> 0) + 1) : hi * 2 ** 32 + lo;
    default:
      return lo | 0;
  }
}
