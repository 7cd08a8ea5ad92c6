// Wrapper of shaders/matmul/linear.wgsl (twin: linearForward in src/core/nn.ts).
import code from '../../../shaders/matmul/linear.wgsl?raw';
import { pipeline, uniform } from '../buffers.ts';

const TILE = 16;

/** Encodes y = x · Wᵀ + b (then ReLU when asked) for `rows` rows; returns temporaries to destroy. */
export async function encodeLinear(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  b: { x: GPUBuffer; w: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer },
  rows: number,
  k: number,
  n: number,
  relu: boolean,
): Promise<GPUBuffer[]> {
  const p = await pipeline(device, 'linear', code, {
    TILE,
    RELU: relu ? 1 : 0,
    BIAS: b.bias ? 1 : 0,
  });
  const params = uniform(device, [
    ['u32', rows],
    ['u32', k],
    ['u32', n],
  ]);
  // A bias binding is needed even without a bias: the weights stand in, unread.
  const bind = device.createBindGroup({
    layout: p.getBindGroupLayout(0),
    entries: [b.x, b.w, b.bias ?? b.w, b.y, params].map((buffer, binding) => ({
      binding,
      resource: { buffer },
    })),
  });
  const pass = encoder.beginComputePass();
  pass.setPipeline(p);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(Math.ceil(n / TILE), Math.ceil(rows / TILE));
  pass.end();
  return [params];
}
