// Grouped-query causal attention over a key/value cache: the CPU twin of the LM attention kernels.
// The same function serves a whole window (the cache holds just that window) and a generation step
// (one query row at the end of a longer cache), so the two give identical numbers.

export interface GqaShape {
  /** Query rows, at positions pos0 … pos0 + rows − 1. */
  rows: number;
  pos0: number;
  heads: number;
  kvHeads: number;
  headDim: number;
}

/**
 * out[rows, heads · headDim] = softmax(q·kᵀ/√headDim over keys 0 … pos) · v for each query row at
 * position pos; query head h reads key/value head ⌊h · kvHeads / heads⌋. q is [rows, heads · headDim],
 * the caches [≥ pos0 + rows, kvHeads · headDim] by position. Scores and softmax in float32 with the
 * row maximum subtracted (dot products summed in float64, then rounded).
 */
export function gqaAttention(
  q: Float32Array,
  kCache: Float32Array,
  vCache: Float32Array,
  s: GqaShape,
): Float32Array {
  const { rows, pos0, heads, kvHeads, headDim: d } = s;
  const kvDim = kvHeads * d;
  const positions = pos0 + rows;
  if (q.length !== rows * heads * d || kCache.length < positions * kvDim)
    throw new RangeError(
      `gqaAttention: q has ${q.length} values, the key cache ${kCache.length}; want ${rows}×${heads}×${d} and ${positions}×${kvDim}`,
    );
  const group = heads / kvHeads;
  const out = new Float32Array(rows * heads * d);
  const p = new Float32Array(positions);
  const acc = new Float64Array(d);
  const scale = 1 / Math.sqrt(d);
  for (let r = 0; r < rows; r++) {
    const last = pos0 + r;
    for (let h = 0; h < heads; h++) {
      const qo = (r * heads + h) * d;
      const ko = Math.floor(h / group) * d;
      let m = -Infinity;
      for (let j = 0; j <= last; j++) {
        let t = 0;
        const kj = j * kvDim + ko;
        for (let c = 0; c < d; c++) t += q[qo + c]! * kCache[kj + c]!;
        p[j] = t * scale;
        if (p[j]! > m) m = p[j]!;
      }
      let l = 0;
      for (let j = 0; j <= last; j++) l += p[j] = Math.exp(p[j]! - m);
      acc.fill(0);
      for (let j = 0; j <= last; j++) {
        const w = p[j]!;
        const vj = j * kvDim + ko;
        for (let c = 0; c < d; c++) acc[c] = acc[c]! + w * vCache[vj + c]!;
      }
      for (let c = 0; c < d; c++) out[qo + c] = acc[c]! / l;
    }
  }
  return out;
}
