// What a reader returns: a table of tensors with where their bytes lie, not the bytes themselves.
import { DTYPES, isBlockDType, isDType, type DType } from '../core/base/dtype.ts';
import type { ByteSource } from './source.ts';

export interface TensorInfo {
  name: string;
  dtype: DType;
  shape: number[];
  /** Element count (product of shape). */
  params: number;
  /** Absolute byte offset of the first element in the file. */
  offset: number;
  /** Stored size in bytes. */
  bytes: number;
  littleEndian: boolean;
  /** Fortran (column-major) order; statistics do not depend on it, layouts do. */
  fortranOrder?: boolean;
  /** Values are packed protobuf varints (ONNX int32_data/int64_data/uint64_data). */
  varint?: boolean;
  /**
   * Where the bytes in the file are not `bytes` long: the length of the packed varints (an int64
   * scalar 7 may take 1 byte in the file, while `bytes`, dtype size × count, stays 8).
   */
  encodedBytes?: number;
  /**
   * Element strides of a view that is not row-major (a PyTorch transpose, strided slice or expand):
   * the bytes read (`encodedBytes`) span the first to the last element it reaches, and the values
   * are gathered in row-major order when read.
   */
  strides?: number[];
  /** Name of the file holding the bytes when it is not the model's own (ONNX external data, shards). */
  dataFile?: string;
  /**
   * A deflated .npz entry, found by its local header offset `at` (names may repeat in a zip);
   * `offset` is then the position of the data inside the inflated entry.
   */
  zipEntry?: { path: string; at: number; offset: number };
  /** Integer codes (this tensor's bytes) that dequantize with per-channel scales (quantized-safetensors.ts). */
  quant?: {
    bits: number;
    signed: boolean;
    /** null: one scale for the tensor. */
    axis: number | null;
    /** Groups of this many along `axis` (ONNX blocked layout); absent: one scale per channel. */
    blockSize?: number;
    /** Groups run along the rows of the [shape[0], rest] view. */
    view2d?: boolean;
    packed: boolean;
    scale: TensorInfo;
    zeroPoint?: TensorInfo;
  };
}

type FormatName = 'safetensors' | 'npy' | 'npz' | 'gguf' | 'onnx' | 'llama2c' | 'pytorch';

export interface ModelInfo {
  format: FormatName;
  file: string;
  fileBytes: number;
  tensors: TensorInfo[];
  metadata: Record<string, string>;
}

export interface FormatReader {
  format: FormatName;
  extensions: readonly string[];
  /** Cheap check of the first bytes (up to 1024, so a zip's first member name shows); never throws. */
  match(head: Uint8Array): boolean;
  /**
   * For formats without a magic number (llama2.c checkpoints): asked only when no reader matched by
   * bytes; null claims the file (its header and its size agree exactly), a string says why not.
   * Never throws.
   */
  fits?(head: Uint8Array, size: number): string | null;
  parse(source: ByteSource): Promise<ModelInfo>;
}

export function totalParams(m: ModelInfo): number {
  return m.tensors.reduce((s, t) => s + t.params, 0);
}

export function totalBytes(m: ModelInfo): number {
  return m.tensors.reduce((s, t) => s + storedBytes(t), 0);
}

/** How a tensor's storage is described to a person (quantized tensors name their scheme). */
function dtypeLabel(t: TensorInfo): string {
  if (!t.quant) return t.dtype;
  const q = t.quant;
  const g = q.axis === null ? 'per-tensor' : q.blockSize ? `group-${q.blockSize}` : 'per-channel';
  return `${q.signed ? 'INT' : 'UINT'}${q.bits} ${g}`;
}

/** How many bytes to read from the file for the tensor's values. */
export function fileBytes(t: TensorInfo): number {
  return t.encodedBytes ?? t.bytes;
}

/** Bytes on disk, the scales and zero points of quantized tensors included. */
export function storedBytes(t: TensorInfo): number {
  return t.bytes + (t.quant ? t.quant.scale.bytes + (t.quant.zeroPoint?.bytes ?? 0) : 0);
}

export interface TensorRow {
  name: string;
  dtype: string;
  shape: number[];
  params: number;
  bytes: number;
}

/** The row a table (in the app or the CLI) shows for a tensor. */
export function tensorRow(t: TensorInfo): TensorRow {
  return {
    name: t.name,
    dtype: dtypeLabel(t),
    shape: t.shape,
    params: t.params,
    bytes: storedBytes(t),
  };
}

/** Floating-point values (block-quantized and integer-coded quantized tensors included). */
export function isFloatTensor(t: TensorInfo): boolean {
  return (
    isBlockDType(t.dtype) ||
    t.quant !== undefined ||
    (isDType(t.dtype) && DTYPES[t.dtype].kind === 'float')
  );
}
