// int8 × int8 → int32 matrix product on the GPU: dot4I8Packed where the adapter has the
// packed_4x8_integer_dot_product language feature, the unpacking fallback elsewhere (or on request);
// both are bit-identical to the CPU twin (src/core/nn/int8-matmul.ts).
import { packInt8Rows } from '../../core/nn/int8-matmul.ts';
import { readBack, storage, uploadU32 } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { encodeInt8Matmul } from '../kernels/int8_matmul.ts';
import { encodeInt8MatmulDot4 } from '../kernels/int8_matmul_dot4.ts';

export type Int8Variant = 'dot4' | 'unpacked';

export function int8Variant(ctx: GpuContext, prefer?: Int8Variant): Int8Variant {
  if (prefer === 'unpacked' || !ctx.summary.packedDot4) return 'unpacked';
  return 'dot4';
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
  const encode = variant === 'dot4' ? encodeInt8MatmulDot4 : encodeInt8Matmul;
  const words = Math.ceil(k / 4);
  const wb = uploadU32(device, packInt8Rows(w, n, k));
  return {
    variant,
    async run(a: Int8Array, m: number): Promise<Int32Array> {
      const ab = uploadU32(device, packInt8Rows(a, m, k));
      const c = storage(device, m * n * 4);
      const temps = [ab, c];
      try {
        const enc = device.createCommandEncoder();
        temps.push(...(await encode(device, enc, { a: ab, b: wb, c }, m, n, words)));
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
