// Retraining: prune + fine-tune with fixed masks, and knowledge distillation into a small student.
import type { DistillRequest, PruneMethod } from '../../engine/types.ts';
import { recordVariants } from '../accuracy/actions.ts';
import { client, startJob } from '../jobs/actions.ts';
import { labSize } from '../settings/slice.ts';
import { useStore } from '../store.ts';

const epochsText = (n: number) => `${n} epoch${n === 1 ? '' : 's'}`;

export function pruneLabel(m: PruneMethod): string {
  return m.kind === 'magnitude'
    ? `magnitude, ${Math.round(m.sparsity * 100)}% per layer`
    : `${m.n}:${m.m} structured`;
}

/** Prunes the open demo model and fine-tunes it with the masks held fixed. */
export async function pruneFineTune(method: PruneMethod, epochs: number): Promise<void> {
  const { model, settings } = useStore.getState();
  if (!model?.architecture) return;
  const size = labSize(settings);
  const result = await startJob(
    `Pruning ${model.file} (${pruneLabel(method)}) and fine-tuning ${epochsText(epochs)}`,
    { cancelled: 'Fine-tuning cancelled', failed: (m) => `Pruning failed: ${m}` },
    (opts) => client().run('pruneFineTune', { modelId: model.id, method, epochs, ...size }, opts),
    'training',
  );
  if (!result) return;
  useStore.setState({ prune: { modelId: model.id, method, result } });
  const { bytes, work } = result;
  recordVariants(model, 'pruning', [
    { label: `${pruneLabel(method)}, no fine-tuning`, bytes, work, evaluation: result.pruned },
    {
      label: `${pruneLabel(method)}, fine-tuned ${epochsText(epochs)}`,
      bytes,
      work,
      evaluation: result.tuned,
    },
  ]);
}

/** Distils the open demo model into a small student; curves fill in epoch by epoch. */
export async function distillModel(request: DistillRequest): Promise<void> {
  const { model, settings } = useStore.getState();
  if (!model?.architecture) return;
  const size = labSize(settings);
  const modelId = model.id;
  useStore.setState({ distillation: { modelId, request, points: [], result: null } });
  const result = await startJob(
    `Distilling ${model.file} into ${request.student} (T = ${request.temperature}, α = ${request.alpha})`,
    { cancelled: 'Distillation cancelled', failed: (m) => `Distillation failed: ${m}` },
    (opts) =>
      client().run(
        'distill',
        { modelId, o: request, ...size },
        {
          ...opts,
          onUpdate: (p) =>
            useStore.setState((s) =>
              s.distillation?.modelId === modelId && s.distillation.request === request
                ? { distillation: { ...s.distillation, points: [...s.distillation.points, p] } }
                : {},
            ),
        },
      ),
    'training',
  );
  if (!result) return;
  useStore.setState((s) => ({
    distillation:
      s.distillation?.request === request ? { ...s.distillation, result } : s.distillation,
  }));
  const what = `${request.student}, T = ${request.temperature}, α = ${request.alpha}`;
  const [bytes, work] = [result.studentBytes, result.studentWork];
  recordVariants(model, 'distillation', [
    { label: `${what}: distilled`, bytes, work, evaluation: result.distilled },
    { label: `${request.student}: labels only`, bytes, work, evaluation: result.labelsOnly },
  ]);
}
