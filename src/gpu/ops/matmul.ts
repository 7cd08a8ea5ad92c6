// Float matrix products on the GPU with a kernel per shape (chooseMatmul in src/core/nn/matmul.ts):
// matvec.wgsl for a few rows, matmul.wgsl (16 × 16 tiles) for small products, matmul_blocked.wgsl
// (32 × 32 tiles, 4 × 4 outputs per invocation) otherwise. Each has an f16-storage variant where
// the device has shader-f16 (the same text with S = f16; sums stay f32); elsewhere the f32 kernel
// runs on values rounded to f16, which gives the same results. Twin: matmul in src/core/nn/matmul.ts.
import { chooseMatmul, type MatmulShape, type MatmulVariant } from '../../core/nn/matmul.ts';
import { readBack, storage, uploadF32 } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { roundToF16, uploadF16 } from '../f16.ts';
import { encodeMatmul } from '../kernels/matmul.ts';
import { encodeMatmulBlocked } from '../kernels/matmul_blocked.ts';
import { encodeMatvec } from '../kernels/matvec.ts';
import type { PassTimer } from '../timing.ts';

export type Precision = 'f32' | 'f16';

/** The wrapper of each variant's kernel (all take the same bindings and options). */
const ENCODERS: Record<MatmulVariant, typeof encodeMatvec> = {
  matvec: encodeMatvec,
  tiled: encodeMatmul,
  blocked: encodeMatmulBlocked,
};

function upload(device: GPUDevice, x: Float32Array, half: boolean): GPUBuffer {
  return half ? uploadF16(device, x) : uploadF32(device, x, 0, x.length);
}

export interface MatmulLayer {
  /** 'f16' stores A and B as f16 on the device; 'f16 (f32 fallback)' rounds them and runs f32. */
  precision: 'f32' | 'f16' | 'f16 (f32 fallback)';
  /** C = A[M, K] · B; the variant is chooseMatmul's unless one is asked for. */
  run(
    a: Float32Array,
    m: number,
    opts?: { variant?: MatmulVariant; timer?: PassTimer | null },
  ): Promise<Float32Array>;
  destroy(): void;
}

/** B ([K, N], or [N, K] with transB) kept on the device and multiplied by any A [M, K]. */
export function matmulLayer(
  ctx: GpuContext,
  b: Float32Array,
  shape: Omit<MatmulShape, 'm'>,
  bias: Float32Array | null = null,
  precision: Precision = 'f32',
): MatmulLayer {
  const { device } = ctx;
  const { k, n } = shape;
  const transB = Boolean(shape.transB);
  if (b.length !== k * n) throw new RangeError(`B has ${b.length} values, want ${k} × ${n}`);
  if (bias && bias.length !== n) throw new RangeError(`bias has ${bias.length} values, want ${n}`);
  const native = precision === 'f16' && ctx.summary.features.includes('shader-f16');
  const rounded = precision === 'f16' && !native;
  const bb = upload(device, rounded ? roundToF16(b) : b, native);
  const biasBuf = bias ? uploadF32(device, bias, 0, bias.length) : null;
  return {
    precision: native ? 'f16' : rounded ? 'f16 (f32 fallback)' : 'f32',
    async run(a, m, opts = {}) {
      if (a.length !== m * k) throw new RangeError(`A has ${a.length} values, want ${m} × ${k}`);
      const variant = opts.variant ?? chooseMatmul({ m, k, n });
      const ab = upload(device, rounded ? roundToF16(a) : a, native);
      const c = storage(device, m * n * 4);
      const temps = [ab, c];
      try {
        const enc = device.createCommandEncoder();
        temps.push(
          ...(await ENCODERS[variant](device, enc, { a: ab, b: bb, bias: biasBuf, c }, m, k, n, {
            transB,
            half: native,
            timer: opts.timer ?? null,
          })),
        );
        const [bytes] = await readBack(device, enc, [c]);
        return new Float32Array(bytes!, 0, m * n);
      } finally {
        temps.forEach((t) => t.destroy());
      }
    },
    destroy() {
      bb.destroy();
      biasBuf?.destroy();
    },
  };
}
