// Dense network operations on row-major Float32Arrays: the CPU reference for inference and training
// of the demo models. Layouts follow torch: a Linear layer's weight is [out, in], y = x · Wᵀ + b.

/** y[B, N] = x[B, K] · W[N, K]ᵀ + b[N]. */
export function linearForward(
  x: Float32Array,
  B: number,
  K: number,
  W: Float32Array,
  N: number,
  b: Float32Array | null,
  y: Float32Array = new Float32Array(B * N),
): Float32Array {
  for (let i = 0; i < B; i++) {
    const xo = i * K;
    for (let n = 0; n < N; n++) {
      const wo = n * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += x[xo + k]! * W[wo + k]!;
      y[i * N + n] = s + (b ? b[n]! : 0);
    }
  }
  return y;
}

/** Gradients of linearForward: dx[B, K] (unless null), dW[N, K] and db[N] are accumulated into. */
export function linearBackward(
  x: Float32Array,
  B: number,
  K: number,
  W: Float32Array,
  N: number,
  dy: Float32Array,
  dW: Float32Array,
  db: Float32Array | null,
  dx: Float32Array | null,
): void {
  for (let i = 0; i < B; i++) {
    const xo = i * K;
    for (let n = 0; n < N; n++) {
      const g = dy[i * N + n]!;
      if (g === 0) continue;
      const wo = n * K;
      for (let k = 0; k < K; k++) dW[wo + k]! += g * x[xo + k]!;
      if (dx) for (let k = 0; k < K; k++) dx[xo + k]! += g * W[wo + k]!;
      if (db) db[n]! += g;
    }
  }
}

export function reluInPlace(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) if (!(x[i]! > 0)) x[i] = 0;
  return x;
}

/** dy where the forward output was positive, 0 elsewhere (in place on dy). */
export function reluBackwardInPlace(y: Float32Array, dy: Float32Array): Float32Array {
  for (let i = 0; i < dy.length; i++) if (!(y[i]! > 0)) dy[i] = 0;
  return dy;
}

/** Log-softmax of each row of logits[B, C] (in float64, returned as float32). */
export function logSoftmax(logits: Float32Array, B: number, C: number): Float32Array {
  const out = new Float32Array(B * C);
  for (let i = 0; i < B; i++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, logits[i * C + c]!);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(logits[i * C + c]! - m);
    const lse = m + Math.log(s);
    for (let c = 0; c < C; c++) out[i * C + c] = logits[i * C + c]! - lse;
  }
  return out;
}

/**
 * Mean cross-entropy of logits[B, C] against integer labels, and its gradient with respect to the
 * logits ((softmax − one-hot) / B), as torch.nn.functional.cross_entropy.
 */
export function crossEntropy(
  logits: Float32Array,
  B: number,
  C: number,
  labels: ArrayLike<number>,
): { loss: number; grad: Float32Array } {
  const lp = logSoftmax(logits, B, C);
  const grad = new Float32Array(B * C);
  let loss = 0;
  for (let i = 0; i < B; i++) {
    const y = labels[i]!;
    loss -= lp[i * C + y]!;
    for (let c = 0; c < C; c++)
      grad[i * C + c] = (Math.exp(lp[i * C + c]!) - (c === y ? 1 : 0)) / B;
  }
  return { loss: loss / B, grad };
}

export function argmaxRows(x: Float32Array, B: number, C: number): Uint8Array {
  const out = new Uint8Array(B);
  for (let i = 0; i < B; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (x[i * C + c]! > x[i * C + best]!) best = c;
    out[i] = best;
  }
  return out;
}

export interface AdamState {
  m: Float32Array;
  v: Float32Array;
  t: number;
}

export function adamState(n: number): AdamState {
  return { m: new Float32Array(n), v: new Float32Array(n), t: 0 };
}

/** One Adam step (torch.optim.Adam, no weight decay): bias-corrected moments. */
export function adamStep(
  p: Float32Array,
  g: Float32Array,
  s: AdamState,
  lr: number,
  beta1 = 0.9,
  beta2 = 0.999,
  eps = 1e-8,
): void {
  s.t++;
  const c1 = 1 - beta1 ** s.t;
  const c2 = 1 - beta2 ** s.t;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    const m = (s.m[i] = beta1 * s.m[i]! + (1 - beta1) * gi);
    const v = (s.v[i] = beta2 * s.v[i]! + (1 - beta2) * gi * gi);
    p[i] = p[i]! - (lr * (m / c1)) / (Math.sqrt(v / c2) + eps);
  }
}
