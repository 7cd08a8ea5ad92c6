// Wrapper of shaders/metrics/central_moments.wgsl (twin: momentsCpu in src/core/stats/stats.ts).
import code from '../../../shaders/metrics/central_moments.wgsl?raw';
import { emptyMoments, mergeMoments, type MomentPartial } from '../../core/stats/stats.ts';
import { gridFor, pipeline, storage } from '../buffers.ts';
import { checkCounts, encodePass, type KernelRecord } from '../kernel.ts';
import type { Encoded } from './reduce_stats.ts';

const WG = 256;

export async function encodeCentralMoments(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  n: number,
  mean: number,
  invScale: number,
): Promise<Encoded<MomentPartial>> {
  checkCounts('central_moments', { n });
  // Compiled first: a failure then leaves no buffers behind.
  const p = await pipeline(device, 'central_moments', code, { WG });
  const groups = gridFor(n, WG);
  const out = storage(device, groups * 16);
  const temps = encodePass(device, encoder, p, {
    buffers: [x, out],
    params: [
      ['u32', n],
      ['u32', groups * WG],
      ['f32', Math.fround(mean * invScale)],
      ['f32', invScale],
    ],
    groups: [groups, 1],
  });
  return {
    out,
    temps: [out, ...temps],
    parse(bytes) {
      const f = new Float32Array(bytes);
      let acc = emptyMoments();
      for (let g = 0; g < groups; g++) {
        acc = mergeMoments(acc, { m2: f[g * 4]!, m3: f[g * 4 + 1]!, m4: f[g * 4 + 2]! });
      }
      return acc;
    },
  };
}

export const kernel: KernelRecord = {
  stem: 'central_moments',
  shader: 'shaders/metrics/central_moments.wgsl',
  code,
  twin: { module: 'src/core/stats/stats.ts', name: 'momentsCpu' },
  encode: encodeCentralMoments,
};
