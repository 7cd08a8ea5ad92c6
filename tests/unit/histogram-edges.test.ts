// Binning edge cases the numpy fixtures do not reach: huge constants and subnormal ranges.
import { describe, expect, test } from 'vitest';
import { makeBinning } from '../../src/core/stats/histogram.ts';
import { summarizeCpu } from '../../src/core/stats/summary.ts';

describe('a histogram always has a usable range', () => {
  for (const v of [-1e9, 3.0e38, -3.4e38, 2 ** 24 + 2]) {
    test(`constant ${v}: every value lands in the middle bin`, () => {
      const s = summarizeCpu(new Float32Array(100).fill(v), 10);
      expect(Number.isFinite(s.binning.scale)).toBe(true);
      expect(s.binning.lo).toBeLessThan(Math.fround(v));
      expect(s.binning.hi).toBeGreaterThan(Math.fround(v));
      expect(s.counts.reduce((a, b) => a + b, 0)).toBe(100);
    });
  }
  test('a range of two subnormals', () => {
    const x = Float32Array.of(1e-45, 3e-45, 1e-45);
    const s = summarizeCpu(x, 4);
    expect(Number.isFinite(s.binning.scale)).toBe(true);
    expect(s.counts.reduce((a, b) => a + b, 0)).toBe(3);
  });
  test('numpy convention for ordinary constants', () => {
    expect(makeBinning(2, 2, 4)).toMatchObject({ lo: 1.5, hi: 2.5 });
  });
});
