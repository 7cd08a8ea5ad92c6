// `slimlab stats FILE... [--json] [--bins N]`: histogram and statistics of every tensor, each one
// the engine's analysis (the tab's, on the CPU backend), read one at a time into the session's
// buffer, so memory stays near the largest tensor.
import { jobContext } from '../engine/jobs/context.ts';
import { MAX_BINS } from '../engine/model-view.ts';
import type { TensorAnalysis } from '../engine/types.ts';
import { noFiniteWhy, statWhy, type MomentStat } from '../engine/weights.ts';
import { oneLine, peakMemory, withModel } from './engine.ts';
import { jsonNumber, sigWhy } from './numbers.ts';
import type { Command } from './table.ts';

export interface TensorSummaryJson {
  name: string;
  dtype: string;
  shape: number[];
  /** Full precision; null where undefined, with the reason under `why`. */
  stats: Record<string, number | null>;
  why: Partial<Record<MomentStat | 'histogram', string>>;
  /** null when the tensor has no finite value to bin (`why.histogram` says why). */
  histogram: { lo: number; hi: number; counts: number[] } | null;
}

const MOMENTS: readonly MomentStat[] = ['min', 'max', 'mean', 'std', 'absmax', 'kurtosis'];

export function summaryJson(a: TensorAnalysis): TensorSummaryJson {
  const why: Partial<Record<MomentStat | 'histogram', string>> = {};
  for (const k of MOMENTS) {
    const w = statWhy(a.stats, k);
    if (w !== null) why[k] = w;
  }
  const drawable = a.stats.finite > 0;
  if (!drawable) why.histogram = `nothing to bin: ${noFiniteWhy(a.stats)}`;
  return {
    name: a.tensor,
    dtype: a.dtype,
    shape: a.shape,
    stats: Object.fromEntries(Object.entries(a.stats).map(([k, v]) => [k, jsonNumber(v)])),
    why,
    // The bins of a tensor without a finite value lie on an invented [0, 1] axis: not data.
    histogram: drawable ? { lo: a.lo, hi: a.hi, counts: [...a.counts] } : null,
  };
}

/** One line of `slimlab stats`: five significant digits, undefined statistics in words. */
export function summaryText(s: TensorSummaryJson): string {
  const v = s.stats;
  const stat = (k: MomentStat) => `${k} ${sigWhy(v[k] ?? null, s.why[k])}`;
  // One reason for a tensor without a finite value, not the same words six times.
  const moments =
    v.finite === 0
      ? `no statistics (${s.why.min})`
      : MOMENTS.filter((k) => k !== 'absmax')
          .map(stat)
          .join('  ');
  const inf = (v.posInf ?? 0) + (v.negInf ?? 0);
  return `${s.name}  ${s.dtype} [${s.shape.join(', ')}]  ${moments}  NaN ${v.nans}  Inf ${inf}`;
}

export const stats: Command = {
  name: 'stats',
  synopsis: 'FILE... [--json] [--bins N] [--filter TEXT] [--memory]',
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
    { name: 'filter', type: 'string', arg: 'TEXT', help: 'only tensors whose name contains TEXT' },
    { name: 'memory', type: 'bool', help: 'print the peak resident memory to stderr' },
  ],
  async run(a, { io, engine }) {
    const bins = a.num('bins') ?? 64;
    try {
      const filter = a.text('filter') ?? '';
      await withModel(engine, a.positional, async (m) => {
        for (const t of m.tensors) {
          if (filter && !t.name.includes(filter)) continue;
          const s = summaryJson(
            await engine.run('analyse', { modelId: m.id, tensor: t.name, bins }, jobContext()),
          );
          io.out(a.has('json') ? JSON.stringify(s) : summaryText(s));
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
