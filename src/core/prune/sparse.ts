// Sparse weight formats and their matrix products (the CPU twins of shaders/prune/*.wgsl).
// Weights are torch-layout [N, K] (y = x · Wᵀ), sparsity along K (the reduction dimension).
//
// 2:4 compressed: `values` [N, K/2] holds the two kept values of each group of four, in order;
// `meta` holds their positions in the group (0–3), 2 bits each, 4 bits a group, 8 groups a u32
// (group g of row n at bits 4·(g mod 8) of word n·ceil(K/32) + floor(g/8); first position in the low
// two bits). K must be a multiple of 4.
//
// CSR: `rowPtr` [N + 1], `colIdx` and `values` [nnz]: row n's non-zeros at rowPtr[n] … rowPtr[n+1].

export interface Sparse24 {
  n: number;
  k: number;
  values: Float32Array;
  meta: Uint32Array;
}

export interface Csr {
  n: number;
  k: number;
  rowPtr: Uint32Array;
  colIdx: Uint32Array;
  values: Float32Array;
}

function wordsPerRow24(k: number): number {
  return Math.ceil(k / 32);
}

/**
 * Compresses a weight that is already 2:4 sparse (at most two non-zeros in every group of four).
 * A group with fewer than two non-zeros stores zeros at the first free positions.
 */
export function compress24(w: Float32Array, n: number, k: number): Sparse24 {
  if (k % 4) throw new RangeError(`2:4 needs K divisible by 4 (K = ${k})`);
  const groups = k / 4;
  const wpr = wordsPerRow24(k);
  const values = new Float32Array(n * groups * 2);
  const meta = new Uint32Array(n * wpr);
  for (let r = 0; r < n; r++)
    for (let g = 0; g < groups; g++) {
      const base = r * k + g * 4;
      const pos: number[] = [];
      for (let j = 0; j < 4; j++) if (w[base + j] !== 0) pos.push(j);
      if (pos.length > 2)
        throw new RangeError(`row ${r}, group ${g}: ${pos.length} non-zeros (2:4 allows 2)`);
      for (let j = 0; pos.length < 2 && j < 4; j++) if (!pos.includes(j)) pos.push(j);
      pos.sort((a, b) => a - b);
      values[(r * groups + g) * 2] = w[base + pos[0]!]!;
      values[(r * groups + g) * 2 + 1] = w[base + pos[1]!]!;
      const nibble = pos[0]! | (pos[1]! << 2);
      meta[r * wpr + (g >> 3)]! |= nibble << (4 * (g & 7));
    }
  return { n, k, values, meta };
}

/** y[B, N] = x[B, K] · Wᵀ + b from the 2:4 compressed weight. */
export function sparse24Matmul(
  x: Float32Array,
  B: number,
  w: Sparse24,
  bias: Float32Array | null,
): Float32Array {
  const { n, k } = w;
  const groups = k / 4;
  const wpr = wordsPerRow24(k);
  const y = new Float32Array(B * n);
  for (let b = 0; b < B; b++)
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let g = 0; g < groups; g++) {
        const nib = (w.meta[r * wpr + (g >> 3)]! >>> (4 * (g & 7))) & 15;
        const xo = b * k + g * 4;
        s += w.values[(r * groups + g) * 2]! * x[xo + (nib & 3)]!;
        s += w.values[(r * groups + g) * 2 + 1]! * x[xo + (nib >> 2)]!;
      }
      y[b * n + r] = s + (bias ? bias[r]! : 0);
    }
  return y;
}

export function toCsr(w: Float32Array, n: number, k: number): Csr {
  const rowPtr = new Uint32Array(n + 1);
  let nnz = 0;
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) nnz++;
  const colIdx = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  let o = 0;
  for (let r = 0; r < n; r++) {
    rowPtr[r] = o;
    for (let c = 0; c < k; c++) {
      const v = w[r * k + c]!;
      if (v !== 0) {
        colIdx[o] = c;
        values[o++] = v;
      }
    }
  }
  rowPtr[n] = o;
  return { n, k, rowPtr, colIdx, values };
}

/** y[B, N] = x[B, K] · Wᵀ + b from the CSR weight. */
export function csrMatmul(
  x: Float32Array,
  B: number,
  w: Csr,
  bias: Float32Array | null,
): Float32Array {
  const y = new Float32Array(B * w.n);
  for (let b = 0; b < B; b++)
    for (let r = 0; r < w.n; r++) {
      let s = 0;
      for (let j = w.rowPtr[r]!; j < w.rowPtr[r + 1]!; j++)
        s += w.values[j]! * x[b * w.k + w.colIdx[j]!]!;
      y[b * w.n + r] = s + (bias ? bias[r]! : 0);
    }
  return y;
}
