// Seeded random data for tests (mulberry32 + Box-Muller): the same seed gives the same tensor.
import { mulberry32 } from '../../src/core/rng.ts';

export const rng = mulberry32;

export function normal(n: number, seed: number, std = 1, mean = 0): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - r();
    const v = r();
    out[i] = mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

/** Normal data with a few large outliers, like attention projections. */
export function withOutliers(n: number, seed: number, every = 997, size = 80): Float32Array {
  const x = normal(n, seed, 0.02);
  for (let i = 0; i < n; i += every) x[i] = (i % 2 ? -1 : 1) * size * 0.02;
  return x;
}
