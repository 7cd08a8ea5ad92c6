// One Adam / AdamW step over a parameter tensor, as the training loop on the GPU takes it: the CPU
// twin of shaders/nn/adam.wgsl. torch.optim.Adam's bias-corrected moments, a decoupled weight
// decay applied first (p ← p·decay, decay = 1 − lr·weight decay), and an optional pruning mask
// whose zero entries get a zero gradient and stay 0.

export interface AdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Step number, from 1 (for the bias corrections). */
  t: number;
  /** Multiplier applied to the weights first: 1 − lr·weight decay (1 for none). */
  decay: number;
}

/** Updates p, m and v in place. */
export function adamUpdate(
  p: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  mask: Float32Array | null,
  s: AdamStep,
): void {
  const c1 = 1 - s.beta1 ** s.t;
  const c2 = 1 - s.beta2 ** s.t;
  for (let i = 0; i < p.length; i++) {
    const off = mask !== null && mask[i] === 0;
    const gi = off ? 0 : g[i]!;
    const w = p[i]! * s.decay;
    const mi = (m[i] = s.beta1 * m[i]! + (1 - s.beta1) * gi);
    const vi = (v[i] = s.beta2 * v[i]! + (1 - s.beta2) * gi * gi);
    p[i] = off ? 0 : w - (s.lr * (mi / c1)) / (Math.sqrt(vi / c2) + s.eps);
  }
}
