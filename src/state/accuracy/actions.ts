// The open demo model's accuracy: evaluated with its weights quantized, PTQ against QAT, low rank;
// and the variants table every technique adds its results to.
import type { Evaluation, LayerWork, ModelSummary, WeightRanks } from '../../engine/types.ts';
import { client, startJob } from '../jobs/actions.ts';
import { labSize, quantSpecOf } from '../settings/slice.ts';
import { useStore } from '../store.ts';
import type { VariantRow } from './slice.ts';

/** Adds results to the comparison table (a row with the same model and label is replaced). */
export function recordVariants(
  model: ModelSummary,
  technique: string,
  rows: Array<{ label: string; bytes: number; work: LayerWork[]; evaluation: Evaluation }>,
): void {
  const add: VariantRow[] = rows.map((r) => ({
    key: `${model.id}|${technique}|${r.label}`,
    modelId: model.id,
    model: model.file,
    technique,
    label: r.label,
    bytes: r.bytes,
    work: r.work,
    accuracy: r.evaluation.accuracy,
    testDigits: r.evaluation.count,
    agreement: r.evaluation.agreement,
    kl: r.evaluation.kl,
  }));
  const keys = new Set(add.map((r) => r.key));
  useStore.setState((s) => ({
    variants: [...s.variants.filter((v) => !keys.has(v.key)), ...add],
  }));
}

export function clearVariants(): void {
  useStore.setState({ variants: [] });
}

/** The open demo model's accuracy, as it is and with its weights quantized. */
export async function evaluateModel(): Promise<void> {
  const { model, settings } = useStore.getState();
  const spec = quantSpecOf(settings);
  if (!model?.architecture) return;
  const size = labSize(settings);
  const results = await startJob(
    `Evaluating ${model.file} on the test digits`,
    { cancelled: 'Evaluation cancelled', failed: (m) => `Evaluation failed: ${m}` },
    (opts) => client().run('evaluate', { modelId: model.id, spec, ...size }, opts),
  );
  if (results) {
    useStore.setState({ evaluation: { modelId: model.id, spec, results } });
    recordVariants(model, 'weights quantized', results);
  }
}

/** Quantization-aware fine-tuning against plain PTQ, at 8, 4 and 2 bits (weights and activations). */
export async function compareQat(epochs = 1): Promise<void> {
  const { model, settings } = useStore.getState();
  if (!model?.architecture) return;
  const size = labSize(settings);
  const result = await startJob(
    `Fine-tuning ${model.file} with fake quantization at 8, 4 and 2 bits`,
    { cancelled: 'Quantization-aware training cancelled', failed: (m) => `QAT failed: ${m}` },
    (opts) => client().run('compareQat', { modelId: model.id, epochs, ...size }, opts),
    'training',
  );
  if (!result) return;
  useStore.setState({ qat: { modelId: model.id, result } });
  const rows = (kind: 'PTQ' | 'QAT') =>
    result.rows.map((r) => ({
      label: `${kind} W${r.bits}A${r.bits}`,
      bytes: r.bytes,
      work: r.work,
      evaluation: kind === 'PTQ' ? r.ptq : r.qat,
    }));
  recordVariants(model, 'weights and activations', [...rows('PTQ'), ...rows('QAT')]);
}

/**
 * A model that does not run: each of its Linear and convolution weights at the rank keeping
 * `energy` of its spectrum (ranks, parameters, relative error; no accuracy to measure).
 */
export function factorizeWeights(energy: number): Promise<WeightRanks | undefined> {
  const { model } = useStore.getState();
  if (!model) return Promise.resolve(undefined);
  return startJob(
    `Factorizing the weights of ${model.file} (SVD)`,
    { cancelled: 'Low-rank factorization cancelled', failed: (m) => `Low-rank failed: ${m}` },
    (opts) => client().run('weightLowRank', { modelId: model.id, energy }, opts),
  );
}

/** The open demo model with its weights at the ranks keeping `energy` of their spectra. */
export async function factorize(energy: number, epochs = 0): Promise<void> {
  const { model, settings } = useStore.getState();
  if (!model?.architecture) return;
  const size = labSize(settings);
  const result = await startJob(
    `Factorizing ${model.file} (SVD) and evaluating it`,
    { cancelled: 'Low-rank factorization cancelled', failed: (m) => `Low-rank failed: ${m}` },
    (opts) => client().run('lowRank', { modelId: model.id, energy, epochs, ...size }, opts),
    epochs > 0 ? 'training' : 'analysis',
  );
  if (!result) return;
  useStore.setState({ lowRank: { modelId: model.id, result } });
  const label = `${(energy * 100).toFixed(energy >= 0.999 ? 1 : 0)}% energy`;
  const { bytes, work, tuneEpochs } = result;
  recordVariants(model, 'low rank (SVD)', [
    { label, bytes, work, evaluation: result.evaluation },
    ...(result.tuned
      ? [
          {
            label: `${label}, fine-tuned ${tuneEpochs} epoch${tuneEpochs === 1 ? '' : 's'}`,
            bytes,
            work,
            evaluation: result.tuned,
          },
        ]
      : []),
  ]);
}
