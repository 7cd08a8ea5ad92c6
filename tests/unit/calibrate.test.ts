// Calibrators against numpy and against a numpy/scipy entropy search written from TensorRT's
// description (scripts/oracles/make_calibration_fixtures.py), on the demo MLP's real activations.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  absHistogram,
  calibrate,
  errorAtThreshold,
  klSearch,
  parseMethod,
} from '../../src/core/calib/calibrate.ts';
import { ORACLE_DIR } from '../helpers/fixtures.ts';

interface Case {
  name: string;
  values: number[];
  signed: boolean;
  minmax: number;
  percentile: Record<string, number>;
  kl: number;
  kl_mxnet_bins: number;
  mse: number;
  torch_histogram_observer: { max: number; min: number };
  bin_width: number;
}
const cases = JSON.parse(readFileSync(`${ORACLE_DIR}calibration_cases.json`, 'utf8')) as Case[];

describe('calibration methods match the references', () => {
  for (const c of cases) {
    const x = Float32Array.from(c.values);
    test(
      c.name,
      () => {
        expect(calibrate([x], { kind: 'minmax' }).threshold).toBe(c.minmax);
        for (const [p, want] of Object.entries(c.percentile))
          expect(
            calibrate([x], { kind: 'percentile', percentile: Number(p) }).threshold,
          ).toBeCloseTo(want, 9);
        // The KL pick is the same candidate bin as the numpy / scipy search.
        const kl = calibrate([x], { kind: 'kl', bins: 2048, levels: 128 });
        expect(kl.threshold).toBeCloseTo(c.kl, 9);
        expect(calibrate([x], { kind: 'kl', bins: 8001, levels: 255 }).threshold).toBeCloseTo(
          c.kl_mxnet_bins,
          9,
        );
        expect(calibrate([x], { kind: 'mse', bins: 2048 }).threshold).toBeCloseTo(c.mse, 9);
        expect(kl.signed).toBe(c.signed);
        // torch's HistogramObserver models the error inside each bin and searches an affine range;
        // after a ReLU (where both ranges start at 0) it clips no more than our MSE search does.
        if (!c.signed)
          expect(c.torch_histogram_observer.max).toBeGreaterThanOrEqual(c.mse - c.bin_width);
      },
      60_000,
    );
  }
});

describe('calibration edge cases give a warning, never NaN', () => {
  const methods = ['minmax', 'ema:0.9', 'percentile:99.99', 'mse', 'kl'].map(parseMethod);
  const inputs: Array<[string, Float32Array[], RegExp | null]> = [
    ['all zeros', [new Float32Array(1000)], /all activations are zero/],
    ['nothing', [new Float32Array(0)], /no activations/],
    ['only NaN', [Float32Array.of(NaN, NaN)], /no finite/],
    ['constant', [new Float32Array(5000).fill(2.5)], null],
    [
      'one huge outlier',
      [Float32Array.from({ length: 5000 }, (_, i) => (i === 7 ? 1e6 : Math.sin(i)))],
      null,
    ],
    ['only negative', [Float32Array.from({ length: 5000 }, (_, i) => -1 - (i % 13))], null],
    ['fewer values than bins', [Float32Array.of(0.5, -1, 2)], null],
  ];
  for (const [what, batches, warning] of inputs)
    test(what, () => {
      for (const m of methods) {
        const c = calibrate(batches, m);
        expect(Number.isFinite(c.threshold)).toBe(true);
        expect(Number.isFinite(c.scale) && c.scale > 0).toBe(true);
        if (warning) expect(c.warning).toMatch(warning);
      }
    });

  test('a single outlier: MinMax takes it, the others do not; a huge one defeats the histogram', () => {
    const x = Float32Array.from({ length: 20000 }, (_, i) => (i === 7 ? 50 : Math.sin(i * 0.37)));
    expect(calibrate([x], parseMethod('minmax')).threshold).toBe(50);
    expect(calibrate([x], parseMethod('percentile:99.99')).threshold).toBeLessThan(2);
    // KL's candidates start at bin 128 of 2048 (3.1 here): it cannot go lower, but stays far below 50.
    expect(calibrate([x], parseMethod('kl')).threshold).toBeLessThan(10);
    // MSE keeps it: clipping one value by 49 costs more squared error than coarser rounding of all.
    expect(calibrate([x], parseMethod('mse')).threshold).toBeGreaterThan(20);
    // At 1e4 the whole bulk falls into the first of 2048 bins: the histogram methods say so.
    x[7] = 1e4;
    for (const m of ['mse', 'kl'])
      expect(calibrate([x], parseMethod(m)).warning).toMatch(/first bin holds/);
    expect(calibrate([Float32Array.of(0.5, -1, 2)], parseMethod('kl')).warning).toMatch(
      /only 3 values/,
    );
  });

  test('sparse ReLU outputs are not an outlier; tiny maxima and huge bin counts stay well-defined', () => {
    const sparse = Float32Array.from({ length: 10000 }, (_, i) =>
      i % 100 < 92 ? 0 : 0.5 + (i % 7) / 6,
    );
    for (const m of ['mse', 'kl:128:128'])
      expect(calibrate([sparse], parseMethod(m)).warning).toBeNull();
    const tiny = Float32Array.of(0, 0, 1e-40, 2e-40);
    const h = absHistogram(tiny, 2048);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(h.total);
    const few = Float32Array.from({ length: 1000 }, (_, i) => (i === 0 ? 0.5 : i === 1 ? 1 : 0));
    // With many more empty bins than full ones, smoothing can drive a count negative: such
    // candidates are skipped, never picked as NaN.
    const kl = calibrate([few], parseMethod('kl:8192:128'));
    expect(Number.isFinite(kl.threshold)).toBe(true);
    expect(kl.threshold).toBeGreaterThan(0);
    expect(kl.threshold).toBeLessThanOrEqual(1);
  });

  test('EMA follows the batches', () => {
    const b = [Float32Array.of(1), Float32Array.of(3), Float32Array.of(3)];
    expect(calibrate(b, { kind: 'ema', momentum: 0.5 }).threshold).toBe(2.5);
  });

  test('clipping and rounding error trade places as the threshold moves', () => {
    const x = Float32Array.from({ length: 20000 }, (_, i) => Math.tan((i / 20000 - 0.5) * 3));
    const low = errorAtThreshold(x, 0.5, 8, true);
    const high = errorAtThreshold(x, 15, 8, true);
    expect(low.clipMse).toBeGreaterThan(low.roundMse);
    expect(high.roundMse).toBeGreaterThan(low.roundMse);
    expect(high.clipMse).toBe(0);
    const h = absHistogram(x, 2048);
    const r = klSearch(h, 128);
    expect(r.curve.slice(r.start).some(Number.isFinite)).toBe(true);
  });

  test('bad method strings are refused with a message', () => {
    for (const bad of [
      '',
      'ema',
      'ema:1.5',
      'percentile:0',
      'kl:100:200',
      'kl:2048',
      'minmax:3',
      'foo',
    ])
      expect(() => parseMethod(bad)).toThrow(/method|takes|must/);
  });
});
