// What a reader returns: a table of tensors with where their bytes lie, not the bytes themselves.
import type { DType } from '../core/dtype.ts';
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
  /** Name of the file holding the bytes when it is not the model's own (ONNX external data, shards). */
  dataFile?: string;
  /** A deflated .npz entry: `offset` is then the position of the data inside the inflated entry. */
  zipEntry?: { path: string; offset: number };
}

export type FormatName = 'safetensors' | 'npy' | 'npz' | 'gguf' | 'onnx';

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
  /** Cheap check of the first bytes (up to 64); never throws. */
  match(head: Uint8Array): boolean;
  parse(source: ByteSource): Promise<ModelInfo>;
}

export function totalParams(m: ModelInfo): number {
  return m.tensors.reduce((s, t) => s + t.params, 0);
}

export function totalBytes(m: ModelInfo): number {
  return m.tensors.reduce((s, t) => s + t.bytes, 0);
}
