// Pruning masks (1 keeps a weight, 0 removes it) on flat weights, the schedule of gradual pruning,
// and what a sparse tensor takes to store.
//
// Counts follow torch.nn.utils.prune: round(amount · n) with Python's rounding (half to even).
// Ties: weights of equal magnitude are removed in index order (the earlier one first), so masks are
// deterministic; torch breaks ties by its topk, which may differ on exact ties only.
import { roundHalfEven } from '../quant/intquant.ts';

/** How many of n to remove for a fraction `amount`, as torch.nn.utils.prune counts them. */
export function pruneCount(amount: number, n: number): number {
  return Math.max(0, Math.min(n, roundHalfEven(Math.min(1, Math.max(0, amount)) * n)));
}

/** Removes the round(sparsity·n) weights of smallest |w| (per tensor; torch l1_unstructured). */
export function magnitudeMask(w: Float32Array, sparsity: number): Uint8Array {
  const n = w.length;
  const k = pruneCount(sparsity, n);
  const mask = new Uint8Array(n).fill(1);
  if (k === 0) return mask;
  const order = new Uint32Array(n).map((_, i) => i);
  order.sort((a, b) => Math.abs(w[a]!) - Math.abs(w[b]!) || a - b);
  for (let i = 0; i < k; i++) mask[order[i]!] = 0;
  return mask;
}

/**
 * N:M structured sparsity: in every group of M consecutive weights along the reduction (last) axis,
 * keeps the N of largest |w|. `cols` is the length of that axis; a partial last group keeps
 * ceil(N·len/M) of its weights.
 */
export function nmMask(w: Float32Array, cols: number, n: number, m: number): Uint8Array {
  const mask = new Uint8Array(w.length);
  const rows = w.length / cols;
  for (let r = 0; r < rows; r++)
    for (let g = 0; g < cols; g += m) {
      const len = Math.min(m, cols - g);
      const keep = Math.ceil((n * len) / m);
      const idx = Array.from({ length: len }, (_, i) => r * cols + g + i);
      idx.sort((a, b) => Math.abs(w[b]!) - Math.abs(w[a]!) || a - b);
      for (let i = 0; i < keep; i++) mask[idx[i]!] = 1;
    }
  return mask;
}

export function sparsityOf(mask: Uint8Array): number {
  return mask.length ? zeroCount(mask) / mask.length : 0;
}

/** How many entries of a mask are 0 (pruned). */
export function zeroCount(mask: Uint8Array): number {
  let zeros = 0;
  for (const v of mask) if (!v) zeros++;
  return zeros;
}

/**
 * One threshold across several tensors (torch global_unstructured with L1Unstructured): removes the
 * round(sparsity · total) weights of smallest |w| among all of them.
 */
export function globalMagnitudeMasks(ws: readonly Float32Array[], sparsity: number): Uint8Array[] {
  const total = ws.reduce((a, w) => a + w.length, 0);
  const k = pruneCount(sparsity, total);
  const abs = new Float32Array(total);
  let o = 0;
  for (const w of ws) for (let i = 0; i < w.length; i++) abs[o++] = Math.abs(w[i]!);
  const order = new Uint32Array(total).map((_, i) => i);
  order.sort((a, b) => abs[a]! - abs[b]! || a - b);
  const flat = new Uint8Array(total).fill(1);
  for (let i = 0; i < k; i++) flat[order[i]!] = 0;
  const out: Uint8Array[] = [];
  o = 0;
  for (const w of ws) {
    out.push(flat.slice(o, o + w.length));
    o += w.length;
  }
  return out;
}

/**
 * Structured pruning of whole output channels (rows of the [rows, cols] view) by L1 norm, as torch
 * ln_structured(n=1, dim=0): removes the round(amount · rows) rows of smallest Σ|w|, but always
 * keeps one (torch would zero them all). Returns which rows stay (1) or go (0).
 */
export function channelL1Keep(w: Float32Array, rows: number, amount: number): Uint8Array {
  const cols = w.length / rows;
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.abs(w[r * cols + c]!);
    norms[r] = s;
  }
  const order = Array.from({ length: rows }, (_, i) => i).sort(
    (a, b) => norms[a]! - norms[b]! || a - b,
  );
  const keep = new Uint8Array(rows).fill(1);
  // At least one channel stays: a layer with none would cut the network in two.
  for (let i = 0; i < Math.min(rows - 1, pruneCount(amount, rows)); i++) keep[order[i]!] = 0;
  return keep;
}

/** A per-weight mask from a per-row keep vector. */
export function rowMask(keep: Uint8Array, cols: number): Uint8Array {
  const m = new Uint8Array(keep.length * cols);
  keep.forEach((k, r) => m.fill(k, r * cols, (r + 1) * cols));
  return m;
}

/**
 * Gradual pruning (Zhu & Gupta 2017): the sparsity at step t of a schedule that prunes every `every`
 * steps from `start` for `n` pruning steps, s_t = s_f + (s_i − s_f)·(1 − (t − start)/(n·every))³,
 * held at s_i before `start` and at s_f after the last pruning step.
 */
export function cubicSparsity(
  t: number,
  o: { initial: number; final: number; start: number; every: number; n: number },
): number {
  if (t < o.start) return o.initial;
  const span = o.n * o.every;
  const k = Math.min(span, Math.floor((t - o.start) / o.every) * o.every);
  return o.final + (o.initial - o.final) * (1 - k / span) ** 3;
}

export type SparseLayout = 'dense' | 'bitmask' | 'csr' | '2:4';

/**
 * Bytes to store a [rows, cols] tensor with `nnz` non-zeros at `bits` per value:
 *   dense    every value
 *   bitmask  the non-zeros, plus one bit per position
 *   csr      the non-zeros with an int32 column index each, plus rows + 1 int32 row offsets
 *   2:4      half the values with a 2-bit position each (NVIDIA's compressed format; needs 2:4)
 */
export function sparseBytes(
  layout: SparseLayout,
  rows: number,
  cols: number,
  nnz: number,
  bits: number,
): number {
  const n = rows * cols;
  switch (layout) {
    case 'dense':
      return (n * bits) / 8;
    case 'bitmask':
      return (nnz * bits) / 8 + Math.ceil(n / 8);
    case 'csr':
      return nnz * (bits / 8 + 4) + (rows + 1) * 4;
    case '2:4':
      return (n / 2) * (bits / 8) + (n / 2) * (2 / 8);
  }
}
