// Multi-head self-attention of the demo transformer over qkv [B, T, 3D] (q, k, v side by side, each
// D = heads·dh; head h at h·dh within each): the CPU twin of shaders/attention/attention.wgsl and
// the core of the Attention layer in net.ts. Softmax rows in float64.

/** y [B, T, D] = softmax(q·kᵀ/√dh)·v per head, heads concatenated; probs [B, H, T, T]. */
export function attentionForward(
  x: Float32Array,
  B: number,
  T: number,
  D: number,
  H: number,
): { y: Float32Array; probs: Float32Array } {
  const dh = D / H;
  const scale = 1 / Math.sqrt(dh);
  const probs = new Float32Array(B * H * T * T);
  const y = new Float32Array(B * T * D);
  const row = new Float64Array(T);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++) {
      const P = (b * H + h) * T * T;
      for (let i = 0; i < T; i++) {
        const qo = (b * T + i) * 3 * D + h * dh;
        let m = -Infinity;
        for (let j = 0; j < T; j++) {
          const ko = (b * T + j) * 3 * D + D + h * dh;
          let s = 0;
          for (let c = 0; c < dh; c++) s += x[qo + c]! * x[ko + c]!;
          row[j] = s * scale;
          if (row[j]! > m) m = row[j]!;
        }
        let sum = 0;
        for (let j = 0; j < T; j++) sum += row[j] = Math.exp(row[j]! - m);
        const yo = (b * T + i) * D + h * dh;
        for (let j = 0; j < T; j++) {
          const pj = (probs[P + i * T + j] = row[j]! / sum);
          const vo = (b * T + j) * 3 * D + 2 * D + h * dh;
          for (let c = 0; c < dh; c++) y[yo + c]! += pj * x[vo + c]!;
        }
      }
    }
  return { y, probs };
}

/** dL/dqkv [B, T, 3D] from the forward input, its probabilities and dL/dy [B, T, D]. */
export function attentionBackward(
  x: Float32Array,
  probs: Float32Array,
  dy: Float32Array,
  B: number,
  T: number,
  D: number,
  H: number,
): Float32Array {
  const dh = D / H;
  const scale = 1 / Math.sqrt(dh);
  const dx = new Float32Array(x.length);
  const dp = new Float64Array(T);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++) {
      const P = (b * H + h) * T * T;
      for (let i = 0; i < T; i++) {
        const yo = (b * T + i) * D + h * dh;
        let dot = 0;
        for (let j = 0; j < T; j++) {
          const vo = (b * T + j) * 3 * D + 2 * D + h * dh;
          const pj = probs[P + i * T + j]!;
          let s = 0;
          for (let c = 0; c < dh; c++) {
            s += dy[yo + c]! * x[vo + c]!;
            dx[vo + c]! += pj * dy[yo + c]!;
          }
          dp[j] = s;
          dot += pj * s;
        }
        const qo = (b * T + i) * 3 * D + h * dh;
        for (let j = 0; j < T; j++) {
          const ds = probs[P + i * T + j]! * (dp[j]! - dot) * scale;
          if (ds === 0) continue;
          const ko = (b * T + j) * 3 * D + D + h * dh;
          for (let c = 0; c < dh; c++) {
            dx[qo + c]! += ds * x[ko + c]!;
            dx[ko + c]! += ds * x[qo + c]!;
          }
        }
      }
    }
  return dx;
}
