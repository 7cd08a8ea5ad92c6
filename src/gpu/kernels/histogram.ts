// Wrapper of shaders/metrics/histogram.wgsl (twin: histogramCpu in src/core/stats/histogram.ts).
// Counts accumulate into a caller-owned buffer so chunks of one tensor add up on the GPU.
import code from '../../../shaders/metrics/histogram.wgsl?raw';
import { MAX_BINS, type Binning } from '../../core/stats/histogram.ts';
import { gridFor, pipeline, storage } from '../buffers.ts';
import { check, checkCounts, encodePass, type KernelRecord } from '../kernel.ts';

const WG = 256;

export function createCounts(device: GPUDevice, bins: number): GPUBuffer {
  return storage(device, bins * 4, true);
}

/** Adds the histogram of x[0, n) into `counts`; returns the temporaries to destroy after submit. */
export async function encodeHistogram(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  n: number,
  b: Binning,
  counts: GPUBuffer,
): Promise<GPUBuffer[]> {
  checkCounts('histogram', { n, bins: b.bins });
  check(b.bins <= MAX_BINS, 'histogram', `${b.bins} bins, over the kernel's ${MAX_BINS}`);
  check(
    counts.size >= b.bins * 4,
    'histogram',
    `counts holds ${counts.size / 4} bins, not ${b.bins}`,
  );
  // Compiled first: a failure then leaves no buffers behind.
  const p = await pipeline(device, 'histogram', code, { WG, MAX_BINS });
  const groups = gridFor(n, WG);
  return encodePass(device, encoder, p, {
    buffers: [x, counts],
    params: [
      ['u32', n],
      ['u32', groups * WG],
      ['u32', b.bins],
      ['f32', b.lo],
      ['f32', b.hi],
      ['f32', b.scale],
    ],
    groups: [groups, 1],
  });
}

export const kernel: KernelRecord = {
  stem: 'histogram',
  shader: 'shaders/metrics/histogram.wgsl',
  code,
  twin: { module: 'src/core/stats/histogram.ts', name: 'histogramCpu' },
  encode: encodeHistogram,
};
