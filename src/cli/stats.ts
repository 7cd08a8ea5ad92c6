// `slimlab stats FILE... [--json] [--bins N]`: histogram and statistics of every tensor, each one
// the engine's analysis (the tab's, on the CPU backend), read one at a time into the session's
// buffer, so memory stays near the largest tensor.
import { jobContext } from '../engine/jobs/context.ts';
import { MAX_BINS } from '../engine/model-view.ts';
import type { TensorAnalysis } from '../engine/types.ts';
import { oneLine, peakMemory, withModel } from './engine.ts';
import type { Command } from './table.ts';

export interface TensorSummaryJson {
  name: string;
  dtype: string;
  shape: number[];
  stats: Record<string, number | null>;
  histogram: { lo: number; hi: number; counts: number[] };
}

/** JSON has no NaN or Infinity: such statistics print as null. */
const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

export function summaryJson(a: TensorAnalysis): TensorSummaryJson {
  return {
    name: a.tensor,
    dtype: a.dtype,
    shape: a.shape,
    stats: Object.fromEntries(Object.entries(a.stats).map(([k, v]) => [k, finiteOrNull(v)])),
    histogram: { lo: a.lo, hi: a.hi, counts: [...a.counts] },
  };
}

export const stats: Command = {
  name: 'stats',
  synopsis: 'FILE... [--json] [--bins N] [--memory]',
  summary: `histogram and statistics of every tensor (one JSON object a line with --json);
--memory adds the peak resident memory of the process`,
  positional: { min: 1, missing: 'stats needs FILE...' },
  flags: [
    { name: 'json', type: 'bool', help: 'one JSON object a tensor, a line each' },
    {
      name: 'bins',
      type: 'int',
      arg: 'N',
      min: 1,
      max: MAX_BINS,
      default: '64',
      help: 'histogram bins',
    },
    { name: 'memory', type: 'bool', help: 'print the peak resident memory to stderr' },
  ],
  async run(a, { io, engine }) {
    const bins = a.num('bins') ?? 64;
    try {
      await withModel(engine, a.positional, async (m) => {
        for (const t of m.tensors) {
          const s = summaryJson(
            await engine.run('analyse', { modelId: m.id, tensor: t.name, bins }, jobContext()),
          );
          if (a.has('json')) io.out(JSON.stringify(s));
          else {
            const v = s.stats;
            io.out(
              `${s.name}  ${s.dtype} [${s.shape.join(', ')}]  min ${v.min}  max ${v.max}  mean ${v.mean}  std ${v.std}  kurtosis ${v.kurtosis}  NaN ${v.nans}  Inf ${(v.posInf ?? 0) + (v.negInf ?? 0)}`,
            );
          }
        }
      });
    } catch (e) {
      io.err(oneLine(e));
      return 2;
    }
    if (a.has('memory')) io.err(peakMemory());
    return 0;
  },
};
