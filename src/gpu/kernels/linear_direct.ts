// Wrapper of shaders/matmul/linear_direct.wgsl: y = x · Wᵀ (+ b) without workgroup memory, 8 × 8
// outputs per workgroup; the dense baseline of the sparse kernels and the f16 layer (twin:
// linearForward in src/core/nn/nn.ts).
import code from '../../../shaders/matmul/linear_direct.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { f16Source } from '../f16.ts';
import { checkCounts, encodePass, scratch, type KernelRecord } from '../kernel.ts';

/** Encodes y[b, n] = x[b, k] · W[n, k]ᵀ (+ bias); x and W as f16 with `half`. */
export async function encodeLinearDirect(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  buf: { x: GPUBuffer; w: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer },
  b: number,
  k: number,
  n: number,
  half = false,
): Promise<GPUBuffer[]> {
  checkCounts('linear_direct', { b, k, n }, 0);
  const p = await pipeline(
    device,
    half ? 'linear_direct_f16' : 'linear_direct',
    half ? f16Source(code) : code,
  );
  return encodePass(device, enc, p, {
    buffers: [buf.x, buf.w, buf.bias ?? scratch(device).dummy, buf.y],
    params: [
      ['u32', b],
      ['u32', k],
      ['u32', n],
      ['u32', buf.bias ? 1 : 0],
    ],
    groups: [Math.ceil(n / 8), Math.ceil(b / 8)],
  });
}

export const kernel: KernelRecord = {
  stem: 'linear_direct',
  shader: 'shaders/matmul/linear_direct.wgsl',
  code,
  twin: { module: 'src/core/nn/nn.ts', name: 'linearForward' },
  encode: encodeLinearDirect,
};
