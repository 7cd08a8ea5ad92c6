// Histogram of |x| over [0, max |x|] on the GPU (histogram.wgsl), chunked under the binding limit:
// the counts the calibrators read (twin: absHistogram in src/core/calibrate.ts, bit-identical bins).
import type { AbsHistogram } from '../../core/calib/calibrate.ts';
import { makeBinning, MAX_BINS } from '../../core/stats/histogram.ts';
import { chunkRanges, readBack, uploadF32 } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { createCounts, encodeHistogram } from '../kernels/histogram.ts';

/** null when the kernel cannot take it (more bins than its workgroup array, or an all-zero input). */
export async function absHistogramGpu(
  ctx: GpuContext,
  x: Float32Array,
  bins: number,
): Promise<AbsHistogram | null> {
  if (bins > MAX_BINS) return null;
  const a = new Float32Array(x.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]!);
    a[i] = v;
    if (v > m && v !== Infinity) m = v;
  }
  m = Math.fround(m);
  // All zero, or a maximum so small that bins / max overflows float32: the CPU twin handles those.
  if (!(m > 0) || !Number.isFinite(Math.fround(bins / m))) return null;
  const binning = makeBinning(0, m, bins);
  const { device } = ctx;
  const counts = createCounts(device, bins);
  try {
    const chunks = chunkRanges(a.length, ctx.maxBindingBytes);
    let bytes: ArrayBuffer | undefined;
    for (const [i, [b, e]] of chunks.entries()) {
      const buf = uploadF32(device, a, b, e - b);
      const enc = device.createCommandEncoder();
      const temps = await encodeHistogram(device, enc, buf, e - b, binning, counts);
      try {
        if (i === chunks.length - 1) [bytes] = await readBack(device, enc, [counts]);
        else device.queue.submit([enc.finish()]);
      } finally {
        temps.forEach((t) => t.destroy());
        buf.destroy();
      }
    }
    const c = Float64Array.from(new Uint32Array(bytes!, 0, bins));
    const total = c.reduce((s, v) => s + v, 0);
    return { counts: c, width: m / bins, max: m, total };
  } finally {
    counts.destroy();
  }
}
