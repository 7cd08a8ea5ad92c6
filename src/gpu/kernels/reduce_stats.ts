// Wrapper of shaders/metrics/reduce_stats.wgsl (twin: rangeCpu in src/core/stats/stats.ts).
import code from '../../../shaders/metrics/reduce_stats.wgsl?raw';
import { emptyRange, mergeRange, type RangePartial } from '../../core/stats/stats.ts';
import { gridFor, pipeline, storage } from '../buffers.ts';
import { checkCounts, encodePass, type KernelRecord } from '../kernel.ts';

const WG = 256;
const PARTIAL_BYTES = 36;

export interface Encoded<T> {
  out: GPUBuffer;
  temps: GPUBuffer[];
  parse(bytes: ArrayBuffer): T;
}

export async function encodeReduceStats(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  n: number,
  shift = 0,
): Promise<Encoded<RangePartial>> {
  checkCounts('reduce_stats', { n });
  // Compiled first: a failure then leaves no buffers behind.
  const p = await pipeline(device, 'reduce_stats', code, { WG });
  const groups = gridFor(n, WG);
  const out = storage(device, groups * PARTIAL_BYTES);
  const temps = encodePass(device, encoder, p, {
    buffers: [x, out],
    params: [
      ['u32', n],
      ['u32', groups * WG],
      ['f32', shift],
    ],
    groups: [groups, 1],
  });
  return {
    out,
    temps: [out, ...temps],
    parse: (b) => parseRangePartials(b, groups, Math.fround(shift)),
  };
}

export const kernel: KernelRecord = {
  stem: 'reduce_stats',
  shader: 'shaders/metrics/reduce_stats.wgsl',
  code,
  twin: { module: 'src/core/stats/stats.ts', name: 'rangeCpu' },
  encode: encodeReduceStats,
};

export function parseRangePartials(bytes: ArrayBuffer, groups: number, shift = 0): RangePartial {
  const v = new DataView(bytes);
  let acc = emptyRange();
  for (let g = 0; g < groups; g++) {
    const o = g * PARTIAL_BYTES;
    const finite = v.getUint32(o + 16, true);
    acc = mergeRange(acc, {
      min: finite ? v.getFloat32(o, true) : Infinity,
      max: finite ? v.getFloat32(o + 4, true) : -Infinity,
      sum: v.getFloat32(o + 8, true) + shift * finite,
      absmax: finite ? v.getFloat32(o + 12, true) : 0,
      finite,
      zeros: v.getUint32(o + 20, true),
      nans: v.getUint32(o + 24, true),
      posInf: v.getUint32(o + 28, true),
      negInf: v.getUint32(o + 32, true),
    });
  }
  return acc;
}
