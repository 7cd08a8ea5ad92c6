// What writers consume: tensors whose bytes are produced on demand, one at a time, so that an
// export streams and holds at most one tensor in memory.
import type { DType } from '../../core/base/dtype.ts';

export interface OutTensor {
  name: string;
  dtype: DType;
  /** Outermost dimension first. */
  shape: number[];
  /** Exact byte length that `data()` returns. */
  bytes: number;
  data(): Promise<Uint8Array>;
}

export interface OutFile {
  /** Total size in bytes, known before any data is produced (for progress). */
  size: number;
  chunks: AsyncIterable<Uint8Array>;
}

export async function checked(t: OutTensor): Promise<Uint8Array> {
  const d = await t.data();
  if (d.byteLength !== t.bytes)
    throw new Error(`tensor '${t.name}' produced ${d.byteLength} bytes, expected ${t.bytes}`);
  return d;
}
