// Parity of the dense-layer kernel (linear.wgsl) and the dense stack with their CPU twins.
import { beforeAll, describe, expect, test } from 'vitest';
import { linearForward } from '../../src/core/nn/nn.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import type { DenseLayer } from '../../src/core/nn/dense.ts';
import { denseStackCpu, denseStackGpu } from '../../src/gpu/ops/dense.ts';
import { normal } from '../helpers/random.ts';
import { DENSE_TOLERANCE } from './tolerances.ts';

let ctx: GpuContext;

beforeAll(async () => {
  const got = await acquireGpu(navigator.gpu);
  if (!got.ok) throw new Error(`this tier needs a WebGPU adapter: ${got.reason}`);
  ctx = got.ctx;
});

function layer(i: number, o: number, seed: number, bias = true): DenseLayer {
  return {
    weight: normal(i * o, seed, 1 / Math.sqrt(i)),
    bias: bias ? normal(o, seed + 1, 0.1) : null,
    in: i,
    out: o,
  };
}

function expectClose(gpu: Float32Array, cpu: Float32Array) {
  const scale = cpu.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
  let worst = 0;
  for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(gpu[i]! - cpu[i]!));
  expect(worst).toBeLessThanOrEqual(DENSE_TOLERANCE * scale);
}

describe('dense layers on the GPU match the CPU twin', () => {
  // Sizes around the 16-wide tile: 1, 15, 16, 17, and the MLP's.
  for (const [rows, k, n] of [
    [1, 1, 1],
    [1, 784, 256],
    [15, 17, 16],
    [17, 33, 10],
    [64, 784, 256],
  ] as const)
    test(`[${rows}, ${k}] · [${n}, ${k}]ᵀ`, async () => {
      const l = layer(k, n, rows + k + n);
      const x = normal(rows * k, 5);
      expectClose(
        await denseStackGpu(ctx, [l], x, rows),
        linearForward(x, rows, k, l.weight, n, l.bias),
      );
    });

  test('no bias', async () => {
    const l = layer(20, 7, 3, false);
    const x = normal(9 * 20, 6);
    expectClose(await denseStackGpu(ctx, [l], x, 9), linearForward(x, 9, 20, l.weight, 7, null));
  });

  test('the MLP stack, with ReLU between layers, in row chunks past a small binding limit', async () => {
    const layers = [layer(784, 256, 1), layer(256, 128, 2), layer(128, 10, 3)];
    const x = normal(300 * 784, 9, 0.5, 0.5);
    const cpu = denseStackCpu(layers, x, 300);
    expectClose(await denseStackGpu(ctx, layers, x, 300), cpu);
    expectClose(
      await denseStackGpu({ ...ctx, maxBindingBytes: 64 * 784 * 4 }, layers, x, 300),
      cpu,
    );
  });
});
