// Wrapper of shaders/nn/mean_tokens.wgsl: the mean over T tokens (forward) and its gradient
// (backward), one invocation per written value (twins: meanTokens and meanTokensBackward in
// src/core/nn/reorder.ts).
import code from '../../../shaders/nn/mean_tokens.wgsl?raw';
import { pipeline } from '../buffers.ts';
import { checkCounts, checkSize, encodePass, groups1d, type KernelRecord } from '../kernel.ts';

/** Forward: src [batch, tokens, dim] → dst [batch, dim]. Backward: dst dx from src dy. */
export async function encodeMeanTokens(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  src: GPUBuffer,
  dst: GPUBuffer,
  batch: number,
  tokens: number,
  dim: number,
  backward: boolean,
): Promise<GPUBuffer[]> {
  checkCounts('mean_tokens', { batch, tokens, dim });
  const full = batch * tokens * dim;
  checkSize('mean_tokens', 'src', src, backward ? batch * dim : full);
  checkSize('mean_tokens', 'dst', dst, backward ? full : batch * dim);
  const total = backward ? full : batch * dim;
  const groups = groups1d(total, 64);
  const p = await pipeline(device, 'mean_tokens', code, { BACKWARD: backward ? 1 : 0 });
  return encodePass(device, enc, p, {
    buffers: [src, dst],
    params: [
      ['u32', total],
      ['u32', tokens],
      ['u32', dim],
    ],
    groups,
  });
}

export const kernel: KernelRecord = {
  stem: 'mean_tokens',
  shader: 'shaders/nn/mean_tokens.wgsl',
  code,
  twin: { module: 'src/core/nn/reorder.ts', name: 'meanTokens' },
  encode: encodeMeanTokens,
};
