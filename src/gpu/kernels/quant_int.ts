// Wrapper of shaders/quant/quant_int.wgsl (twin: quantize() in src/core/quant.ts, format 'int').
import code from '../../../shaders/quant/quant_int.wgsl?raw';
import { bindAndDispatch, pipeline, storage, uniform } from '../buffers.ts';

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
  const pipe = await pipeline(device, 'quant_int', code, {
    WG,
    CODES: codes ? 1 : 0,
    STOCHASTIC: p.stochastic ? 1 : 0,
  });
  const groups = Math.max(1, Math.min(65535, Math.ceil(p.segments / WG)));
  const sums = storage(device, p.segments * SEGMENT_SUMS * 4);
  const dummy = codes ? null : storage(device, 4);
  const params = uniform(device, [
    ['u32', p.segments],
    ['u32', groups * WG],
    ['f32', p.qmin],
    ['f32', p.qmax],
    ['u32', p.base],
    ['u32', p.seedHash],
  ]);
  bindAndDispatch(
    device,
    encoder,
    pipe,
    [x, segments, blocks, codes ?? dummy!, sums, params],
    groups,
  );
  return { sums, temps: [sums, params, ...(dummy ? [dummy] : [])] };
}
