// Kernels: csr_matmul, sparse24_matmul (shaders/prune) and their dense baseline linear_direct.
// Parity of the 2:4 and CSR sparse products (shaders/prune) with their CPU twins, and of both with
// the dense product of the same pruned weight.
import { beforeAll, describe, expect, test } from 'vitest';
import { linearForward } from '../../src/core/nn/nn.ts';
import { magnitudeMask, nmMask } from '../../src/core/prune/prune.ts';
import { compress24, csrMatmul, sparse24Matmul, toCsr } from '../../src/core/prune/sparse.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { csrLayer, directLayer, sparse24Layer } from '../../src/gpu/ops/sparse.ts';
import { normal } from '../helpers/random.ts';
import { DENSE_TOLERANCE } from './tolerances.ts';

let ctx: GpuContext;

beforeAll(async () => {
  const got = await acquireGpu(navigator.gpu);
  if (!got.ok) throw new Error(`this tier needs a WebGPU adapter: ${got.reason}`);
  ctx = got.ctx;
});

function close(a: Float32Array, b: Float32Array) {
  expect(a.length).toBe(b.length);
  const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst).toBeLessThanOrEqual(DENSE_TOLERANCE * scale);
}

function pruned(w: Float32Array, mask: Uint8Array) {
  return w.map((v, i) => (mask[i] ? v : 0));
}

describe('sparse products match the dense product of the same pruned weight', () => {
  for (const [B, K, N] of [
    [1, 4, 1],
    [3, 36, 5],
    [9, 100, 17],
    [64, 256, 128],
  ] as const)
    test(`2:4, [${B}, ${K}] · [${N}, ${K}]ᵀ (metadata words of 8 groups, partial last word)`, async () => {
      const w0 = normal(N * K, K + N, 0.1);
      const w = pruned(w0, nmMask(w0, K, 2, 4));
      const x = normal(B * K, 3);
      const bias = normal(N, 4, 0.1);
      const dense = linearForward(x, B, K, w, N, bias);
      const c = compress24(w, N, K);
      expect(c.values.length).toBe((N * K) / 2);
      close(sparse24Matmul(x, B, c, bias), dense);
      const g = sparse24Layer(ctx, c, bias);
      try {
        close(await g.run(x, B), dense);
      } finally {
        g.destroy();
      }
    });

  for (const sparsity of [0, 0.5, 0.95, 1])
    test(`CSR at ${sparsity * 100}% sparsity (empty rows included)`, async () => {
      const [B, K, N] = [7, 45, 33];
      const w0 = normal(N * K, 11, 0.1);
      const w = pruned(w0, magnitudeMask(w0, sparsity));
      const x = normal(B * K, 5);
      const dense = linearForward(x, B, K, w, N, null);
      const c = toCsr(w, N, K);
      close(csrMatmul(x, B, c, null), dense);
      const g = csrLayer(ctx, c, null);
      try {
        close(await g.run(x, B), dense);
      } finally {
        g.destroy();
      }
    });

  test("the direct dense kernel (the sparse kernels' baseline) matches linearForward", async () => {
    const [B, K, N] = [13, 70, 9];
    const w = normal(N * K, 21, 0.1);
    const x = normal(B * K, 22);
    const bias = normal(N, 23, 0.1);
    const g = directLayer(ctx, w, N, K, bias);
    try {
      close(await g.run(x, B), linearForward(x, B, K, w, N, bias));
    } finally {
      g.destroy();
    }
  });

  test('compressing a weight that is not 2:4 says where', () => {
    const w = Float32Array.from([1, 2, 3, 0, 0, 0, 0, 0]);
    expect(() => compress24(w, 1, 8)).toThrow(/row 0, group 0: 3 non-zeros/);
    expect(() => compress24(new Float32Array(6), 1, 6)).toThrow(/divisible by 4/);
  });
});
