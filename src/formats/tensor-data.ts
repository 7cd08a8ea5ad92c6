// Reading one tensor's values: its bytes from the file that holds them, decoded to float32.
import { bytesPerElement, decodeToFloat32, isDType } from '../core/base/dtype.ts';
import { unpackInt4 } from '../core/quant/intquant.ts';
import { dequantizeBlocks } from '../core/quant/blocks.ts';
import { fileBytes, type TensorInfo } from './model.ts';
import { readZipEntryTensor } from './npz.ts';
import type { ByteSource } from './source.ts';

/** A reusable read buffer; `buffer` is updated when a stream hands it back as a new object. */
export interface Scratch {
  buffer: ArrayBuffer;
}

/**
 * The tensor's values as float32. With `scratch` (and a source that can read into it) the bytes land
 * in that buffer rather than new memory, and the result may be a view of it: valid until the
 * scratch is used again.
 */
export async function readTensorF32(
  source: ByteSource,
  t: TensorInfo,
  scratch?: Scratch,
): Promise<Float32Array> {
  if (t.quant) return readQuantized(source, t);
  let bytes: Uint8Array;
  // A strided view reads the whole span it reaches, not `bytes` from its first element.
  if (t.zipEntry)
    bytes = await readZipEntryTensor(source, t.strides ? { ...t, bytes: fileBytes(t) } : t);
  else if (scratch && source.readInto && scratch.buffer.byteLength >= fileBytes(t)) {
    bytes = await source.readInto(t.offset, fileBytes(t), scratch.buffer);
    scratch.buffer = bytes.buffer as ArrayBuffer;
  } else bytes = await source.read(t.offset, fileBytes(t));
  if (t.strides && isDType(t.dtype)) {
    const span = fileBytes(t) / bytesPerElement(t.dtype);
    return gather(decodeToFloat32(bytes, t.dtype, span, t.littleEndian), t.shape, t.strides);
  }
  const x = decodeToFloat32(bytes, t.dtype, t.params, t.littleEndian, t.varint ?? false);
  return t.fortranOrder && t.shape.length > 1 ? fortranToC(x, t.shape) : x;
}

/** A strided view's elements (`strides` in elements from span[0]) in row-major (C) order. */
function gather(span: Float32Array, shape: readonly number[], strides: readonly number[]) {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  let at = 0;
  for (let c = 0; c < n; c++) {
    out[c] = span[at]!;
    // Next C-order index: the last dimension varies fastest.
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      at += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      at -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/** Column-major values to row-major (C) order, the order every consumer expects. */
function fortranToC(x: Float32Array, shape: readonly number[]): Float32Array {
  const out = new Float32Array(x.length);
  if (x.length === 0) return out;
  const rank = shape.length;
  // Fortran strides: the first dimension varies fastest.
  const stride: number[] = [];
  for (let d = 0, s = 1; d < rank; d++) {
    stride.push(s);
    s *= shape[d]!;
  }
  const idx = new Array<number>(rank).fill(0);
  let f = 0;
  for (let c = 0; c < x.length; c++) {
    out[c] = x[f]!;
    // Next C-order index: the last dimension varies fastest.
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      f += stride[d]!;
      if (idx[d]! < shape[d]!) break;
      f -= stride[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

async function readQuantized(source: ByteSource, t: TensorInfo): Promise<Float32Array> {
  const q = t.quant!;
  const raw = await source.read(t.offset, t.bytes);
  const codes = q.packed
    ? unpackInt4(raw, t.params, q.signed)
    : decodeToFloat32(raw, t.dtype, t.params);
  const scales = await readTensorF32(source, q.scale);
  const zps = q.zeroPoint ? await readTensorF32(source, q.zeroPoint) : null;
  return dequantizeBlocks(
    codes,
    scales,
    zps,
    t.shape,
    q.axis === null
      ? { kind: 'tensor' }
      : q.blockSize
        ? q.view2d
          ? { kind: 'group', size: q.blockSize }
          : { kind: 'group', size: q.blockSize, axis: q.axis }
        : { kind: 'channel', axis: q.axis },
  );
}
