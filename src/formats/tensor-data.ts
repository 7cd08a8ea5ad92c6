// Reading one tensor's values: its bytes from the file that holds them, decoded to float32.
import { decodeToFloat32 } from '../core/dtype.ts';
import type { TensorInfo } from './model.ts';
import { readZipEntryTensor } from './npz.ts';
import type { ByteSource } from './source.ts';

export async function readTensorF32(source: ByteSource, t: TensorInfo): Promise<Float32Array> {
  const bytes = t.zipEntry
    ? await readZipEntryTensor(source, t)
    : await source.read(t.offset, t.bytes);
  return decodeToFloat32(bytes, t.dtype, t.params, t.littleEndian, t.varint ?? false);
}
