// Seeded random data for tests (mulberry32 + Box-Muller): the same seed gives the same tensor.
import { mulberry32, normalArray } from '../../src/core/base/rng.ts';

export const rng = mulberry32;

export const normal = normalArray;

/** Normal data with a few large outliers, like attention projections. */
export function withOutliers(n: number, seed: number, every = 997, size = 80): Float32Array {
  const x = normal(n, seed, 0.02);
  for (let i = 0; i < n; i += every) x[i] = (i % 2 ? -1 : 1) * size * 0.02;
  return x;
}
