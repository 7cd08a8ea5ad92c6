// The |x| histogram the calibrators read: the GPU kernel's counts equal the CPU twin's exactly, and
// the thresholds picked from either are the same.
import { beforeAll, describe, expect, test } from 'vitest';
import { absHistogram, calibrate } from '../../src/core/calib/calibrate.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { absHistogramGpu } from '../../src/gpu/ops/abs-histogram.ts';
import { normal, withOutliers } from '../helpers/random.ts';

let ctx: GpuContext;

beforeAll(async () => {
  const got = await acquireGpu(navigator.gpu);
  if (!got.ok) throw new Error(`this tier needs a WebGPU adapter: ${got.reason}`);
  ctx = got.ctx;
});

describe('|x| histogram kernel matches the CPU twin', () => {
  for (const [name, x] of [
    ['post-ReLU', normal(100_000, 3).map((v) => Math.max(0, v))],
    ['signed with outliers', withOutliers(200_000, 5)],
    ['tiny', Float32Array.of(0.25, -3, 3, 1e-30, NaN, Infinity)],
  ] as const)
    for (const bins of [128, 2048])
      test(`${name}, ${bins} bins`, async () => {
        const gpu = (await absHistogramGpu(ctx, x, bins))!;
        const cpu = absHistogram(x, bins);
        expect([...gpu.counts]).toEqual([...cpu.counts]);
        expect(gpu.max).toBe(cpu.max);
        for (const method of [
          { kind: 'mse', bins } as const,
          { kind: 'kl', bins, levels: Math.min(128, bins) } as const,
        ])
          expect(calibrate([x], method, 8, gpu).threshold).toBe(
            calibrate([x], method, 8).threshold,
          );
      });

  test('chunked past a small binding limit, and refusals the CPU takes over', async () => {
    const x = normal(50_000, 9);
    const small = { ...ctx, maxBindingBytes: 16384 };
    expect([...(await absHistogramGpu(small, x, 2048))!.counts]).toEqual([
      ...absHistogram(x, 2048).counts,
    ]);
    expect(await absHistogramGpu(ctx, x, 8001)).toBeNull();
    expect(await absHistogramGpu(ctx, new Float32Array(10), 2048)).toBeNull();
  });
});
