// A stack of dense layers (ReLU between them, none after the last) on the GPU: the demo MLP's
// forward pass. Weights are uploaded once per call; the batch is cut into row chunks so that no
// binding passes the device's limit, and the activations stay on the GPU between layers.
import type { DenseLayer } from '../../core/nn/dense.ts';
import { linearForward, reluInPlace } from '../../core/nn/nn.ts';
import { readBack, storage, uploadF32 } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { encodeLinear } from '../kernels/linear.ts';

/** The CPU twin of denseStackGpu. */
export function denseStackCpu(
  layers: readonly DenseLayer[],
  x: Float32Array,
  rows: number,
): Float32Array {
  let h = x;
  layers.forEach((l, i) => {
    h = linearForward(h, rows, l.in, l.weight, l.out, l.bias);
    if (i < layers.length - 1) reluInPlace(h);
  });
  return h;
}

export async function denseStackGpu(
  ctx: GpuContext,
  layers: readonly DenseLayer[],
  x: Float32Array,
  rows: number,
): Promise<Float32Array> {
  const { device } = ctx;
  const widest = Math.max(...layers.flatMap((l) => [l.in, l.out]));
  // Rows per dispatch: bounded by the binding limit and by 65,535 workgroups of 16 rows.
  const chunk = Math.max(
    1,
    Math.min(rows, Math.floor(ctx.maxBindingBytes / 4 / widest), 65535 * 16),
  );
  const weights = layers.map((l) => ({
    w: uploadF32(device, l.weight, 0, l.weight.length),
    b: l.bias ? uploadF32(device, l.bias, 0, l.bias.length) : null,
  }));
  const outN = layers.at(-1)!.out;
  const out = new Float32Array(rows * outN);
  try {
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const r = Math.min(chunk, rows - r0);
      const temps: GPUBuffer[] = [uploadF32(device, x, r0 * layers[0]!.in, r * layers[0]!.in)];
      try {
        const enc = device.createCommandEncoder();
        let h = temps[0]!;
        for (const [i, l] of layers.entries()) {
          const y = storage(device, r * l.out * 4);
          temps.push(y);
          temps.push(
            ...(await encodeLinear(
              device,
              enc,
              { x: h, w: weights[i]!.w, bias: weights[i]!.b, y },
              r,
              l.in,
              l.out,
              i < layers.length - 1,
            )),
          );
          h = y;
        }
        const [bytes] = await readBack(device, enc, [h]);
        out.set(new Float32Array(bytes!, 0, r * outN), r0 * outN);
      } finally {
        temps.forEach((t) => t.destroy());
      }
    }
  } finally {
    weights.forEach((w) => {
      w.w.destroy();
      w.b?.destroy();
    });
  }
  return out;
}
