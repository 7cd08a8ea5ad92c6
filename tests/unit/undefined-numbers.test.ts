// Statistics with no value say why in words: all-NaN, all-infinite, empty, constant, all-zero and
// subnormal tensors through the summary and the quantization error, and the text the tab shows.
import { describe, expect, test } from 'vitest';
import { quantError, quantErrorWhy } from '../../src/core/quant/quant-error.ts';
import { quantize } from '../../src/core/quant/quant.ts';
import { DEFAULT_SPEC } from '../../src/core/quant/spec.ts';
import { statWhy, type MomentStat } from '../../src/core/stats/stats.ts';
import { summarizeCpu } from '../../src/core/stats/summary.ts';
import { formatWhy } from '../../src/ui/common/format.ts';

const MOMENTS: MomentStat[] = ['min', 'max', 'mean', 'std', 'absmax', 'kurtosis'];
const stats = (x: number[]) => summarizeCpu(Float32Array.from(x), 16).stats;

describe('tensor statistics without a value', () => {
  test.each([
    ['all NaN', [NaN, NaN, NaN], 'all values are NaN'],
    ['all infinite', [Infinity, -Infinity], 'all values are infinite'],
    ['NaN and infinite', [NaN, Infinity], 'no finite value (1 NaN, 1 infinite)'],
    ['empty', [], 'empty tensor'],
  ])('%s: every moment is NaN, with the reason', (_what, x, why) => {
    const s = stats(x);
    for (const k of MOMENTS) {
      expect(s[k], k).toBeNaN();
      expect(statWhy(s, k), k).toBe(why);
      expect(formatWhy(s[k], statWhy(s, k))).toBe(`undefined (${why})`);
    }
  });

  test('a constant tensor has a mean and std but no kurtosis', () => {
    const s = stats([0.5, 0.5, 0.5, NaN]);
    expect(s.mean).toBe(0.5);
    expect(s.std).toBe(0);
    expect(s.kurtosis).toBeNaN();
    expect(statWhy(s, 'kurtosis')).toBe('constant tensor: no spread');
    expect(formatWhy(s.kurtosis, statWhy(s, 'kurtosis'))).toBe(
      'undefined (constant tensor: no spread)',
    );
    for (const k of ['min', 'max', 'mean', 'std', 'absmax'] as const)
      expect(statWhy(s, k)).toBe(null);
    expect(statWhy(stats([3]), 'kurtosis')).toBe('a single finite value');
  });

  test('an all-zero tensor is constant too; absmax 0 is a value', () => {
    const s = stats([0, 0, 0, 0]);
    expect(s.absmax).toBe(0);
    expect(statWhy(s, 'absmax')).toBe(null);
    expect(statWhy(s, 'kurtosis')).toBe('constant tensor: no spread');
  });

  test('a tensor with spread has every statistic, and no reason', () => {
    const s = stats([1, 2, 3, 10]);
    for (const k of MOMENTS) {
      expect(Number.isFinite(s[k]), k).toBe(true);
      expect(statWhy(s, k), k).toBe(null);
      expect(formatWhy(s[k], null)).not.toMatch(/NaN|undefined/);
    }
  });
});

describe('quantization error without a value', () => {
  const int8 = (x: number[]) =>
    quantize(Float32Array.from(x), [x.length], {
      ...DEFAULT_SPEC,
      granularity: { kind: 'tensor' },
    }).error;

  test.each([
    ['all NaN', [NaN, NaN]],
    ['all infinite', [Infinity, -Infinity]],
    ['empty', []],
  ])('%s: nothing to compare, for every measure', (_what, x) => {
    const e = int8(x);
    expect(e.count).toBe(0);
    for (const k of ['mse', 'sqnrDb', 'cosine', 'split'] as const)
      expect(quantErrorWhy(e, k), k).toMatch(/^no finite value to compare/);
    expect(formatWhy(e.mse, quantErrorWhy(e, 'mse'))).toMatch(/^undefined \(no finite value/);
  });

  test('all zeros: the error is 0, SQNR and cosine have no signal', () => {
    const e = int8([0, 0, 0]);
    expect(e.mse).toBe(0);
    expect(quantErrorWhy(e, 'mse')).toBe(null);
    expect(e.sqnrDb).toBeNaN();
    expect(quantErrorWhy(e, 'sqnrDb')).toBe('all-zero tensor: no signal to compare the error with');
    expect(quantErrorWhy(e, 'cosine')).toBe('all-zero tensor: no direction');
    // No error at all: there is no clipping / rounding split to show.
    expect(quantErrorWhy(e, 'split')).toBe('no error to split');
  });

  test('subnormals that fp16 flushes to zero: SQNR 0 dB, said why', () => {
    // float32 subnormals, far below fp16's smallest subnormal (2^-24).
    const x = Float32Array.from({ length: 16 }, (_, i) => (i % 2 ? 1 : -1) * 1e-40 * (1 + i));
    const e = quantize(x, [16], { ...DEFAULT_SPEC, format: 'fp16' }).error;
    expect(e.sqnrDb).toBe(0);
    expect(e.mse).toBeGreaterThan(0);
    expect(e.mse).toBeLessThan(1e-70);
    const why = quantErrorWhy(e, 'sqnrDb');
    expect(why).toMatch(/every value quantized to zero/);
    expect(formatWhy(e.sqnrDb, why)).toBe(`0 (${why})`);
    expect(quantErrorWhy(e, 'cosine')).toMatch(/every value quantized to zero/);
    // int8 keeps them: its scale is as small as they are.
    expect(quantErrorWhy(int8([...x]), 'sqnrDb')).toBe(null);
  });

  test('an ordinary error needs no words', () => {
    const e = quantError([1, -2, 3], [1.1, -2, 2.9], () => [-3, 3]);
    for (const k of ['mse', 'sqnrDb', 'cosine', 'split'] as const)
      expect(quantErrorWhy(e, k), k).toBe(null);
  });
});
