// Layer normalisation and column sums as plain functions: the CPU twins of shaders/nn/layernorm.wgsl
// and shaders/nn/colsum.wgsl (the bias and norm gradients of the networks).

/** Forward over `rows` rows of D values: y = xhat·γ + β, with xhat and 1/σ kept for backward. */
export function layerNormForward(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  rows: number,
  D: number,
  eps = 1e-5,
): { y: Float32Array; xhat: Float32Array; rstd: Float32Array } {
  const y = new Float32Array(rows * D);
  const xhat = new Float32Array(rows * D);
  const rstd = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let mean = 0;
    for (let i = 0; i < D; i++) mean += x[o + i]!;
    mean /= D;
    let v = 0;
    for (let i = 0; i < D; i++) v += (x[o + i]! - mean) ** 2;
    const rs = 1 / Math.sqrt(v / D + eps);
    rstd[r] = rs;
    for (let i = 0; i < D; i++) {
      const h = (x[o + i]! - mean) * rs;
      xhat[o + i] = h;
      y[o + i] = h * gamma[i]! + beta[i]!;
    }
  }
  return { y, xhat, rstd };
}

/** dx = rstd·(dy·γ − mean(dy·γ) − xhat·mean(dy·γ·xhat)) per row (γ and β grads: colsum). */
export function layerNormBackward(
  dy: Float32Array,
  gamma: Float32Array,
  xhat: Float32Array,
  rstd: Float32Array,
  rows: number,
  D: number,
): Float32Array {
  const dx = new Float32Array(rows * D);
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < D; i++) {
      const dh = dy[o + i]! * gamma[i]!;
      s1 += dh;
      s2 += dh * xhat[o + i]!;
    }
    s1 /= D;
    s2 /= D;
    for (let i = 0; i < D; i++)
      dx[o + i] = rstd[r]! * (dy[o + i]! * gamma[i]! - s1 - xhat[o + i]! * s2);
  }
  return dx;
}

/** out[j] = Σ_r a[r, j] over a [rows, n] matrix, added to `into` when given. */
export function colsum(
  a: Float32Array,
  rows: number,
  n: number,
  into: Float32Array | null = null,
): Float32Array {
  const out = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += a[r * n + j]!;
    out[j] = s + (into ? into[j]! : 0);
  }
  return out;
}
