// Quantizing the selected tensor under the settings' spec, the formats compared with it, LLM.int8()
// on it, and the model-wide ranking and planner measurements.
import type { QuantSpec } from '../../engine/types.ts';
import { isValidSetting, SPEC_SETTINGS, specSettings } from '../../presets/schema.ts';
import { afterPaint } from '../frames.ts';
import { client, notify, runningJobTag, startJob } from '../jobs/actions.ts';
import { isLanguageModel, measureLmPlanOptions } from '../lm/actions.ts';
import { lockedByLesson, setSetting } from '../settings/actions.ts';
import { quantSpecOf } from '../settings/slice.ts';
import { useStore } from '../store.ts';

/** Past this many values a quantization shows a preview on a sample before the full result. */
const PREVIEW_OVER = 2 << 20;

const specNow = () => quantSpecOf(useStore.getState().settings);

/** The tag of a tensor's analysis, which quantizes the tensor under the settings of when it ends. */
export const analysisTag = (modelId: string, tensor: string) => `analyse:${modelId}:${tensor}`;

/** What the chosen quantization spec does to the selected tensor, and how others compare. */
export async function quantizeSelected(kind: 'analysis' | 'follow-up' = 'analysis'): Promise<void> {
  const { model, selected, analysis: shown } = useStore.getState();
  const spec = specNow();
  if (!model || !selected) return;
  // The tensor's analysis is still running (a new histogram size, say): it quantizes under the
  // newest settings when it ends, so cancelling it here would only lose the histogram.
  if (runningJobTag() === analysisTag(model.id, selected)) return;
  const req = { modelId: model.id, tensor: selected, spec };
  // A large tensor answers first from its sample (milliseconds), then from every value.
  if (shown && shown.tensor === selected && shown.shape.reduce((p, d) => p * d, 1) > PREVIEW_OVER) {
    const p = await client()
      .run('quantizePreview', req)
      .catch(() => null);
    if (p && useStore.getState().selected === selected && specNow() === spec) {
      useStore.setState({ quant: { ...p, tensor: selected } });
      // Let the preview paint before the whole tensor is quantized: on a machine with few cores
      // the worker's full pass competes with the page for the frame.
      await afterPaint();
    }
    // A newer setting or tensor while the preview ran: its own call quantizes; this one stops.
    if (useStore.getState().selected !== selected || specNow() !== spec) return;
  }
  const r = await startJob(
    `Quantizing ${selected}`,
    { cancelled: `Quantization of ${selected} cancelled`, failed: (m) => m },
    (opts) => client().run('quantize', req, opts),
    kind,
  );
  if (!r) return;
  useStore.setState({ quant: { ...r, tensor: selected } });
  const c = await startJob(
    `Comparing formats on ${selected}`,
    { cancelled: `Comparison on ${selected} cancelled`, failed: (m) => m },
    (opts) => client().run('compare', req, opts),
    'follow-up',
  );
  if (!c) return;
  useStore.setState({ comparison: { ...c, tensor: selected, spec } });
  const a = useStore.getState().analysis;
  if (a && a.tensor === selected && a.shape.length >= 2)
    await decomposeSelected(useStore.getState().settings.int8Threshold, 'follow-up');
}

/** Changes the quantization spec (unless a lesson locked a part that changes) and requantizes. */
export async function setQuantSpec(change: Partial<QuantSpec>): Promise<void> {
  const s = specNow();
  const changed = (Object.keys(change) as Array<keyof QuantSpec>).filter(
    (k) => JSON.stringify(change[k]) !== JSON.stringify(s[k]),
  );
  if (lockedByLesson(changed.flatMap((k) => SPEC_SETTINGS[k]))) return;
  const next = specSettings({ ...s, ...change });
  useStore.setState((st) => ({ settings: { ...st.settings, ...next } }));
  await quantizeSelected();
}

/** LLM.int8() decomposition of the selected tensor at a threshold. */
export async function decomposeSelected(
  threshold: number,
  kind: 'analysis' | 'follow-up' = 'analysis',
): Promise<void> {
  const { model, selected, settings } = useStore.getState();
  if (threshold !== settings.int8Threshold) {
    if (lockedByLesson(['int8Threshold'])) return;
    if (!isValidSetting('int8Threshold', threshold)) {
      notify('info', `The outlier threshold takes 0 to 1000, not ${threshold}.`);
      return;
    }
    setSetting('int8Threshold', threshold);
  }
  if (!model || !selected || !(threshold > 0)) return;
  const r = await startJob(
    `LLM.int8() on ${selected}`,
    { cancelled: `Decomposition of ${selected} cancelled`, failed: (m) => m },
    (opts) => client().run('llmInt8', { modelId: model.id, tensor: selected, threshold }, opts),
    kind,
  );
  if (r) useStore.setState({ int8: { ...r, tensor: selected } });
}

/** Quantizes every weight of the model shown (those matching the table filter) and ranks them. */
export async function rankLayers(): Promise<void> {
  const { model, filter } = useStore.getState();
  const spec = specNow();
  if (!model) return;
  const rows = await startJob(
    `Quantizing ${filter ? `weights matching '${filter}'` : 'every weight'} of ${model.file}`,
    { cancelled: 'Layer ranking cancelled', failed: (m) => `Layer ranking failed: ${m}` },
    (opts) => client().run('sensitivity', { modelId: model.id, spec, filter }, opts),
  );
  if (rows) useStore.setState({ sensitivity: { modelId: model.id, spec, filter, rows } });
}

/**
 * Every weight under each of the planner's candidate bit widths, its cost measured as the planner
 * setting says: squared error, or (a language model only) KL on the text.
 */
export async function measurePlanOptions(): Promise<void> {
  const { model, settings } = useStore.getState();
  const spec = specNow();
  if (!model) return;
  if (settings.plannerMeasure === 'kl' && isLanguageModel(model)) {
    await measureLmPlanOptions();
    return;
  }
  const tensors = await startJob(
    `Measuring every weight at 2 to 8 bits`,
    { cancelled: 'Planning cancelled', failed: (m) => `Planning failed: ${m}` },
    (opts) => client().run('planOptions', { modelId: model.id, spec }, opts),
  );
  if (tensors)
    useStore.setState({ planOptions: { modelId: model.id, spec, tensors, measure: 'mse' } });
}
