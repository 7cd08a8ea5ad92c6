// Data movement of the demo networks as plain functions (CPU twins of shaders/nn/gather.wgsl,
// transpose.wgsl, im2col.wgsl and mean_tokens.wgsl): gathers, batched transposes, convolution
// columns and their sum back, and the mean over tokens.

/** A stride-1 convolution over [b, c, h, w] with a k × k kernel, zero padding `pad`. */
export interface ConvShape {
  b: number;
  c: number;
  h: number;
  w: number;
  k: number;
  pad: number;
  oh: number;
  ow: number;
}

/** y[s, i] = x[s, idx[i]] for each of `samples` rows of n values. */
export function gather(
  x: Float32Array,
  idx: Uint32Array,
  samples: number,
  n: number,
): Float32Array {
  const y = new Float32Array(samples * n);
  for (let s = 0; s < samples; s++) for (let i = 0; i < n; i++) y[s * n + i] = x[s * n + idx[i]!]!;
  return y;
}

/** y[s] = x[s]ᵀ for `batches` matrices [rows, cols]. */
export function transposeBatched(
  x: Float32Array,
  batches: number,
  rows: number,
  cols: number,
): Float32Array {
  const y = new Float32Array(batches * rows * cols);
  const per = rows * cols;
  for (let s = 0; s < batches; s++)
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) y[s * per + j * rows + i] = x[s * per + i * cols + j]!;
  return y;
}

/** cols[b·P + pixel, c·k² + ky·k + kx] for the P = oh·ow output pixels of each sample. */
export function im2col(x: Float32Array, s: ConvShape): Float32Array {
  const { b: B, c: cin, h, w, k, pad, oh, ow } = s;
  const K = cin * k * k;
  const out = new Float32Array(B * oh * ow * K);
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const row = ((b * oh + oy) * ow + ox) * K;
        for (let c = 0; c < cin; c++)
          for (let ky = 0; ky < k; ky++) {
            const iy = oy + ky - pad;
            if (iy < 0 || iy >= h) continue;
            const src = ((b * cin + c) * h + iy) * w;
            const dst = row + (c * k + ky) * k;
            for (let kx = 0; kx < k; kx++) {
              const ix = ox + kx - pad;
              if (ix >= 0 && ix < w) out[dst + kx] = x[src + ix]!;
            }
          }
      }
  return out;
}

/** The adjoint of im2col: each column value added back onto the input pixel it came from. */
export function col2im(cols: Float32Array, s: ConvShape): Float32Array {
  const { b: B, c: cin, h, w, k, pad, oh, ow } = s;
  const K = cin * k * k;
  const dx = new Float32Array(B * cin * h * w);
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const row = ((b * oh + oy) * ow + ox) * K;
        for (let c = 0; c < cin; c++)
          for (let ky = 0; ky < k; ky++) {
            const iy = oy + ky - pad;
            if (iy < 0 || iy >= h) continue;
            const dst = ((b * cin + c) * h + iy) * w;
            const src = row + (c * k + ky) * k;
            for (let kx = 0; kx < k; kx++) {
              const ix = ox + kx - pad;
              if (ix >= 0 && ix < w) dx[dst + ix]! += cols[src + kx]!;
            }
          }
      }
  return dx;
}

/** y[b, d] = Σ_t x[b, t, d] / T, over [B, T, D]. */
export function meanTokens(x: Float32Array, B: number, T: number, D: number): Float32Array {
  const y = new Float32Array(B * D);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let i = 0; i < D; i++) y[b * D + i]! += x[(b * T + t) * D + i]! / T;
  return y;
}

/** dx[b, t, d] = dy[b, d] / T: the gradient of meanTokens. */
export function meanTokensBackward(
  dy: Float32Array,
  B: number,
  T: number,
  D: number,
): Float32Array {
  const dx = new Float32Array(B * T * D);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let i = 0; i < D; i++) dx[(b * T + t) * D + i] = dy[b * D + i]! / T;
  return dx;
}
