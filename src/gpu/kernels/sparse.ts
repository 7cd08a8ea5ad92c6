// Wrappers of shaders/prune/sparse24_matmul.wgsl and csr_matmul.wgsl (twins: src/core/sparse.ts),
// and of their dense baseline with the same mapping, shaders/matmul/linear_direct.wgsl.
import sparse24Code from '../../../shaders/prune/sparse24_matmul.wgsl?raw';
import directCode from '../../../shaders/matmul/linear_direct.wgsl?raw';
import csrCode from '../../../shaders/prune/csr_matmul.wgsl?raw';
import { pipeline, uniform } from '../buffers.ts';

function dispatch(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  p: GPUComputePipeline,
  buffers: GPUBuffer[],
  n: number,
  b: number,
) {
  const bind = device.createBindGroup({
    layout: p.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const pass = enc.beginComputePass();
  pass.setPipeline(p);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(Math.ceil(n / 8), Math.ceil(b / 8));
  pass.end();
}

/** Encodes y = x · Wᵀ (+ b) from a 2:4 compressed weight; returns temporaries to destroy. */
export async function encodeSparse24(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  buf: { x: GPUBuffer; values: GPUBuffer; meta: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer },
  b: number,
  k: number,
  n: number,
): Promise<GPUBuffer[]> {
  const p = await pipeline(device, 'sparse24_matmul', sparse24Code);
  const params = uniform(device, [
    ['u32', b],
    ['u32', k],
    ['u32', n],
    ['u32', buf.bias ? 1 : 0],
  ]);
  dispatch(
    device,
    enc,
    p,
    [buf.x, buf.values, buf.meta, buf.bias ?? buf.values, buf.y, params],
    n,
    b,
  );
  return [params];
}

/** Encodes y = x · Wᵀ (+ b) from a CSR weight; returns temporaries to destroy. */
export async function encodeCsr(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  buf: {
    x: GPUBuffer;
    rowPtr: GPUBuffer;
    colIdx: GPUBuffer;
    values: GPUBuffer;
    bias: GPUBuffer | null;
    y: GPUBuffer;
  },
  b: number,
  k: number,
  n: number,
): Promise<GPUBuffer[]> {
  const p = await pipeline(device, 'csr_matmul', csrCode);
  const params = uniform(device, [
    ['u32', b],
    ['u32', k],
    ['u32', n],
    ['u32', buf.bias ? 1 : 0],
  ]);
  dispatch(
    device,
    enc,
    p,
    [buf.x, buf.rowPtr, buf.colIdx, buf.values, buf.bias ?? buf.values, buf.y, params],
    n,
    b,
  );
  return [params];
}

/** Encodes y = x · Wᵀ (+ b) with the direct dense kernel; returns temporaries to destroy. */
export async function encodeDirect(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  buf: { x: GPUBuffer; w: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer },
  b: number,
  k: number,
  n: number,
): Promise<GPUBuffer[]> {
  const p = await pipeline(device, 'linear_direct', directCode);
  const params = uniform(device, [
    ['u32', b],
    ['u32', k],
    ['u32', n],
    ['u32', buf.bias ? 1 : 0],
  ]);
  dispatch(device, enc, p, [buf.x, buf.w, buf.bias ?? buf.w, buf.y, params], n, b);
  return [params];
}
