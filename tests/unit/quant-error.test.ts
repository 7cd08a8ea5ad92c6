// Quantization error and its clipping / rounding split, against numpy.
import { describe, expect, test } from 'vitest';
import { quantError } from '../../src/core/quant/quant-error.ts';
import { manifest } from '../helpers/fixtures.ts';

describe('quantization error', () => {
  const { x, xhat, range, expected } = manifest().quant_error;
  const r = quantError(x, xhat, () => range);

  test('matches numpy on a clipped int8 scheme', () => {
    expect(r.clipped).toBe(expected.clipped);
    expect(r.clipped).toBeGreaterThan(0);
    for (const k of [
      'mse',
      'clippingMse',
      'roundingMse',
      'sqnrDb',
      'cosine',
      'maxAbsError',
    ] as const) {
      expect(Math.abs(r[k] - expected[k]!), k).toBeLessThanOrEqual(
        1e-12 * Math.max(1, Math.abs(expected[k]!)),
      );
    }
  });

  test('clipping and rounding add up to the total', () => {
    expect(r.clippingMse + r.roundingMse).toBeCloseTo(r.mse, 15);
  });

  test('exact, empty and all-zero cases', () => {
    expect(quantError([1, 2], [1, 2], () => [-2, 2]).sqnrDb).toBe(Infinity);
    expect(quantError([], [], () => [0, 0]).mse).toBeNaN();
    expect(quantError([0, 0], [0, 0], () => [0, 0]).sqnrDb).toBeNaN();
    expect(quantError([NaN, 1], [0, 1], () => [-1, 1]).count).toBe(1);
  });
});
