// The language model's compression as the settings describe it (the tensor panel's weight scheme
// when included, pruning, low rank, the activations and the KV cache), and its one-line description.
import type { CalibrationMethod, LmCompression } from '../../engine/types.ts';
import type { Settings } from '../../presets/fields.ts';
import { quantSpecOf } from '../settings/slice.ts';

/** The calibration lab's methods by the setting's name (the same bins its study uses). */
type CalibrationName = 'minmax' | 'p99.9' | 'p99.99' | 'mse' | 'kl';
const CALIBRATION: Record<CalibrationName, { method: CalibrationMethod; label: string }> = {
  minmax: { method: { kind: 'minmax' }, label: 'MinMax' },
  'p99.9': { method: { kind: 'percentile', percentile: 99.9 }, label: 'percentile 99.9' },
  'p99.99': { method: { kind: 'percentile', percentile: 99.99 }, label: 'percentile 99.99' },
  // MSE over 2048 bins; KL as TensorRT's entropy calibration: 2048 bins folded onto 128 levels.
  mse: { method: { kind: 'mse', bins: 2048 }, label: 'MSE' },
  kl: { method: { kind: 'kl', bins: 2048, levels: 128 }, label: 'KL' },
};

export const CALIBRATION_LABELS = Object.fromEntries(
  Object.entries(CALIBRATION).map(([k, v]) => [k, v.label]),
) as Record<CalibrationName, string>;

function build(s: Settings): LmCompression {
  const cal = CALIBRATION[s.lmCalibration as CalibrationName] ?? CALIBRATION.minmax;
  return {
    weights: s.lmCompare ? quantSpecOf(s) : null,
    prune:
      s.lmPrune === 'magnitude'
        ? { method: 'magnitude', sparsity: s.lmSparsity }
        : s.lmPrune === 'nm24'
          ? { method: '2:4' }
          : null,
    lowRank: s.lmLowRank ? { fraction: s.lmRankFraction } : null,
    activations:
      s.lmActivations === 'w8a8'
        ? { kind: 'w8a8', method: cal.method, calibrationTokens: s.lmCalibrationTokens }
        : s.lmActivations === 'llm.int8'
          ? { kind: 'llm.int8', threshold: s.lmInt8Threshold }
          : null,
    kvCache: s.lmKvCache === 'int8' || s.lmKvCache === 'int4' ? s.lmKvCache : null,
  };
}

let last: { settings: Settings; key: string; c: LmCompression | null } | null = null;

/**
 * The compression the settings describe, or null when nothing is compressed (the base model alone
 * is measured). The same object while it does not change, as `quantSpecOf`'s spec: React
 * selectors need a stable value.
 */
export function lmCompressionOf(settings: Settings): LmCompression | null {
  if (last?.settings === settings) return last.c;
  const built = build(settings);
  const c = Object.values(built).some((v) => v !== null) ? built : null;
  const key = JSON.stringify(c);
  last = { settings, key, c: last?.key === key ? last.c : c };
  return last.c;
}

/** Whether two compressions are the same (results are matched to what they were made with). */
export const sameCompression = (a: LmCompression | null, b: LmCompression | null): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

const pct = (f: number) => `${+(f * 100).toFixed(1)}%`;

function methodLabel(m: CalibrationMethod): string {
  const hit = Object.values(CALIBRATION).find(
    (c) => JSON.stringify(c.method) === JSON.stringify(m),
  );
  return hit?.label ?? m.kind;
}

/** The weight scheme in a few words: "int4 per group of 32", "fp8-e4m3 per tensor". */
function weightsLabel(w: NonNullable<LmCompression['weights']>): string {
  const g = w.granularity;
  const per =
    g.kind === 'tensor'
      ? 'per tensor'
      : g.kind === 'channel'
        ? 'per channel'
        : `per group of ${g.size}`;
  const fmt =
    w.format === 'int'
      ? `int${w.bits}`
      : w.format === 'log2' || w.format === 'quantile'
        ? `${w.format} ${w.bits}-bit`
        : w.format;
  return `${fmt}${w.format === 'int' ? (w.symmetric ? ' symmetric' : ' with zero point') : ''} ${per}`;
}

/** One line saying what was compressed, the parts in the order the engine applies them. */
export function describeLmCompression(c: LmCompression | null): string {
  if (!c) return 'nothing: the base model alone';
  const parts: string[] = [];
  if (c.prune)
    parts.push(
      c.prune.method === '2:4'
        ? 'projections pruned 2:4'
        : `projections pruned by magnitude to ${pct(c.prune.sparsity)} zeros`,
    );
  if (c.lowRank) parts.push(`projections at ${pct(c.lowRank.fraction)} of full rank`);
  if (c.weights) parts.push(`weights ${weightsLabel(c.weights)}`);
  if (c.activations)
    parts.push(
      c.activations.kind === 'w8a8'
        ? `activations int8 (W8A8, ${methodLabel(c.activations.method)} on ${c.activations.calibrationTokens} tokens)`
        : `activations LLM.int8() (outliers ≥ ${c.activations.threshold} in float)`,
    );
  if (c.kvCache) parts.push(`KV cache ${c.kvCache}`);
  return parts.join('; ');
}
