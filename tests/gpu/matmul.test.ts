// Kernels: matvec, matmul, matmul_blocked (shaders/matmul).
// The float matmul kernels (matvec, tiled, register-blocked) against the CPU twin, in both layouts
// of B, at shapes that are and are not multiples of the tiles; the f16 variants; timestamp timing.
import { beforeAll, describe, expect, test } from 'vitest';
import { matmul, type MatmulVariant } from '../../src/core/nn/matmul.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { f16Source, roundToF16 } from '../../src/gpu/f16.ts';
import { KERNELS } from '../../src/gpu/kernels/index.ts';
import { matmulLayer } from '../../src/gpu/ops/matmul.ts';
import { passTimer } from '../../src/gpu/timing.ts';
import { normal } from '../helpers/random.ts';
import { DENSE_TOLERANCE } from './tolerances.ts';

let ctx: GpuContext;
// Read at collection time so that a test the adapter cannot run shows as skipped.
const probe = await navigator.gpu.requestAdapter();
const hasF16 = probe?.features.has('shader-f16') ?? false;
const hasTimestamps = probe?.features.has('timestamp-query') ?? false;

beforeAll(async () => {
  const got = await acquireGpu(navigator.gpu);
  if (!got.ok) throw new Error(`this tier needs a WebGPU adapter: ${got.reason}`);
  ctx = got.ctx;
});

function maxRelErr(got: Float32Array, want: Float32Array): number {
  expect(got.length).toBe(want.length);
  let scale = 1e-30;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i]! - want[i]!) / scale);
  return e;
}

const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 300, 70],
  [3, 129, 65],
  [8, 64, 64],
  [17, 33, 90],
  [64, 64, 64],
  [100, 70, 130],
  [130, 257, 66],
];

describe('float matmul kernels', () => {
  for (const [m, k, n] of SHAPES)
    for (const transB of [false, true])
      test(`[${m}, ${k}] · ${transB ? `[${n}, ${k}]ᵀ` : `[${k}, ${n}]`} + bias: every variant equals the CPU`, async () => {
        const a = normal(m * k, m * 7 + k);
        const b = normal(k * n, n * 3 + k);
        const bias = normal(n, n);
        const want = matmul(a, b, { m, k, n, transB }, bias);
        const layer = matmulLayer(ctx, b, { k, n, transB }, bias);
        try {
          const variants: MatmulVariant[] =
            m <= 8 ? ['matvec', 'tiled', 'blocked'] : ['tiled', 'blocked'];
          for (const variant of variants) {
            const got = await layer.run(a, m, { variant });
            expect(maxRelErr(got, want), variant).toBeLessThan(DENSE_TOLERANCE);
          }
          // And the one chooseMatmul picks.
          expect(maxRelErr(await layer.run(a, m), want)).toBeLessThan(DENSE_TOLERANCE);
        } finally {
          layer.destroy();
        }
      });

  test('without a bias, and with more columns than one dispatch row holds (matvec, Bᵀ)', async () => {
    const [m, k, n] = [2, 4, 66_000];
    const a = normal(m * k, 1);
    const b = normal(k * n, 2);
    const layer = matmulLayer(ctx, b, { k, n, transB: true });
    try {
      const got = await layer.run(a, m, { variant: 'matvec' });
      expect(maxRelErr(got, matmul(a, b, { m, k, n, transB: true }))).toBeLessThan(DENSE_TOLERANCE);
    } finally {
      layer.destroy();
    }
  });

  test('the matrix-vector kernel refuses more rows than it keeps sums for', async () => {
    const layer = matmulLayer(ctx, normal(16, 1), { k: 4, n: 4 });
    try {
      await expect(layer.run(normal(9 * 4, 2), 9, { variant: 'matvec' })).rejects.toThrow(
        /at most 8 rows/,
      );
    } finally {
      layer.destroy();
    }
  });

  test('f16: the native variant where the device has shader-f16, else f32 on rounded values; both equal the CPU on rounded values', async () => {
    const [m, k, n] = [70, 96, 80];
    const a = normal(m * k, 5);
    const b = normal(k * n, 6);
    const want = matmul(roundToF16(a), roundToF16(b), { m, k, n });
    const layer = matmulLayer(ctx, b, { k, n }, null, 'f16');
    try {
      expect(layer.precision).toBe(
        ctx.summary.features.includes('shader-f16') ? 'f16' : 'f16 (f32 fallback)',
      );
      for (const variant of ['matvec', 'tiled', 'blocked'] as const) {
        const rows = variant === 'matvec' ? 4 : m;
        const got = await layer.run(a.subarray(0, rows * k), rows, { variant });
        expect(maxRelErr(got, want.subarray(0, rows * n)), variant).toBeLessThan(DENSE_TOLERANCE);
      }
    } finally {
      layer.destroy();
    }
  });

  // The kernels with an f16-storage variant, from the registry: their real text.
  const halfKernels = Object.values(KERNELS).filter((k) => k.code.includes('alias S = f32;'));

  test('the f16 text of each real kernel differs only in its storage type', () => {
    expect(halfKernels.map((k) => k.stem).sort()).toEqual([
      'flash_attention',
      'linear_direct',
      'matmul',
      'matmul_blocked',
      'matvec',
    ]);
    for (const k of halfKernels) {
      const half = f16Source(k.code);
      expect(half, k.stem).toBe(
        `enable f16;\n${k.code.replace('alias S = f32;', 'alias S = f16;')}`,
      );
      expect(half.match(/alias S = /g), k.stem).toHaveLength(1);
    }
    expect(() => f16Source(KERNELS.int8_matmul!.code)).toThrow(/alias/);
  });

  test.skipIf(!hasF16)(
    'the f16 text of each kernel compiles where the device has shader-f16',
    async () => {
      for (const k of halfKernels) {
        const module = ctx.device.createShaderModule({ code: f16Source(k.code) });
        const errors = (await module.getCompilationInfo()).messages.filter(
          (m) => m.type === 'error',
        );
        expect(
          errors.map((e) => `${e.lineNum}: ${e.message}`),
          k.stem,
        ).toEqual([]);
      }
    },
  );

  test.skipIf(hasF16)(
    'without shader-f16 the f16 text is refused and the f32 text compiles',
    async () => {
      for (const k of halfKernels) {
        const f32 = ctx.device.createShaderModule({ code: k.code });
        const ok = (await f32.getCompilationInfo()).messages.filter((m) => m.type === 'error');
        expect(ok, k.stem).toEqual([]);
      }
      const half = ctx.device.createShaderModule({ code: f16Source(KERNELS.matmul!.code) });
      const errors = (await half.getCompilationInfo()).messages.filter((m) => m.type === 'error');
      expect(errors.length).toBeGreaterThan(0);
    },
  );

  test.skipIf(!hasTimestamps)(
    'timestamp queries time the pass where the device has them',
    async () => {
      const timer = passTimer(ctx)!;
      expect(timer).not.toBeNull();
      const [m, k, n] = [128, 256, 128];
      const layer = matmulLayer(ctx, normal(k * n, 1), { k, n });
      try {
        await layer.run(normal(m * k, 2), m, { timer });
        const ms = await timer.read();
        expect(ms).toBeGreaterThan(0);
        expect(ms).toBeLessThan(60_000);
        expect(await timer.read()).toBe(0);
      } finally {
        layer.destroy();
        timer.destroy();
      }
    },
  );

  test.skipIf(hasTimestamps)('without timestamp-query there is no pass timer', () => {
    expect(passTimer(ctx)).toBeNull();
  });
});
