// Kernels: int8_matmul, int8_matmul_dot4 (shaders/matmul).
// The int8 matrix product: dot4I8Packed (where the adapter has it) and the unpacking fallback give
// bit-identical int32 results, equal to the CPU twin.
import { beforeAll, describe, expect, test } from 'vitest';
import { int8Matmul } from '../../src/core/nn/int8-matmul.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { int8Layer, int8Variant } from '../../src/gpu/ops/int8-matmul.ts';
import { mulberry32 } from '../../src/core/base/rng.ts';

let ctx: GpuContext;

beforeAll(async () => {
  const got = await acquireGpu(navigator.gpu);
  if (!got.ok) throw new Error(`this tier needs a WebGPU adapter: ${got.reason}`);
  ctx = got.ctx;
});

function int8s(n: number, seed: number, extremes = false): Int8Array {
  const r = mulberry32(seed);
  return Int8Array.from({ length: n }, (_, i) =>
    extremes && i % 5 === 0 ? (i % 2 ? 127 : -128) : Math.floor(r() * 256) - 128,
  );
}

describe('int8 matmul', () => {
  for (const [m, n, k] of [
    [1, 1, 1],
    [3, 5, 7],
    [16, 9, 64],
    [33, 70, 130],
  ] as const)
    test(`[${m}, ${k}] · [${n}, ${k}]ᵀ, both variants bit-identical to the CPU`, async () => {
      const a = int8s(m * k, m + k, true);
      const w = int8s(n * k, n + k + 1, true);
      const want = int8Matmul(a, w, m, n, k);
      const variants = ctx.summary.packedDot4
        ? (['dot4', 'unpacked'] as const)
        : (['unpacked'] as const);
      for (const v of variants) {
        const layer = int8Layer(ctx, w, n, k, v);
        try {
          expect(layer.variant).toBe(v);
          expect([...(await layer.run(a, m))]).toEqual([...want]);
        } finally {
          layer.destroy();
        }
      }
    });

  test('the variant follows the adapter: dot4 exactly where WGSL has packed_4x8_integer_dot_product', async () => {
    const packed = navigator.gpu.wgslLanguageFeatures.has('packed_4x8_integer_dot_product');
    expect(ctx.summary.packedDot4).toBe(packed);
    expect(int8Variant(ctx)).toBe(packed ? 'dot4' : 'unpacked');
    const without = { ...ctx, summary: { ...ctx.summary, packedDot4: false } };
    expect(int8Variant(without)).toBe('unpacked');
    expect(int8Variant(ctx, 'unpacked')).toBe('unpacked');
    // The variant chosen without a preference gives the CPU twin's integers exactly.
    const [m, n, k] = [5, 7, 257];
    const a = int8s(m * k, 1, true);
    const w = int8s(n * k, 2, true);
    const layer = int8Layer(ctx, w, n, k);
    try {
      expect(layer.variant).toBe(packed ? 'dot4' : 'unpacked');
      expect([...(await layer.run(a, m))]).toEqual([...int8Matmul(a, w, m, n, k)]);
    } finally {
      layer.destroy();
    }
  });
});
