// Float matrix products on the GPU with a kernel per shape (chooseMatmul in src/core/matmul.ts):
// matvec.wgsl for a few rows, matmul.wgsl (16 × 16 tiles) for small products, matmul_blocked.wgsl
// (32 × 32 tiles, 4 × 4 outputs per invocation) otherwise. Each has an f16-storage variant where
// the device has shader-f16 (the same text with S = f16; sums stay f32); elsewhere the f32 kernel
// runs on values rounded to f16, which gives the same results. Twin: matmul in src/core/matmul.ts.
import blockedCode from '../../shaders/matmul/matmul_blocked.wgsl?raw';
import tiledCode from '../../shaders/matmul/matmul.wgsl?raw';
import matvecCode from '../../shaders/matmul/matvec.wgsl?raw';
import {
  chooseMatmul,
  MATVEC_MAX_ROWS,
  type MatmulShape,
  type MatmulVariant,
} from '../core/nn/matmul.ts';
import { pipeline, readBack, storage, uniform, uploadF32 } from './buffers.ts';
import type { GpuContext } from './device.ts';
import { f16Source, roundToF16, uploadF16 } from './f16.ts';
import { timedPass, type PassTimer } from './timing.ts';

export type Precision = 'f32' | 'f16';

const SOURCES: Record<MatmulVariant, [string, string]> = {
  matvec: ['matvec', matvecCode],
  tiled: ['matmul', tiledCode],
  blocked: ['matmul_blocked', blockedCode],
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
  const biasBuf = bias ? uploadF32(device, bias, 0, bias.length) : storage(device, 4);
  return {
    precision: native ? 'f16' : rounded ? 'f16 (f32 fallback)' : 'f32',
    async run(a, m, opts = {}) {
      if (a.length !== m * k) throw new RangeError(`A has ${a.length} values, want ${m} × ${k}`);
      const variant = opts.variant ?? chooseMatmul({ m, k, n });
      if (variant === 'matvec' && m > MATVEC_MAX_ROWS)
        throw new RangeError(`the matrix-vector kernel takes at most ${MATVEC_MAX_ROWS} rows`);
      const ab = upload(device, rounded ? roundToF16(a) : a, native);
      const c = storage(device, m * n * 4);
      const temps = [ab, c];
      try {
        const [key, code] = SOURCES[variant];
        const constants: Record<string, number> = { TRANS_B: transB ? 1 : 0, BIAS: bias ? 1 : 0 };
        if (variant === 'matvec') constants.ROWS = Math.max(1, m);
        const p = await pipeline(
          device,
          native ? `${key}_f16` : key,
          native ? f16Source(code) : code,
          constants,
        );
        let groups: [number, number];
        let gx = 0;
        if (variant === 'matvec' && transB) {
          gx = Math.min(n, 65535);
          groups = [gx, Math.ceil(n / gx)];
        } else if (variant === 'matvec') groups = [Math.ceil(n / 64), 1];
        else {
          const t = variant === 'blocked' ? 32 : 16;
          groups = [Math.ceil(n / t), Math.ceil(m / t)];
        }
        const limit = device.limits.maxComputeWorkgroupsPerDimension;
        if (groups[0] > limit || groups[1] > limit)
          throw new RangeError(
            `${m} × ${n} needs ${groups.join(' × ')} workgroups of the ${variant} kernel, over this device's ${limit} per dimension`,
          );
        const params = uniform(device, [
          ['u32', m],
          ['u32', k],
          ['u32', n],
          ['u32', gx],
        ]);
        temps.push(params);
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass(timedPass(opts.timer));
        pass.setPipeline(p);
        pass.setBindGroup(
          0,
          device.createBindGroup({
            layout: p.getBindGroupLayout(0),
            entries: [ab, bb, biasBuf, c, params].map((buffer, binding) => ({
              binding,
              resource: { buffer },
            })),
          }),
        );
        if (m > 0 && n > 0) pass.dispatchWorkgroups(...groups);
        pass.end();
        const [bytes] = await readBack(device, enc, [c]);
        return new Float32Array(bytes!, 0, m * n);
      } finally {
        temps.forEach((t) => t.destroy());
      }
    },
    destroy() {
      bb.destroy();
      biasBuf.destroy();
    },
  };
}
