// `slimlab stats FILE... [--json] [--bins N]`: histogram and statistics of every tensor, read and
// summarised one at a time on the CPU (the reference path), so memory stays near the largest tensor.
import { summarizeCpuSliced } from '../core/stats/summary.ts';
import type { OpenedModel } from '../formats/group.ts';
import type { TensorInfo } from '../formats/model.ts';
import { readTensorF32, type Scratch } from '../formats/tensor-data.ts';

export interface TensorSummaryJson {
  name: string;
  dtype: string;
  shape: number[];
  stats: Record<string, number | null>;
  histogram: { lo: number; hi: number; counts: number[] };
}

/** JSON has no NaN or Infinity: such statistics print as null. */
const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

export async function* summarizeAll(
  m: OpenedModel,
  bins: number,
): AsyncGenerator<TensorSummaryJson> {
  // One read buffer reused for every tensor, so memory stays at the largest tensor.
  const scratch: Scratch = {
    buffer: new ArrayBuffer(m.info.tensors.reduce((a, t) => Math.max(a, t.bytes), 0)),
  };
  const summarize = async (t: TensorInfo) =>
    summarizeCpuSliced(
      await readTensorF32(m.sources.get(t.dataFile ?? m.info.file)!, t, scratch),
      bins,
    );
  for (const t of m.info.tensors) {
    const s = await summarize(t);
    yield {
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      stats: Object.fromEntries(Object.entries(s.stats).map(([k, v]) => [k, finiteOrNull(v)])),
      histogram: { lo: s.binning.lo, hi: s.binning.hi, counts: [...s.counts] },
    };
  }
}
