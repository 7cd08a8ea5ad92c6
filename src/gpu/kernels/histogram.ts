// Wrapper of shaders/metrics/histogram.wgsl (twin: histogramCpu in src/core/histogram.ts).
// Counts accumulate into a caller-owned buffer so chunks of one tensor add up on the GPU.
import code from '../../../shaders/metrics/histogram.wgsl?raw';
import { MAX_BINS, type Binning } from '../../core/stats/histogram.ts';
import { bindAndDispatch, gridFor, pipeline, storage, uniform } from '../buffers.ts';

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
  // Compiled first: a failure then leaves no buffers behind.
  const p = await pipeline(device, 'histogram', code, { WG, MAX_BINS });
  const groups = gridFor(n, WG);
  const params = uniform(device, [
    ['u32', n],
    ['u32', groups * WG],
    ['u32', b.bins],
    ['f32', b.lo],
    ['f32', b.hi],
    ['f32', b.scale],
  ]);
  bindAndDispatch(device, encoder, p, [x, counts, params], groups);
  return [params];
}
