// Kernel: quant_int (shaders/quant).
// Parity of the integer quantization kernel with its CPU twin (core/quant.ts) on a real WebGPU adapter.
import { beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_SPEC, type QuantSpec } from '../../src/core/quant/spec.ts';
import { blockErrors } from '../../src/core/quant/block-error.ts';
import { quantize } from '../../src/core/quant/quant.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { quantizeIntGpu } from '../../src/gpu/ops/quantize.ts';
import { normal, withOutliers } from '../helpers/random.ts';
import { QUANT_TOLERANCE } from './tolerances.ts';

let ctx: GpuContext;

beforeAll(async () => {
  const got = await acquireGpu(navigator.gpu);
  if (!got.ok) throw new Error(`this tier needs a WebGPU adapter: ${got.reason}`);
  ctx = got.ctx;
});

async function expectParity(x: Float32Array, shape: number[], spec: QuantSpec, c = ctx) {
  const map = { rows: 8, cols: 16 };
  const cpu = quantize(x, shape, spec, { codes: true, dequantized: false, errorMap: map });
  const gpu = (await quantizeIntGpu(c, x, shape, spec, {
    codes: true,
    dequantized: false,
    errorMap: map,
  }))!;
  expect(gpu).not.toBeNull();
  expect([...gpu.scales]).toEqual([...cpu.scales]);
  // Codes equal, except a counted off-by-one where x / scale lies within WGSL's division error of a tie.
  let off = 0;
  for (let i = 0; i < x.length; i++) {
    const d = gpu.codes![i]! - cpu.codes![i]!;
    if (d !== 0) {
      expect(Math.abs(d)).toBe(1);
      off++;
    }
  }
  expect(off).toBeLessThanOrEqual(QUANT_TOLERANCE.offByOneFraction * x.length);
  const rel = (g: number, c: number, tol: number) =>
    expect(Math.abs(g - c)).toBeLessThanOrEqual(tol * Math.max(Math.abs(c), 1e-30));
  const tolerance = off ? QUANT_TOLERANCE.withTies : QUANT_TOLERANCE.sums;
  rel(gpu.error.mse, cpu.error.mse, tolerance);
  rel(gpu.error.roundingMse, cpu.error.roundingMse, tolerance);
  expect(gpu.error.clipped).toBe(cpu.error.clipped);
  expect(gpu.error.count).toBe(cpu.error.count);
  expect(Math.abs(gpu.error.sqnrDb - cpu.error.sqnrDb)).toBeLessThan(1e-3);
  const gb = blockErrors(gpu.sums);
  blockErrors(cpu.sums).forEach((b, k) => rel(gb[k]!.mse, b.mse, QUANT_TOLERANCE.withTies));
  gpu.errorMap!.mse.forEach((v, k) => rel(v, cpu.errorMap!.mse[k]!, QUANT_TOLERANCE.withTies));
  return { off, cpu, gpu };
}

describe('integer quantization kernel matches the CPU twin', () => {
  const w = withOutliers(64 * 300, 7);
  const cases: Array<[string, QuantSpec]> = [
    ['int8 symmetric per channel', DEFAULT_SPEC],
    [
      'int4 asymmetric per tensor',
      { ...DEFAULT_SPEC, bits: 4, symmetric: false, granularity: { kind: 'tensor' } },
    ],
    [
      'int4 groups of 32, fp16 scales',
      { ...DEFAULT_SPEC, bits: 4, scaleBits: 16, granularity: { kind: 'group', size: 32 } },
    ],
    [
      'int3 full range, groups of 128 (ragged)',
      { ...DEFAULT_SPEC, bits: 3, restricted: false, granularity: { kind: 'group', size: 128 } },
    ],
    ['int2 clipped at the 99th percentile', { ...DEFAULT_SPEC, bits: 2, clipQuantile: 0.99 }],
    ['int16 per tensor', { ...DEFAULT_SPEC, bits: 16, granularity: { kind: 'tensor' } }],
    ['int8 stochastic rounding', { ...DEFAULT_SPEC, rounding: 'stochastic', seed: 99 }],
  ];
  for (const [name, spec] of cases)
    test(name, async () => {
      await expectParity(w, [64, 300], spec);
    });

  test('a 4-D conv weight in groups along its flattened rows', async () => {
    await expectParity(normal(16 * 8 * 3 * 3, 3, 0.1), [16, 8, 3, 3], {
      ...DEFAULT_SPEC,
      bits: 4,
      symmetric: false,
      granularity: { kind: 'group', size: 32 },
    });
  });

  test('NaN, ±Inf, zeros and a constant channel', async () => {
    const x = normal(4 * 64, 5);
    x[3] = NaN;
    x[70] = Infinity;
    x[71] = -Infinity;
    x.fill(0, 128, 192);
    x.fill(2.5, 192, 256);
    const { cpu, gpu } = await expectParity(x, [4, 64], DEFAULT_SPEC);
    // NaN has no code (the zero point); ±Inf saturate.
    for (const r of [cpu, gpu])
      expect([r.codes![3], r.codes![70], r.codes![71]]).toEqual([0, 127, -127]);
  });

  test('chunked past a small binding limit gives the same answer', async () => {
    const small = { ...ctx, maxBindingBytes: 4096 };
    const x = normal(64 * 300, 11);
    await expectParity(
      x,
      [64, 300],
      { ...DEFAULT_SPEC, bits: 4, granularity: { kind: 'group', size: 64 } },
      small,
    );
    await expectParity(x, [64, 300], { ...DEFAULT_SPEC, granularity: { kind: 'tensor' } }, small);
  });

  test('layouts whose blocks are not contiguous are left to the CPU', async () => {
    const x = normal(6 * 8, 1);
    const r = await quantizeIntGpu(ctx, x, [6, 8], {
      ...DEFAULT_SPEC,
      granularity: { kind: 'channel', axis: 1 },
    });
    expect(r).toBeNull();
    expect(await quantizeIntGpu(ctx, x, [6, 8], { ...DEFAULT_SPEC, format: 'nf4' })).toBeNull();
  });

  test('exact ties: the off-by-one is rare and counted', async () => {
    // Values k + 0.5 times a power-of-two scale are exact ties; the division is exact there too.
    const x = Float32Array.from({ length: 4096 }, (_, i) => ((i % 255) - 127 + 0.5) / 128);
    x[0] = 127.5 / 128;
    const { off } = await expectParity(x, [4096], {
      ...DEFAULT_SPEC,
      granularity: { kind: 'tensor' },
      restricted: false,
    });
    expect(off).toBeLessThanOrEqual(QUANT_TOLERANCE.offByOneFraction * x.length);
  });
});
