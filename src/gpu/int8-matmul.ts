// int8 × int8 → int32 matrix product on the GPU: dot4I8Packed where the adapter has the
// packed_4x8_integer_dot_product language feature, the unpacking fallback elsewhere (or on request);
// both are bit-identical to the CPU twin (src/core/int8-matmul.ts).
import dot4Code from '../../shaders/matmul/int8_matmul_dot4.wgsl?raw';
import fallbackCode from '../../shaders/matmul/int8_matmul.wgsl?raw';
import { packInt8Rows } from '../core/nn/int8-matmul.ts';
import { pipeline, readBack, storage, uniform } from './buffers.ts';
import type { GpuContext } from './device.ts';

export type Int8Variant = 'dot4' | 'unpacked';

export function int8Variant(ctx: GpuContext, prefer?: Int8Variant): Int8Variant {
  if (prefer === 'unpacked' || !ctx.summary.packedDot4) return 'unpacked';
  return 'dot4';
}

function upload(device: GPUDevice, a: Uint32Array): GPUBuffer {
  const b = storage(device, Math.max(4, a.byteLength));
  if (a.length) device.queue.writeBuffer(b, 0, a);
  return b;
}

/** A weight B [N, K] kept on the GPU, multiplied by any A [M, K]. */
export function int8Layer(
  ctx: GpuContext,
  w: Int8Array,
  n: number,
  k: number,
  prefer?: Int8Variant,
) {
  const { device } = ctx;
  const variant = int8Variant(ctx, prefer);
  const words = Math.ceil(k / 4);
  const wb = upload(device, packInt8Rows(w, n, k));
  return {
    variant,
    async run(a: Int8Array, m: number): Promise<Int32Array> {
      const ab = upload(device, packInt8Rows(a, m, k));
      const c = storage(device, m * n * 4);
      const temps = [ab, c];
      try {
        const p = await pipeline(
          device,
          variant === 'dot4' ? 'int8_matmul_dot4' : 'int8_matmul',
          variant === 'dot4' ? dot4Code : fallbackCode,
        );
        const params = uniform(device, [
          ['u32', m],
          ['u32', n],
          ['u32', words],
        ]);
        temps.push(params);
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.setPipeline(p);
        pass.setBindGroup(
          0,
          device.createBindGroup({
            layout: p.getBindGroupLayout(0),
            entries: [ab, wb, c, params].map((buffer, binding) => ({
              binding,
              resource: { buffer },
            })),
          }),
        );
        pass.dispatchWorkgroups(Math.ceil(n / 8), Math.ceil(m / 8));
        pass.end();
        const [bytes] = await readBack(device, enc, [c]);
        return new Int32Array(bytes!, 0, m * n);
      } finally {
        temps.forEach((t) => t.destroy());
      }
    },
    destroy() {
      wb.destroy();
    },
  };
}
