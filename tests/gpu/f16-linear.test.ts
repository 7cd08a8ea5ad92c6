// The f16 dense layer: with shader-f16 (where the adapter has it) and through the f32 fallback, the
// same results as linearForward on f16-rounded inputs.
import { beforeAll, describe, expect, test } from 'vitest';
import { linearForward } from '../../src/core/nn/nn.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { f16Layer } from '../../src/gpu/ops/f16-linear.ts';
import { roundToF16 } from '../../src/gpu/f16.ts';
import { normal } from '../helpers/random.ts';

let ctx: GpuContext;

beforeAll(async () => {
  const got = await acquireGpu(navigator.gpu);
  if (!got.ok) throw new Error(`this tier needs a WebGPU adapter: ${got.reason}`);
  ctx = got.ctx;
});

describe('f16 dense layer', () => {
  for (const [B, K, N, withBias] of [
    [1, 3, 1, false],
    [5, 33, 7, true],
    [64, 256, 40, true],
  ] as const)
    test(`[${B}, ${K}] · [${N}, ${K}]ᵀ${withBias ? ' + b' : ''}: both variants equal the f16-rounded CPU product`, async () => {
      const w = normal(N * K, K + N, 0.2);
      const x = normal(B * K, 7);
      const bias = withBias ? normal(N, 9, 0.1) : null;
      const want = linearForward(roundToF16(x), B, K, roundToF16(w), N, bias);
      const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
      const variants = ctx.summary.features.includes('shader-f16')
        ? ([undefined, 'f32'] as const)
        : (['f32'] as const);
      for (const prefer of variants) {
        const layer = f16Layer(ctx, w, N, K, bias, prefer);
        try {
          const got = await layer.run(x, B);
          let worst = 0;
          for (let i = 0; i < want.length; i++)
            worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
          expect(worst / scale, layer.variant).toBeLessThan(1e-5);
        } finally {
          layer.destroy();
        }
      }
    });

  test('without shader-f16 the f32 fallback is chosen', () => {
    const noF16 = { ...ctx, summary: { ...ctx.summary, features: [] } };
    const layer = f16Layer(noF16, new Float32Array(4), 1, 4, null);
    expect(layer.variant).toBe('f32 fallback');
    layer.destroy();
  });
});
