// Every format of the quantization lab against numpy / ml_dtypes / scipy / torch goldens
// (scripts/oracles/make_quant_fixtures.py), plus the properties goldens cannot pin down.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { llmInt8 } from '../../src/core/quant/llm-int8.ts';
import { NF4_LEVELS } from '../../src/core/quant/codebooks.ts';
import { blockErrors } from '../../src/core/quant/block-error.ts';
import { blockLevels, quantize } from '../../src/core/quant/quant.ts';
import { bitsPerWeight, DEFAULT_SPEC, type QuantSpec } from '../../src/core/quant/spec.ts';
import { blockLayout } from '../../src/core/quant/blocks.ts';
import { ORACLE_DIR } from '../helpers/fixtures.ts';

interface Golden {
  tensors: Record<string, { shape: number[]; values: number[] }>;
  nf4: number[];
  cases: Array<{
    tensor: string;
    spec: QuantSpec;
    xq: number[];
    codes: number[] | null;
    scales: number[];
    error: Record<string, number | null> & { blockMse: number[] };
  }>;
  llmInt8: Array<{
    tensor: string;
    threshold: number;
    outlierColumns: number[];
    mse: number;
    plainMse: number;
  }>;
}

const golden = JSON.parse(readFileSync(`${ORACLE_DIR}quant_cases.json`, 'utf8')) as Golden;
const tensor = (k: string) => ({
  x: Float32Array.from(golden.tensors[k]!.values),
  shape: golden.tensors[k]!.shape,
});

function describeSpec(s: QuantSpec): string {
  const g =
    s.granularity.kind === 'tensor'
      ? 'per tensor'
      : s.granularity.kind === 'channel'
        ? `per channel (axis ${s.granularity.axis})`
        : `groups of ${s.granularity.size}${s.granularity.axis !== undefined ? ` on axis ${s.granularity.axis}` : ''}`;
  const name =
    s.format === 'int'
      ? `int${s.bits} ${s.symmetric ? (s.restricted ? 'sym' : 'sym-full') : 'asym'}`
      : s.format === 'log2' || s.format === 'quantile'
        ? `${s.format}${s.bits}`
        : s.format;
  return `${name} ${g}${s.clipQuantile < 1 ? ` clip ${s.clipQuantile}` : ''}${s.scaleBits === 16 ? ' f16 scales' : ''}`;
}

describe('formats match the independent goldens', () => {
  for (const [i, c] of golden.cases.entries()) {
    test(`${i}: ${c.tensor} ${describeSpec(c.spec)}`, () => {
      const { x, shape } = tensor(c.tensor);
      const q = quantize(x, shape, c.spec, { codes: true });
      expect([...q.scales]).toEqual(c.scales);
      expect([...q.xq!]).toEqual(c.xq);
      if (c.codes) expect([...q.codes!]).toEqual(c.codes);
      const e = q.error;
      const rel = (a: number, b: number) =>
        expect(a).toBeCloseTo(b, 9 - Math.max(0, Math.ceil(Math.log10(Math.abs(b) || 1))));
      rel(e.mse, c.error.mse!);
      rel(e.clippingMse, c.error.clippingMse!);
      rel(e.roundingMse, c.error.roundingMse!);
      expect(e.clipped).toBe(c.error.clipped);
      if (c.error.sqnrDb === null) expect(e.sqnrDb).toBe(Infinity);
      else expect(e.sqnrDb).toBeCloseTo(c.error.sqnrDb!, 8);
      expect(e.cosine).toBeCloseTo(c.error.cosine!, 10);
      expect(e.maxAbsError).toBeCloseTo(c.error.maxAbsError!, 9);
      expect(e.clippingMse + e.roundingMse).toBeCloseTo(e.mse, 12);
      const blocks = blockErrors(q.sums).map((b) => b.mse);
      expect(blocks.length).toBe(c.error.blockMse.length);
      blocks.forEach((m, b) => expect(m).toBeCloseTo(c.error.blockMse[b]!, 9));
    });
  }

  test('the NF4 table equals the levels rebuilt from normal quantiles', () => {
    // The published table is float32; the rebuild in float64 agrees to about one float32 ulp.
    NF4_LEVELS.forEach((v, i) => expect(Math.abs(v - golden.nf4[i]!)).toBeLessThan(2.5e-7));
  });

  for (const g of golden.llmInt8) {
    test(`LLM.int8() decomposition of ${g.tensor} at threshold ${g.threshold}`, () => {
      const { x, shape } = tensor(g.tensor);
      const d = llmInt8(x, shape, g.threshold);
      expect(d.outlierColumns).toEqual(g.outlierColumns);
      expect(d.error.mse).toBeCloseTo(g.mse, 12);
      expect(d.plainError.mse).toBeCloseTo(g.plainMse, 12);
      expect(d.keptFraction).toBe(g.outlierColumns.length / d.cols);
    });
  }
});

describe('scheme properties', () => {
  test('bits per weight count the scale and zero point overhead', () => {
    const L = blockLayout([4096, 4096], { kind: 'group', size: 32 });
    expect(
      bitsPerWeight(
        { ...DEFAULT_SPEC, bits: 4, scaleBits: 16, granularity: { kind: 'group', size: 32 } },
        L,
      ),
    ).toBe(4.5);
    expect(
      bitsPerWeight(
        {
          ...DEFAULT_SPEC,
          bits: 4,
          symmetric: false,
          scaleBits: 16,
          granularity: { kind: 'group', size: 32 },
        },
        L,
      ),
    ).toBe(4 + 20 / 32);
    const ch = blockLayout([4096, 4096], { kind: 'channel', axis: 0 });
    expect(bitsPerWeight({ ...DEFAULT_SPEC, bits: 8 }, ch)).toBeCloseTo(8 + 32 / 4096, 12);
    expect(bitsPerWeight({ ...DEFAULT_SPEC, format: 'bf16' }, ch)).toBe(16);
  });

  test('stochastic rounding is unbiased, lands on a neighbouring level and is fixed by the seed', () => {
    const n = 200_000;
    const x = new Float32Array(n).fill(0.3);
    x[0] = 1; // absmax 1 → scale 1/127
    const spec: QuantSpec = {
      ...DEFAULT_SPEC,
      granularity: { kind: 'tensor' },
      rounding: 'stochastic',
      seed: 7,
    };
    const a = quantize(x, [n], spec, { codes: true });
    const y = 0.3 * 127; // 38.1: codes 38 or 39, 39 about 10% of the time
    let mean = 0;
    let elsewhere = 0;
    for (let i = 1; i < n; i++) {
      const c = a.codes![i]!;
      if (c !== 38 && c !== 39) elsewhere++;
      mean += c;
    }
    expect(elsewhere).toBe(0);
    mean /= n - 1;
    expect(Math.abs(mean - y)).toBeLessThan(4 * Math.sqrt(0.09 / n));
    const again = quantize(x, [n], spec, { codes: true });
    expect(again.codes).toEqual(a.codes);
    const other = quantize(x, [n], { ...spec, seed: 8 }, { codes: true });
    expect(other.codes).not.toEqual(a.codes);
    // Codebooks too: NF4 between its two levels around the value.
    const nf = quantize(x, [n], { ...spec, format: 'nf4' }, { codes: true });
    const seen = new Set(nf.codes!.subarray(1));
    expect([...seen].sort()).toEqual([10, 11]); // 0.246 < 0.3 < 0.338
  });

  test('errors split into clipping and rounding, and the levels bracket the data', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.float({ min: -100, max: 100, noNaN: true }).map((v) => (Math.abs(v) < 1e-30 ? 0 : v)),
          { minLength: 8, maxLength: 64 },
        ),
        fc.constantFrom(
          ...([
            'int',
            'fp8e4m3fn',
            'nf4',
            'log2',
            'binary',
            'ternary',
            'quantile',
            'bf16',
          ] as const),
        ),
        fc.constantFrom(2, 3, 4, 8),
        fc.constantFrom(1, 0.9),
        (vals, format, bits, clipQuantile) => {
          const x = Float32Array.from(vals);
          const rows = 4;
          const shape = [rows, Math.floor(x.length / rows)];
          const xs = x.subarray(0, shape[0]! * shape[1]!);
          const q = quantize(xs, shape, { ...DEFAULT_SPEC, format, bits, clipQuantile });
          const e = q.error;
          expect(e.clippingMse + e.roundingMse).toBeCloseTo(e.mse, 9);
          expect(e.mse).toBeGreaterThanOrEqual(0);
          // Absmax schemes never clip: the largest value lies within half a step of the end level.
          if (
            clipQuantile === 1 &&
            (format === 'int' || format === 'nf4' || format === 'fp8e4m3fn')
          )
            expect(e.clipped).toBe(0);
          const lv = blockLevels(q, 0);
          if (lv) expect([...lv].sort((a, b) => a - b)).toEqual(lv);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('bad specs and shapes are refused with a message', () => {
    const x = new Float32Array(6);
    expect(() => quantize(x, [2, 3], { ...DEFAULT_SPEC, bits: 9 })).toThrow(/2 to 8 or 16 bits/);
    expect(() => quantize(x, [4, 3], DEFAULT_SPEC)).toThrow(/do not fill/);
    expect(() =>
      quantize(x, [2, 3], { ...DEFAULT_SPEC, granularity: { kind: 'channel', axis: 2 } }),
    ).toThrow(/axis 2/);
    expect(() =>
      quantize(x, [2, 3], { ...DEFAULT_SPEC, granularity: { kind: 'group', size: 0 } }),
    ).toThrow(/group size/);
  });

  test('empty, constant, zero and non-finite tensors give defined results', () => {
    expect(quantize(new Float32Array(0), [0, 4], DEFAULT_SPEC).error.count).toBe(0);
    const z = quantize(new Float32Array(8), [2, 4], DEFAULT_SPEC);
    expect(z.error.mse).toBe(0);
    expect([...z.xq!]).toEqual(new Array(8).fill(0));
    const c = quantize(new Float32Array(8).fill(-3), [2, 4], { ...DEFAULT_SPEC, symmetric: false });
    expect(c.error.mse).toBeLessThan(1e-12);
    const bad = Float32Array.from([1, NaN, Infinity, -2]);
    const b = quantize(bad, [4], { ...DEFAULT_SPEC, granularity: { kind: 'tensor' } });
    expect(b.error.count).toBe(2);
    expect(Number.isFinite(b.error.mse)).toBe(true);
  });

  test('extreme magnitudes stay finite: log2 scales, int scales near FLT_MAX', () => {
    const big = Float32Array.from([3e38, 1, -2]);
    const l = quantize(big, [3], {
      ...DEFAULT_SPEC,
      format: 'log2',
      bits: 4,
      granularity: { kind: 'tensor' },
    });
    expect(l.error.count).toBe(3);
    expect([...l.xq!].every(Number.isFinite)).toBe(true);
    const max = Float32Array.from([3.4028234663852886e38, 1, -3.4028234663852886e38]);
    const spec: QuantSpec = { ...DEFAULT_SPEC, granularity: { kind: 'tensor' } };
    const fast = quantize(max, [3], spec, { dequantized: false });
    const full = quantize(max, [3], spec);
    expect(fast.error.count).toBe(3);
    expect(full.error.mse).toBe(fast.error.mse);
    expect([...full.xq!].every(Number.isFinite)).toBe(true);
  });

  test('clipping moves the quantile codebook', () => {
    const x = Float32Array.from({ length: 4096 }, (_, i) => Math.tan((i / 4096 - 0.5) * 3));
    const spec: QuantSpec = {
      ...DEFAULT_SPEC,
      format: 'quantile',
      bits: 3,
      granularity: { kind: 'tensor' },
    };
    const a = quantize(x, [4096], spec);
    const b = quantize(x, [4096], { ...spec, clipQuantile: 0.9 });
    expect([...b.levels!]).not.toEqual([...a.levels!]);
    expect(Math.max(...b.levels!)).toBeLessThanOrEqual(1);
  });
});
