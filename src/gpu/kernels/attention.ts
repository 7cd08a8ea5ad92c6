// Wrapper of shaders/attention/attention.wgsl: the networks' multi-head self-attention over
// qkv [B, T, 3D], T ≤ 64; stage 0 forward, stages 1 and 2 backward (twins: attentionForward and
// attentionBackward in src/core/nn/mha.ts). One invocation per (b, head, row), 64 a workgroup.
import code from '../../../shaders/attention/attention.wgsl?raw';
import { pipeline } from '../buffers.ts';
import {
  check,
  checkCounts,
  checkSize,
  encodePass,
  groups1d,
  scratch,
  type KernelRecord,
} from '../kernel.ts';

/** MAX_T of attention.wgsl. */
export const ATTENTION_MAX_T = 64;

export interface AttentionBindings {
  qkv: GPUBuffer;
  /** dL/dy [B, T, D] (stages 1 and 2). */
  dy: GPUBuffer | null;
  /** softmax probabilities [B, H, T, T]: written by stage 0, read by 1 and 2. */
  probs: GPUBuffer;
  /** dL/dscores [B, H, T, T]: written by stage 1, read by 2. */
  ds: GPUBuffer | null;
  /** y [B, T, D] (stage 0) or dL/dqkv [B, T, 3D] (stages 1, 2). */
  out: GPUBuffer;
}

export async function encodeAttention(
  device: GPUDevice,
  enc: GPUCommandEncoder,
  stage: 0 | 1 | 2,
  b: AttentionBindings,
  batch: number,
  tokens: number,
  dim: number,
  heads: number,
): Promise<GPUBuffer[]> {
  if (tokens > ATTENTION_MAX_T)
    throw new RangeError(`attention over ${tokens} tokens: this kernel takes ${ATTENTION_MAX_T}`);
  checkCounts('attention', { batch, tokens, dim, heads });
  check(dim % heads === 0, 'attention', `dim ${dim} is not a multiple of ${heads} heads`);
  check(
    stage === 0 || (b.dy !== null && b.ds !== null),
    'attention',
    `stage ${stage} needs dy and ds`,
  );
  checkSize('attention', 'probs', b.probs, batch * heads * tokens * tokens);
  checkSize('attention', 'out', b.out, batch * tokens * dim * (stage === 0 ? 1 : 3));
  const p = await pipeline(device, 'attention', code, { STAGE: stage });
  const s = scratch(device);
  return encodePass(device, enc, p, {
    buffers: [b.qkv, b.dy ?? s.dummy, b.probs, b.ds ?? s.sink, b.out],
    params: [
      ['u32', batch],
      ['u32', tokens],
      ['u32', dim],
      ['u32', heads],
    ],
    groups: groups1d(batch * heads * tokens, 64),
  });
}

export const kernel: KernelRecord = {
  stem: 'attention',
  shader: 'shaders/attention/attention.wgsl',
  code,
  twin: { module: 'src/core/nn/mha.ts', name: 'attentionForward' },
  encode: encodeAttention,
};
