// Histogram and statistics of one tensor on the GPU, chunked so that no binding exceeds the
// device's storage-binding limit. Pass 1 (reduce_stats) finds range and mean over all chunks;
// pass 2 (central_moments + histogram) needs them, so chunks are uploaded again when there are
// several (a single chunk stays resident between the passes).
import { makeBinning } from '../../core/stats/histogram.ts';
import { summarizeCpu, type Summary } from '../../core/stats/summary.ts';
import {
  emptyMoments,
  emptyRange,
  finishStats,
  meanOf,
  mergeMoments,
  mergeRange,
  momentScale,
  rangeCpu,
} from '../../core/stats/stats.ts';
import { chunkRanges, readBack, uploadF32, type GpuRunOptions } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { encodeCentralMoments } from '../kernels/central_moments.ts';
import { createCounts, encodeHistogram } from '../kernels/histogram.ts';
import { encodeReduceStats } from '../kernels/reduce_stats.ts';

export async function summarizeGpu(
  ctx: GpuContext,
  x: Float32Array,
  bins: number,
  opts: GpuRunOptions = {},
): Promise<Summary> {
  const { device } = ctx;
  // Nothing to bind: an empty tensor's summary is the CPU's, trivially.
  if (x.length === 0) return summarizeCpu(x, bins);
  const chunks = chunkRanges(x.length, ctx.maxBindingBytes);
  const steps = chunks.length * 2;
  let done = 0;
  const step = () => {
    opts.signal?.throwIfAborted();
    opts.onProgress?.(++done / steps);
  };
  let resident: GPUBuffer | null = null;
  const upload = (i: number) => {
    if (resident) return resident;
    const [b, e] = chunks[i]!;
    const buf = uploadF32(device, x, b, e - b);
    if (chunks.length === 1) resident = buf;
    return buf;
  };
  const release = (buf: GPUBuffer) => {
    if (buf !== resident) buf.destroy();
  };

  try {
    // A value of the tensor to sum around (see reduce_stats.wgsl).
    let shift = 0;
    for (let i = 0; i < x.length; i++) {
      if (Number.isFinite(x[i]!)) {
        shift = x[i]!;
        break;
      }
    }
    let range = emptyRange();
    for (let i = 0; i < chunks.length; i++) {
      opts.signal?.throwIfAborted();
      const [b, e] = chunks[i]!;
      const buf = upload(i);
      const temps: GPUBuffer[] = [];
      try {
        const enc = device.createCommandEncoder();
        const r = await encodeReduceStats(device, enc, buf, e - b, shift);
        temps.push(...r.temps);
        const [bytes] = await readBack(device, enc, [r.out]);
        range = mergeRange(range, r.parse(bytes!));
      } finally {
        temps.forEach((t) => t.destroy());
        release(buf);
      }
      step();
    }

    // The GPU adds in float32, which overflows for values near ±3.4e38; the CPU's float64 does not.
    if (!Number.isFinite(range.sum) && range.finite > 0) range = { ...range, sum: rangeCpu(x).sum };
    const mean = meanOf(range);
    const { scale, invScale } = momentScale(range);
    const binning = makeBinning(range.min, range.max, bins);
    const counts = createCounts(device, binning.bins);
    let moments = emptyMoments();
    try {
      for (let i = 0; i < chunks.length; i++) {
        opts.signal?.throwIfAborted();
        const [b, e] = chunks[i]!;
        const buf = upload(i);
        const temps: GPUBuffer[] = [];
        const last = i === chunks.length - 1;
        let cb: ArrayBuffer | undefined;
        try {
          const enc = device.createCommandEncoder();
          const m = await encodeCentralMoments(
            device,
            enc,
            buf,
            e - b,
            Math.fround(mean || 0),
            invScale,
          );
          temps.push(...m.temps);
          temps.push(...(await encodeHistogram(device, enc, buf, e - b, binning, counts)));
          const [mb, c] = await readBack(device, enc, last ? [m.out, counts] : [m.out]);
          moments = mergeMoments(moments, m.parse(mb!));
          cb = c;
        } finally {
          temps.forEach((t) => t.destroy());
          release(buf);
        }
        if (last) {
          return {
            stats: finishStats(x.length, range, moments, scale),
            binning,
            counts: new Uint32Array(cb!),
          };
        }
        step();
      }
    } finally {
      counts.destroy();
    }
    throw new Error('unreachable: no chunks');
  } finally {
    (resident as GPUBuffer | null)?.destroy();
  }
}
