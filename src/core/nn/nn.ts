// Dense network operations on row-major Float32Arrays: the CPU reference for inference and training
// of the demo models. Layouts follow torch: a Linear layer's weight is [out, in], y = x · Wᵀ + b.

/** y[B, N] = x[B, K] · W[N, K]ᵀ + b[N]. Four outputs at a time, sharing each load of x. */
export function linearForward(
  x: Float32Array,
  B: number,
  K: number,
  W: Float32Array,
  N: number,
  b: Float32Array | null,
  y: Float32Array = new Float32Array(B * N),
): Float32Array {
  const N4 = N - (N % 4);
  for (let i = 0; i < B; i++) {
    const xo = i * K;
    const yo = i * N;
    for (let n = 0; n < N4; n += 4) {
      const w0 = n * K;
      const w1 = w0 + K;
      const w2 = w1 + K;
      const w3 = w2 + K;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < K; k++) {
        const v = x[xo + k]!;
        s0 += v * W[w0 + k]!;
        s1 += v * W[w1 + k]!;
        s2 += v * W[w2 + k]!;
        s3 += v * W[w3 + k]!;
      }
      y[yo + n] = s0 + (b ? b[n]! : 0);
      y[yo + n + 1] = s1 + (b ? b[n + 1]! : 0);
      y[yo + n + 2] = s2 + (b ? b[n + 2]! : 0);
      y[yo + n + 3] = s3 + (b ? b[n + 3]! : 0);
    }
    for (let n = N4; n < N; n++) {
      const wo = n * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += x[xo + k]! * W[wo + k]!;
      y[yo + n] = s + (b ? b[n]! : 0);
    }
  }
  return y;
}

/**
 * Gradients of linearForward: dx[B, K] (unless null), dW[N, K] and db[N] are accumulated into.
 * Rows of dx and of dW each take four contributions per pass.
 */
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
  if (db) for (let i = 0; i < B; i++) for (let n = 0; n < N; n++) db[n]! += dy[i * N + n]!;
  if (dx) {
    const N4 = N - (N % 4);
    for (let i = 0; i < B; i++) {
      const xo = i * K;
      const go = i * N;
      for (let n = 0; n < N4; n += 4) {
        const g0 = dy[go + n]!;
        const g1 = dy[go + n + 1]!;
        const g2 = dy[go + n + 2]!;
        const g3 = dy[go + n + 3]!;
        if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0) continue;
        const w0 = n * K;
        const w1 = w0 + K;
        const w2 = w1 + K;
        const w3 = w2 + K;
        for (let k = 0; k < K; k++)
          dx[xo + k]! += g0 * W[w0 + k]! + g1 * W[w1 + k]! + g2 * W[w2 + k]! + g3 * W[w3 + k]!;
      }
      for (let n = N4; n < N; n++) {
        const g = dy[go + n]!;
        const wo = n * K;
        if (g !== 0) for (let k = 0; k < K; k++) dx[xo + k]! += g * W[wo + k]!;
      }
    }
  }
  const B4 = B - (B % 4);
  for (let n = 0; n < N; n++) {
    const wo = n * K;
    for (let i = 0; i < B4; i += 4) {
      const g0 = dy[i * N + n]!;
      const g1 = dy[(i + 1) * N + n]!;
      const g2 = dy[(i + 2) * N + n]!;
      const g3 = dy[(i + 3) * N + n]!;
      if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0) continue;
      const x0 = i * K;
      const x1 = x0 + K;
      const x2 = x1 + K;
      const x3 = x2 + K;
      for (let k = 0; k < K; k++)
        dW[wo + k]! += g0 * x[x0 + k]! + g1 * x[x1 + k]! + g2 * x[x2 + k]! + g3 * x[x3 + k]!;
    }
    for (let i = B4; i < B; i++) {
      const g = dy[i * N + n]!;
      const xo = i * K;
      if (g !== 0) for (let k = 0; k < K; k++) dW[wo + k]! += g * x[xo + k]!;
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

/**
 * Each row's cross-entropy and the gradient (softmax − one-hot) / B, in float64: the CPU twin of
 * shaders/nn/cross_entropy.wgsl, which leaves the mean to the host. A NaN or +∞ logit makes its
 * row's loss and gradient NaN.
 */
export function crossEntropyRows(
  logits: Float32Array,
  B: number,
  C: number,
  labels: ArrayLike<number>,
): { loss: Float32Array; grad: Float32Array } {
  const loss = new Float32Array(B);
  const grad = new Float32Array(B * C);
  for (let i = 0; i < B; i++) {
    const o = i * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, logits[o + c]!);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(logits[o + c]! - m);
    const lse = m + Math.log(s);
    const y = labels[i]!;
    loss[i] = lse - logits[o + y]!;
    for (let c = 0; c < C; c++)
      grad[o + c] = (Math.exp(logits[o + c]! - lse) - (c === y ? 1 : 0)) / B;
  }
  return { loss, grad };
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

/**
 * Knowledge distillation (Hinton et al.): α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1 − α)·CE(s, y),
 * each term a batch mean, and its gradient with respect to the student's logits s. The T² keeps the
 * soft term's gradient on the scale of the hard one's as T grows.
 */
export function distillationLoss(
  student: Float32Array,
  teacher: Float32Array,
  labels: ArrayLike<number>,
  B: number,
  C: number,
  T: number,
  alpha: number,
): { loss: number; soft: number; hard: number; grad: Float32Array } {
  const scaled = (z: Float32Array) => z.map((v) => v / T);
  const ls = logSoftmax(scaled(student), B, C);
  const lt = logSoftmax(scaled(teacher), B, C);
  const hard = crossEntropy(student, B, C, labels);
  const grad = new Float32Array(B * C);
  let soft = 0;
  for (let i = 0; i < B * C; i++) {
    const pt = Math.exp(lt[i]!);
    soft += pt * (lt[i]! - ls[i]!);
    // d/ds of α·T²·KL/B = α·T·(softmax(s/T) − softmax(t/T))/B
    grad[i] = (alpha * T * (Math.exp(ls[i]!) - pt)) / B + (1 - alpha) * hard.grad[i]!;
  }
  soft /= B;
  return {
    loss: alpha * T * T * soft + (1 - alpha) * hard.loss,
    soft,
    hard: hard.loss,
    grad,
  };
}
