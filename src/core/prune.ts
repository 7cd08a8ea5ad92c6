// Pruning masks (1 keeps a weight, 0 removes it) on flat weights.
//
// Ties: weights of equal magnitude are removed in index order (the earlier one first), so masks are
// deterministic; torch.nn.utils.prune breaks ties by its topk, which may differ on exact ties.

/** Removes the round(sparsity·n) weights of smallest |w| (per tensor). */
export function magnitudeMask(w: Float32Array, sparsity: number): Uint8Array {
  const n = w.length;
  const k = Math.round(Math.min(1, Math.max(0, sparsity)) * n);
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
  let zeros = 0;
  for (const v of mask) if (!v) zeros++;
  return mask.length ? zeros / mask.length : 0;
}
