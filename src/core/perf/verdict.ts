// When a compression would pay: the latency model asked, for each hardware profile, at which batch
// (or token count) and arithmetic precision the compressed network beats the dense one, so the
// speed table can say it in one line instead of "not faster" cell after cell.
import { PROFILES, type HardwareProfile } from './hardware.ts';
import { atBatch, estimateLatency, type LayerWork, type Precision } from './latency.ts';

/** Below this the estimate is inside the model's own error: not called a speed-up. */
export const PAYS_ABOVE = 1.05;

/** The batches scanned, from one sample to a large offline batch (powers of four). */
export const VERDICT_BATCHES: readonly number[] = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536];

const PRECISIONS: readonly Precision[] = ['fp32', 'fp16', 'int8'];
const BYTES: Record<Precision, number> = { fp32: 4, fp16: 2, int8: 1 };

/**
 * The same work run at another arithmetic precision: bytes scale with the element size. Bias and
 * 2:4 position bytes scale with them, which they would not in a real deployment; they are a few
 * percent of a layer's bytes, well inside the model's error.
 */
export function atPrecision(work: readonly LayerWork[], to: Precision): LayerWork[] {
  return work.map((w) => {
    const f = BYTES[to] / BYTES[w.compute];
    return {
      ...w,
      compute: to,
      weightBytes: w.weightBytes * f,
      activationBytes: w.activationBytes * f,
      ...(w.sparseWeightBytes === undefined ? {} : { sparseWeightBytes: w.sparseWeightBytes * f }),
    };
  });
}

/** Native speed-up of `work` over `dense` on one profile at one batch and precision. */
export function speedup(
  work: readonly LayerWork[],
  dense: readonly LayerWork[],
  p: HardwareProfile,
  batch: number,
  precision?: Precision,
): number {
  const at = (w: readonly LayerWork[]) => atBatch(precision ? atPrecision(w, precision) : w, batch);
  return (
    estimateLatency(at(dense), p, 'native').seconds / estimateLatency(at(work), p, 'native').seconds
  );
}

export interface PayPoint {
  profile: HardwareProfile;
  precision: Precision;
  /** The smallest scanned batch at which it pays, and the speed-up there. */
  batch: number;
  speedup: number;
}

/**
 * For each profile, the cheapest way the compression pays natively: the smallest scanned batch
 * (then the lowest precision, fp32 before fp16 before int8) where the model predicts more than
 * PAYS_ABOVE. Profiles where it never pays are left out.
 */
export function payPoints(
  work: readonly LayerWork[],
  dense: readonly LayerWork[],
  profiles: readonly HardwareProfile[] = PROFILES,
): PayPoint[] {
  const out: PayPoint[] = [];
  for (const p of profiles) {
    let best: PayPoint | null = null;
    for (const precision of PRECISIONS)
      for (const batch of VERDICT_BATCHES) {
        if (best && batch >= best.batch) break;
        const s = speedup(work, dense, p, batch, precision);
        if (s > PAYS_ABOVE) {
          best = { profile: p, precision, batch, speedup: s };
          break;
        }
      }
    if (best) out.push(best);
  }
  return out;
}

const n = (x: number) => x.toLocaleString('en-US');
const short = (p: HardwareProfile) => p.name.replace(/^NVIDIA /, '');

/**
 * One line: where `label` pays (profiles grouped by the batch and precision it first pays at) and
 * what it does at the batch the person chose ("here").
 */
export function speedVerdict(
  label: string,
  work: readonly LayerWork[],
  dense: readonly LayerWork[],
  here: number,
  profiles: readonly HardwareProfile[] = PROFILES,
): { line: string; points: PayPoint[]; fasterHere: string[] } {
  const points = payPoints(work, dense, profiles);
  const fasterHere = profiles
    .filter((p) => speedup(work, dense, p, here) > PAYS_ABOVE)
    .map((p) => p.id);
  const biggest = n(VERDICT_BATCHES.at(-1)!);
  if (!points.length)
    return {
      line: `${label} is no faster on any profile at any batch up to ${biggest} (fp32, fp16 or int8): it saves storage only.`,
      points,
      fasterHere,
    };
  const groups = new Map<string, PayPoint[]>();
  for (const pt of points) {
    const key = `${pt.batch}|${pt.precision}`;
    groups.set(key, [...(groups.get(key) ?? []), pt]);
  }
  const parts = [...groups.values()]
    .sort((a, b) => a[0]!.batch - b[0]!.batch)
    .map((g) => {
      const { batch, precision } = g[0]!;
      const at = batch === 1 ? 'at batch 1' : `at batch ≥ ${n(batch)}`;
      const names = g.map((pt) => short(pt.profile)).join(', ');
      return `on ${names} ${at} with ${precision}`;
    });
  const rest =
    fasterHere.length === 0
      ? `at batch ${n(here)} in fp32 it saves storage only`
      : `at batch ${n(here)} in fp32 it is faster on ${profiles
          .filter((p) => fasterHere.includes(p.id))
          .map(short)
          .join(', ')}`;
  return { line: `${label} pays ${parts.join('; ')}. Here ${rest}.`, points, fasterHere };
}
