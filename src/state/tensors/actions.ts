// Opening files and demo models, the tabs of open models, the tensor shown and its analysis, and
// the tensor table's filter and sort.
import type { OpenOutcome } from '../../engine/types.ts';
import { cancelJob, client, notify, startJob } from '../jobs/actions.ts';
import { analysisTag, quantizeSelected } from '../quant/actions.ts';
import { setSetting } from '../settings/actions.ts';
import { useStore } from '../store.ts';
import type { SortKey } from './slice.ts';

async function adopt(open: Promise<OpenOutcome>): Promise<void> {
  useStore.setState({ opening: true });
  try {
    const r = await open;
    for (const p of r.problems) notify('error', p.message);
    const model = r.models.at(-1);
    if (!model) return;
    // Every good file joins the open models; the last one is shown. Nothing open is ever replaced.
    useStore.setState((s) => ({ models: [...s.models, ...r.models] }));
    await showModel(model.id);
  } catch (e) {
    notify('error', `Could not open: ${(e as Error).message}`);
  } finally {
    useStore.setState({ opening: false });
  }
}

export function openFiles(files: File[]): Promise<void> {
  if (files.length === 0) return Promise.resolve();
  return adopt(client().run('open', { files }));
}

export function openDemo(url: string, name: string): Promise<void> {
  return adopt(client().run('openUrl', { url, name }));
}

/** Shows an open model, starting with its largest tensor. */
export async function showModel(id: string): Promise<void> {
  const model = useStore.getState().models.find((m) => m.id === id);
  if (!model || useStore.getState().model?.id === id) return;
  useStore.setState({ model, selected: model.first, analysis: null, filter: '' });
  await analyseSelected();
}

/** Closes an open model (its file handles go); another one is shown if any is left. */
export async function closeModel(id: string): Promise<void> {
  const { models, model } = useStore.getState();
  const rest = models.filter((m) => m.id !== id);
  useStore.setState({ models: rest });
  void client().run('close', { modelId: id });
  if (model?.id !== id) return;
  cancelJob();
  useStore.setState({ model: null, selected: null, analysis: null });
  const next = rest.at(-1);
  if (next) await showModel(next.id);
}

export async function selectTensor(name: string): Promise<void> {
  const s = useStore.getState();
  if (s.selected === name && s.analysis?.tensor === name) return;
  useStore.setState({ selected: name });
  await analyseSelected();
}

/** Selects a tensor from another lab's table and shows it in the quantization lab (its histogram). */
export async function showTensor(name: string): Promise<void> {
  if (useStore.getState().settings.lab !== 'quantization') setSetting('lab', 'quantization');
  await selectTensor(name);
}

/** Analyses the selected tensor, cancelling whatever was running, then quantizes it. */
export async function analyseSelected(): Promise<void> {
  const { model, selected, settings } = useStore.getState();
  if (!model || !selected) return;
  const req = { modelId: model.id, tensor: selected, bins: settings.bins };
  const analysis = await startJob(
    `Analysing ${selected}`,
    { cancelled: `Analysis of ${selected} cancelled`, failed: (m) => m },
    (opts) => client().run('analyse', req, opts),
    'analysis',
    analysisTag(model.id, selected),
  );
  if (analysis) {
    useStore.setState({ analysis });
    await quantizeSelected('follow-up');
  }
}

export async function setBins(bins: number): Promise<void> {
  if (setSetting('bins', bins)) await analyseSelected();
}

export function setLogScale(logScale: boolean): void {
  setSetting('logScale', logScale);
}

export function setFilter(filter: string): void {
  useStore.setState({ filter });
}

export function toggleSort(key: SortKey): void {
  useStore.setState((s) => ({
    sort: { key, desc: s.sort.key === key ? !s.sort.desc : key === 'params' || key === 'bytes' },
  }));
}
