// Wrapper of shaders/quant/quant_int.wgsl (twin: quantize() in src/core/quant/quant.ts, format 'int').
import code from '../../../shaders/quant/quant_int.wgsl?raw';
import { pipeline, storage } from '../buffers.ts';
import { check, checkCounts, encodePass, scratch, type KernelRecord } from '../kernel.ts';

const WG = 64;
/** Values summed per segment, in this order. */
export const SEGMENT_SUMS = 8;

export interface QuantIntParams {
  segments: number;
  qmin: number;
  qmax: number;
  /** Flat index of the chunk's first element. */
  base: number;
  seedHash: number;
  stochastic: boolean;
}

/**
 * Quantizes x's segments; returns the per-segment sums buffer and the temporaries to destroy after
 * submit. `codes` (one i32 per element of the chunk) is written when given.
 */
export async function encodeQuantInt(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  segments: GPUBuffer,
  blocks: GPUBuffer,
  codes: GPUBuffer | null,
  p: QuantIntParams,
): Promise<{ sums: GPUBuffer; temps: GPUBuffer[] }> {
  checkCounts('quant_int', { segments: p.segments });
  check(p.qmin <= p.qmax, 'quant_int', `qmin ${p.qmin} > qmax ${p.qmax}`);
  const pipe = await pipeline(device, 'quant_int', code, {
    WG,
    CODES: codes ? 1 : 0,
    STOCHASTIC: p.stochastic ? 1 : 0,
  });
  const groups = Math.max(1, Math.min(65535, Math.ceil(p.segments / WG)));
  const sums = storage(device, p.segments * SEGMENT_SUMS * 4);
  const temps = encodePass(device, encoder, pipe, {
    buffers: [x, segments, blocks, codes ?? scratch(device).sink, sums],
    params: [
      ['u32', p.segments],
      ['u32', groups * WG],
      ['f32', p.qmin],
      ['f32', p.qmax],
      ['u32', p.base],
      ['u32', p.seedHash],
    ],
    groups: [groups, 1],
  });
  return { sums, temps: [sums, ...temps] };
}

export const kernel: KernelRecord = {
  stem: 'quant_int',
  shader: 'shaders/quant/quant_int.wgsl',
  code,
  twin: { module: 'src/core/quant/quant.ts', name: 'quantize' },
  encode: encodeQuantInt,
};
