// f16 storage for the kernels: values as f16 bits in a storage buffer, values rounded to f16 (what
// the f32 fallback computes on where the device has no shader-f16: the same results), and the
// f16 text of a kernel written with `alias S = f32;` for the type its inputs are stored in.
import { f16BitsToNumber, numberToF16Bits } from '../core/base/f16.ts';
import { storage } from './buffers.ts';

export function toF16Bits(x: Float32Array): Uint16Array {
  return Uint16Array.from(x, (v) => numberToF16Bits(v));
}

/** Values rounded to the nearest f16, as float32. */
export function roundToF16(x: Float32Array): Float32Array {
  return Float32Array.from(x, (v) => f16BitsToNumber(numberToF16Bits(v)));
}

/** Values as f16 in a storage buffer (padded to whole 4-byte words, as bindings are sized). */
export function uploadF16(device: GPUDevice, x: Float32Array): GPUBuffer {
  const bits = toF16Bits(x);
  const padded = new Uint16Array(bits.length + (bits.length % 2));
  padded.set(bits);
  const buf = storage(device, Math.max(4, padded.byteLength));
  device.queue.writeBuffer(buf, 0, padded);
  return buf;
}

/** The f16-storage text of a kernel written with `alias S = f32;`. */
export function f16Source(code: string): string {
  if (!code.includes('alias S = f32;')) throw new Error('kernel has no storage-type alias');
  return `enable f16;\n${code.replace('alias S = f32;', 'alias S = f16;')}`;
}
