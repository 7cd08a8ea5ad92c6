// The pruning lab: one method and what it leaves (on any model's weights; with accuracy on a demo
// that runs), accuracy against sparsity for every method, and gradual pruning with fine-tuning
// against one-shot pruning.
import type {
  GradualResult,
  LabMethod,
  PruneStudy,
  SweepPoint,
  WeightPruneStudy,
} from '../../engine/types.ts';
import { recordVariants } from '../accuracy/actions.ts';
import { client, startJob } from '../jobs/actions.ts';
import { labSize } from '../settings/slice.ts';
import { useStore } from '../store.ts';

/** The sparsities a full sweep measures. */
const SWEEP = [0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98];

/**
 * `points` of the sweep's sparsities (2 to 7), evenly spread by index: always the lightest and the
 * heaviest. Fewer points: a quicker sweep.
 */
export function sweepSparsities(points: number): number[] {
  const last = SWEEP.length - 1;
  const n = Math.max(2, Math.min(SWEEP.length, Math.round(points)));
  return Array.from({ length: n }, (_, k) => SWEEP[Math.round((k * last) / (n - 1))]!);
}

function setPruneLab(
  modelId: string,
  part: Partial<{
    study: PruneStudy | WeightPruneStudy;
    sweep: SweepPoint[];
    gradual: GradualResult;
  }>,
): void {
  useStore.setState((s) => {
    const base =
      s.pruneLab?.modelId === modelId
        ? s.pruneLab
        : { modelId, study: null, sweep: null, gradual: null };
    return { pruneLab: { ...base, ...part } };
  });
}

/**
 * Prunes the open model with one method and shows what it leaves: a demo that runs with its
 * accuracy; any other model on its Linear and convolution weights, with their relative error.
 */
export async function studyPruning(method: LabMethod): Promise<void> {
  const { model, settings } = useStore.getState();
  if (!model) return;
  if (!model.architecture) {
    const weights = await startJob(
      `Pruning the weights of ${model.file}`,
      { cancelled: 'Pruning cancelled', failed: (m) => `Pruning failed: ${m}` },
      (opts) => client().run('pruneWeightStudy', { modelId: model.id, method }, opts),
    );
    if (weights) setPruneLab(model.id, { study: weights });
    return;
  }
  const study = await startJob(
    `Pruning ${model.file}`,
    { cancelled: 'Pruning cancelled', failed: (m) => `Pruning failed: ${m}` },
    (opts) => client().run('pruneStudy', { modelId: model.id, method, ...labSize(settings) }, opts),
  );
  if (!study) return;
  setPruneLab(model.id, { study });
  // Stored in the smallest fp32 layout that holds it.
  const bytes = Math.min(...study.storage.filter((r) => r.bits === 32).map((r) => r.bytes));
  recordVariants(model, 'pruning', [
    { label: `${study.label}, no fine-tuning`, bytes, work: study.work, evaluation: study.pruned },
  ]);
}

/** Accuracy against sparsity for every method, at `points` of the sweep's sparsities. */
export async function sweepPruning(fineTune: boolean, points = SWEEP.length): Promise<void> {
  const { model, settings } = useStore.getState();
  if (!model?.architecture) return;
  const request = {
    modelId: model.id,
    sparsities: sweepSparsities(points),
    fineTune,
    ...labSize(settings),
  };
  const sweep = await startJob(
    `Accuracy against sparsity for ${model.file}${fineTune ? ', fine-tuning each' : ''}`,
    { cancelled: 'Sweep cancelled', failed: (m) => `Sweep failed: ${m}` },
    (opts) => client().run('pruneSweep', request, opts),
    fineTune ? 'training' : 'analysis',
  );
  if (sweep) setPruneLab(model.id, { sweep });
}

/** Gradual pruning with fine-tuning against one-shot pruning. */
export async function pruneGradually(final: number, epochs: number): Promise<void> {
  const { model, settings } = useStore.getState();
  if (!model?.architecture) return;
  const size = labSize(settings);
  const gradual = await startJob(
    `Pruning ${model.file} gradually to ${Math.round(final * 100)}% over ${epochs} epochs`,
    { cancelled: 'Gradual pruning cancelled', failed: (m) => `Gradual pruning failed: ${m}` },
    (opts) => client().run('gradualPrune', { modelId: model.id, final, epochs, ...size }, opts),
    'training',
  );
  if (gradual) setPruneLab(model.id, { gradual });
}
