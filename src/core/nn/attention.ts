// Scaled dot-product attention over BH independent heads (the CPU twin of the attention kernels):
// O = softmax(Q·Kᵀ/√d [+ causal mask]) · V, Q, K, V and O as [BH, N, d] row-major, softmax in float64.

export function attentionReference(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  bh: number,
  n: number,
  d: number,
  causal: boolean,
): Float32Array {
  const o = new Float32Array(bh * n * d);
  const s = new Float64Array(n);
  const scale = 1 / Math.sqrt(d);
  for (let h = 0; h < bh; h++)
    for (let i = 0; i < n; i++) {
      const qo = (h * n + i) * d;
      const last = causal ? i : n - 1;
      let m = -Infinity;
      for (let j = 0; j <= last; j++) {
        let t = 0;
        for (let c = 0; c < d; c++) t += q[qo + c]! * k[(h * n + j) * d + c]!;
        s[j] = t * scale;
        if (s[j]! > m) m = s[j]!;
      }
      let l = 0;
      for (let j = 0; j <= last; j++) l += s[j] = Math.exp(s[j]! - m);
      for (let c = 0; c < d; c++) {
        let acc = 0;
        for (let j = 0; j <= last; j++) acc += s[j]! * v[(h * n + j) * d + c]!;
        o[qo + c] = acc / l;
      }
    }
  return o;
}

/** Bytes each way needs on the device: Q, K, V and O, plus the N × N scores for the naive one. */
export function attentionBytes(
  bh: number,
  n: number,
  d: number,
): { flash: number; naive: number; scores: number } {
  const io = 4 * bh * n * d * 4;
  const scores = bh * n * n * 4;
  return { flash: io, naive: io + scores, scores };
}
