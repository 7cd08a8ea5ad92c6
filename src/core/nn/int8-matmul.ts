// Integer matrix products: int8 operands, int32 sums (the CPU twin of shaders/matmul/int8_matmul*.wgsl),
// and the packing the kernels read: four int8 values a u32, the first in the low byte, each row
// padded with zeros to a multiple of four.

/** C[M, N] = A[M, K] · B[N, K]ᵀ with exact int32 sums (wrapping as int32 arithmetic does). */
export function int8Matmul(
  a: Int8Array,
  b: Int8Array,
  m: number,
  n: number,
  k: number,
): Int32Array {
  const c = new Int32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s = (s + a[i * k + t]! * b[j * k + t]!) | 0;
      c[i * n + j] = s;
    }
  return c;
}

/** Rows of int8 packed four to a u32 word (rows padded to ceil(K/4) words). */
export function packInt8Rows(x: Int8Array, rows: number, k: number): Uint32Array {
  const words = Math.ceil(k / 4);
  const out = new Uint32Array(rows * words);
  for (let r = 0; r < rows; r++)
    for (let t = 0; t < k; t++)
      out[r * words + (t >> 2)]! |= (x[r * k + t]! & 0xff) << (8 * (t & 3));
  return out;
}
