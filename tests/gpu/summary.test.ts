// Kernels: reduce_stats, central_moments, histogram (shaders/metrics).
// Parity of the statistics and histogram kernels with their CPU twins, on a real WebGPU adapter.
import { beforeAll, describe, expect, test } from 'vitest';
import { summarizeCpu } from '../../src/core/stats/summary.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { summarizeGpu } from '../../src/gpu/ops/summarize.ts';
import { normal, withOutliers } from '../helpers/random.ts';
import { statsMismatches } from './tolerances.ts';

let ctx: GpuContext;

beforeAll(async () => {
  const got = await acquireGpu(navigator.gpu);
  if (!got.ok) throw new Error(`this tier needs a WebGPU adapter: ${got.reason}`);
  ctx = got.ctx;
});

async function expectParity(x: Float32Array, bins: number, c: GpuContext = ctx) {
  const gpu = await summarizeGpu(c, x, bins);
  const cpu = summarizeCpu(x, bins);
  expect(statsMismatches(gpu.stats, cpu.stats)).toEqual([]);
  expect(gpu.binning).toEqual(cpu.binning);
  expect([...gpu.counts]).toEqual([...cpu.counts]);
  return { gpu, cpu };
}

describe('statistics and histogram kernels match the CPU twin', () => {
  test('the adapter summary is what the adapter and the device say', async () => {
    const adapter = (await navigator.gpu.requestAdapter())!;
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const s = ctx.summary;
    expect(s.vendor).toBe(info.vendor || 'unknown');
    expect(s.architecture).toBe(info.architecture);
    expect(s.description).toBe(info.description);
    expect(s.isFallback).toBe(Boolean(info.isFallbackAdapter));
    expect(s.features).toEqual([...ctx.device.features].sort());
    for (const f of ['shader-f16', 'subgroups', 'timestamp-query'])
      expect(s.features.includes(f), f).toBe(adapter.features.has(f));
    expect(s.maxStorageBufferBindingSize).toBe(adapter.limits.maxStorageBufferBindingSize);
    expect(s.maxBufferSize).toBe(adapter.limits.maxBufferSize);
    expect(s.maxComputeWorkgroupStorageSize).toBe(ctx.device.limits.maxComputeWorkgroupStorageSize);
    expect(s.packedDot4).toBe(
      navigator.gpu.wgslLanguageFeatures.has('packed_4x8_integer_dot_product'),
    );
    expect(ctx.maxBindingBytes).toBe(Math.min(s.maxStorageBufferBindingSize, s.maxBufferSize));
  });

  // 256 is the workgroup size; 65537 passes 2^16.
  for (const n of [1, 2, 255, 256, 257, 1000, 4095, 65537]) {
    test(`seeded normal data, n = ${n}`, async () => {
      await expectParity(normal(n, n, 0.05, 0.01), 64);
    });
  }

  for (const bins of [1, 7, 16, 256, 1024]) {
    test(`bin count ${bins}`, async () => {
      await expectParity(normal(5000, bins), bins);
    });
  }

  test('heavy outliers (kurtosis in the hundreds)', async () => {
    const { cpu } = await expectParity(withOutliers(100_000, 3), 128);
    expect(cpu.stats.kurtosis).toBeGreaterThan(50);
  });

  test('NaN, ±Inf and ±0 are counted, not summed', async () => {
    const x = Float32Array.from([NaN, Infinity, -Infinity, 0, -0, 1.5, -2.5, NaN, 3, 0]);
    const { gpu } = await expectParity(x, 8);
    expect(gpu.stats).toMatchObject({
      nans: 2,
      posInf: 1,
      negInf: 1,
      zeros: 3,
      finite: 6,
      min: -2.5,
      max: 3,
    });
  });

  test('all-equal tensor gets the range [v − 0.5, v + 0.5] and a NaN kurtosis', async () => {
    const { gpu } = await expectParity(new Float32Array(777).fill(0.25), 10);
    expect(gpu.binning.lo).toBe(-0.25);
    expect(gpu.binning.hi).toBe(0.75);
    expect(gpu.counts[5]).toBe(777);
    expect(gpu.stats.std).toBe(0);
    expect(gpu.stats.kurtosis).toBeNaN();
  });

  test('values exactly on bin edges and at the maximum', async () => {
    const x = new Float32Array(4096);
    for (let i = 0; i < x.length; i++) x[i] = (i % 17) / 16 - 0.5; // edges of 16 bins over [-0.5, 0.5]
    const { gpu } = await expectParity(x, 16);
    expect(gpu.counts[15]).toBeGreaterThan(0);
  });

  test('only non-finite values', async () => {
    const { gpu } = await expectParity(Float32Array.from([NaN, Infinity, NaN]), 4);
    expect(gpu.stats.finite).toBe(0);
    expect([...gpu.counts]).toEqual([0, 0, 0, 0]);
  });

  test('empty tensor', async () => {
    const { gpu } = await expectParity(new Float32Array(0), 4);
    expect(gpu.stats.count).toBe(0);
  });

  test('huge magnitudes do not overflow the fourth moment', async () => {
    const x = normal(3000, 9, 1e30);
    await expectParity(x, 32);
  });

  test('constants of huge magnitude and values near the float32 limit', async () => {
    await expectParity(new Float32Array(500).fill(-1e9), 10);
    const x = normal(2000, 13, 1e37);
    x[0] = 3.4e38;
    x[1] = -3.4e38;
    x[2] = 3.3e38;
    await expectParity(x, 16);
  });

  test('a tensor over the storage-binding limit is processed in chunks', async () => {
    // 4 KiB bindings: 65537 elements take 65 chunks, the last one a single element.
    const small: GpuContext = { ...ctx, maxBindingBytes: 4096 };
    const x = withOutliers(65_537, 11);
    const { gpu } = await expectParity(x, 100, small);
    const whole = await summarizeGpu(ctx, x, 100);
    expect([...gpu.counts]).toEqual([...whole.counts]);
  });

  test('progress reaches the end and abort stops the work', async () => {
    const small: GpuContext = { ...ctx, maxBindingBytes: 4096 };
    const seen: number[] = [];
    await summarizeGpu(small, normal(20_000, 5), 16, { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(5);
    expect(Math.max(...seen)).toBeLessThanOrEqual(1);
    const ctrl = new AbortController();
    const run = summarizeGpu(small, normal(20_000, 6), 16, {
      signal: ctrl.signal,
      onProgress: (f) => f > 0.2 && ctrl.abort(),
    });
    await expect(run).rejects.toThrow();
  });
});
