// Reading one tensor's values: its bytes from the file that holds them, decoded to float32.
import { decodeToFloat32 } from '../core/dtype.ts';
import { dequantizeInt, unpackInt4 } from '../core/intquant.ts';
import type { TensorInfo } from './model.ts';
import { readZipEntryTensor } from './npz.ts';
import type { ByteSource } from './source.ts';

export async function readTensorF32(source: ByteSource, t: TensorInfo): Promise<Float32Array> {
  if (t.quant) return readQuantized(source, t);
  const bytes = t.zipEntry
    ? await readZipEntryTensor(source, t)
    : await source.read(t.offset, t.bytes);
  return decodeToFloat32(bytes, t.dtype, t.params, t.littleEndian, t.varint ?? false);
}

async function readQuantized(source: ByteSource, t: TensorInfo): Promise<Float32Array> {
  const q = t.quant!;
  const raw = await source.read(t.offset, t.bytes);
  const codes = q.packed
    ? unpackInt4(raw, t.params, q.signed)
    : decodeToFloat32(raw, t.dtype, t.params);
  const scales = await readTensorF32(source, q.scale);
  const zps = q.zeroPoint ? await readTensorF32(source, q.zeroPoint) : null;
  return dequantizeInt(codes, scales, zps, t.shape, q.axis);
}
