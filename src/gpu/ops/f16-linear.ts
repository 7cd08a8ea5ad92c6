// A dense layer with f16 weights and inputs (f32 sums): linear_direct.wgsl's f16 text where the
// device has shader-f16, else linear_direct.wgsl on the same values rounded to f16 (same results,
// twice the bytes). Twin: linearForward on f16-rounded inputs.
import { readBack, storage, uploadF32 } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { roundToF16, uploadF16 } from '../f16.ts';
import { encodeLinearDirect } from '../kernels/linear_direct.ts';
import { directLayer } from './sparse.ts';

export function f16Layer(
  ctx: GpuContext,
  w: Float32Array,
  n: number,
  k: number,
  bias: Float32Array | null,
  prefer?: 'f32',
) {
  const { device } = ctx;
  const native = prefer !== 'f32' && ctx.summary.features.includes('shader-f16');
  if (!native) {
    const inner = directLayer(ctx, roundToF16(w), n, k, bias);
    return {
      variant: 'f32 fallback' as const,
      run: (x: Float32Array, B: number) => inner.run(roundToF16(x), B),
      destroy: () => inner.destroy(),
    };
  }
  const wb = uploadF16(device, w);
  const bb = bias ? uploadF32(device, bias, 0, bias.length) : null;
  return {
    variant: 'f16' as const,
    async run(x: Float32Array, B: number): Promise<Float32Array> {
      const xb = uploadF16(device, x);
      const y = storage(device, B * n * 4);
      const temps: GPUBuffer[] = [xb, y];
      try {
        const enc = device.createCommandEncoder();
        temps.push(
          ...(await encodeLinearDirect(device, enc, { x: xb, w: wb, bias: bb, y }, B, k, n, true)),
        );
        const [bytes] = await readBack(device, enc, [y]);
        return new Float32Array(bytes!, 0, B * n);
      } finally {
        temps.forEach((t) => t.destroy());
      }
    },
    destroy() {
      wb.destroy();
      bb?.destroy();
    },
  };
}
