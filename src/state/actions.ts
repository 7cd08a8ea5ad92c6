// Actions: the only code that changes the store or talks to the engine.
import { afterPaint } from './frames.ts';
import { FIELDS, isValidSetting, type SettingName } from '../presets/schema.ts';
import type {
  EngineClient,
  ExportOptions,
  JobOptions,
  OpenResult,
  QuantSpec,
  StudyOptions,
  KernelReport,
} from '../bridge/client.ts';
import {
  problemsToNotices,
  useStore,
  type DistillRequest,
  type Evaluation,
  type LayerWork,
  type Deployment,
  type ModelSummary,
  type Notice,
  type PruneMethod,
  type LabMethod,
  type PruneStudy,
  type SweepPoint,
  type GradualResult,
  type SortKey,
  type VariantRow,
} from './store.ts';

let engine: EngineClient | null = null;
let noticeId = 0;
let jobId = 0;
let running: AbortController | null = null;
let runningKind: 'analysis' | 'export' = 'analysis';

const nextNoticeId = () => ++noticeId;

function client(): EngineClient {
  if (!engine) throw new Error('engine is not connected');
  return engine;
}

export function notify(kind: Notice['kind'], text: string): void {
  useStore.setState((s) => ({ notices: [...s.notices, { id: nextNoticeId(), kind, text }] }));
}

export function dismissNotice(id: number): void {
  useStore.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

export async function connectEngine(c: EngineClient): Promise<void> {
  engine = c;
  const status = await c.init((e) => {
    if (e.type === 'backend') useStore.setState({ backend: e.status });
  });
  useStore.setState({ backend: status });
}

export async function chooseBackend(kind: 'webgpu' | 'cpu'): Promise<void> {
  useStore.setState({ backend: await client().useBackend(kind) });
  await analyseSelected();
}

async function adopt(open: Promise<OpenResult>): Promise<void> {
  useStore.setState({ opening: true });
  try {
    const r = await open;
    const notices = problemsToNotices(r.problems, nextNoticeId);
    useStore.setState((s) => ({ notices: [...s.notices, ...notices] }));
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

/** Shows an open model, starting with its largest tensor. */
export async function showModel(id: string): Promise<void> {
  const model = useStore.getState().models.find((m) => m.id === id);
  if (!model || useStore.getState().model?.id === id) return;
  const first = [...model.tensors].sort((a, b) => b.params - a.params)[0];
  useStore.setState({ model, selected: first?.name ?? null, analysis: null, filter: '' });
  await analyseSelected();
}

/** Closes an open model (its file handles go); another one is shown if any is left. */
export async function closeModel(id: string): Promise<void> {
  const { models, model } = useStore.getState();
  const rest = models.filter((m) => m.id !== id);
  useStore.setState({ models: rest });
  void client().closeModel(id);
  if (model?.id !== id) return;
  running?.abort();
  useStore.setState({ model: null, selected: null, analysis: null });
  const next = rest.at(-1);
  if (next) await showModel(next.id);
}

export function openFiles(files: File[]): Promise<void> {
  if (files.length === 0) return Promise.resolve();
  return adopt(client().openFiles(files));
}

export function openDemo(url: string, name: string): Promise<void> {
  return adopt(client().openUrl(url, name));
}

export async function selectTensor(name: string): Promise<void> {
  if (useStore.getState().selected === name && useStore.getState().analysis?.tensor === name)
    return;
  useStore.setState({ selected: name });
  await analyseSelected();
}

export async function setBins(bins: number): Promise<void> {
  if (lockedByLesson(['bins'])) return;
  useStore.setState({ bins });
  await analyseSelected();
}

export function setLogScale(logScale: boolean): void {
  if (lockedByLesson(['logScale'])) return;
  useStore.setState({ logScale });
}

export function setFilter(filter: string): void {
  useStore.setState({ filter });
}

export function toggleSort(key: SortKey): void {
  useStore.setState((s) => ({
    sort: { key, desc: s.sort.key === key ? !s.sort.desc : key === 'params' || key === 'bytes' },
  }));
}

export function cancelJob(): void {
  running?.abort();
}

const pauseListeners = new Set<(paused: boolean) => void>();

/** Pauses or resumes the running training job. */
export function togglePause(): void {
  const job = useStore.getState().job;
  if (!job?.pausable) return;
  const paused = !job.paused;
  useStore.setState({ job: { ...job, paused } });
  for (const l of pauseListeners) l(paused);
}

/** Adds results to the comparison table (a row with the same model and label is replaced). */
function recordVariants(
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

/**
 * Runs one job at a time: starts it (cancelling the one running), shows its progress, and reports a
 * cancel as information and a failure as an error. Gives the result only if the job is still the
 * current one when it ends.
 */
async function runJob<T>(
  label: string,
  messages: { cancelled: string; failed: (message: string) => string },
  work: (opts: JobOptions) => Promise<T>,
  kind: 'analysis' | 'export' | 'follow-up' | 'training' = 'analysis',
): Promise<T | undefined> {
  const pausable = kind === 'training';
  if (kind === 'training') kind = 'analysis';
  // A follow-up (the comparison after a quantization…) never displaces work the person started in
  // the meantime: it simply does not run.
  if (kind === 'follow-up') {
    if (running) return undefined;
    kind = 'analysis';
  }
  // An export is never cancelled behind the person's back: other work waits for it.
  if (running && runningKind === 'export') {
    notify('info', `${label} will start when the export is done (or cancel the export)`);
    return undefined;
  }
  running?.abort();
  runningKind = kind;
  const ctrl = new AbortController();
  running = ctrl;
  const job = { id: ++jobId, label, progress: 0, pausable, paused: false };
  useStore.setState({ job });
  try {
    const r = await work({
      signal: ctrl.signal,
      onProgress: (p) => {
        const now = useStore.getState().job;
        if (now?.id === job.id) useStore.setState({ job: { ...now, progress: p } });
      },
      ...(pausable
        ? {
            pause: {
              subscribe: (l: (paused: boolean) => void) => {
                pauseListeners.add(l);
                return () => pauseListeners.delete(l);
              },
            },
          }
        : {}),
    });
    return running === ctrl ? r : undefined;
  } catch (e) {
    const err = e as Error;
    if (err.name !== 'AbortError' && !ctrl.signal.aborted)
      notify('error', messages.failed(err.message));
    else if (running === ctrl) notify('info', messages.cancelled);
    return undefined;
  } finally {
    if (running === ctrl) {
      running = null;
      useStore.setState({ job: null });
    }
  }
}

/** Analyses the selected tensor, cancelling whatever was running. */
export async function analyseSelected(): Promise<void> {
  const { model, selected, bins } = useStore.getState();
  if (!model || !selected) return;
  const analysis = await runJob(
    `Analysing ${selected}`,
    { cancelled: `Analysis of ${selected} cancelled`, failed: (m) => m },
    (opts) => client().analyse({ modelId: model.id, tensor: selected, bins }, opts),
  );
  if (analysis) {
    useStore.setState({ analysis });
    await quantizeSelected('follow-up');
  }
}

/** Past this many values a quantization shows a preview on a sample before the full result. */
const PREVIEW_OVER = 2 << 20;

/** What the chosen quantization spec does to the selected tensor, and how others compare. */
export async function quantizeSelected(kind: 'analysis' | 'follow-up' = 'analysis'): Promise<void> {
  const { model, selected, quantSpec: spec, int8Threshold } = useStore.getState();
  if (!model || !selected) return;
  const req = { modelId: model.id, tensor: selected, spec };
  // A large tensor answers first from its sample (milliseconds), then from every value.
  const shown = useStore.getState().analysis;
  if (shown && shown.tensor === selected && shown.shape.reduce((p, d) => p * d, 1) > PREVIEW_OVER) {
    const p = await client()
      .quantizePreview(req)
      .catch(() => null);
    const now = useStore.getState();
    if (p && now.selected === selected && now.quantSpec === spec) {
      useStore.setState({ quant: { ...p, tensor: selected } });
      // Let the preview paint before the whole tensor is quantized: on a machine with few cores
      // the worker's full pass competes with the page for the frame.
      await afterPaint();
    }
    // A newer setting or tensor while the preview ran: its own call quantizes; this one stops.
    const later = useStore.getState();
    if (later.selected !== selected || later.quantSpec !== spec) return;
  }
  const r = await runJob(
    `Quantizing ${selected}`,
    { cancelled: `Quantization of ${selected} cancelled`, failed: (m) => m },
    (opts) => client().quantize(req, opts),
    kind,
  );
  if (!r) return;
  useStore.setState({ quant: { ...r, tensor: selected } });
  const c = await runJob(
    `Comparing formats on ${selected}`,
    { cancelled: `Comparison on ${selected} cancelled`, failed: (m) => m },
    (opts) => client().compare(req, opts),
    'follow-up',
  );
  if (!c) return;
  useStore.setState({ comparison: { ...c, tensor: selected, spec } });
  const a = useStore.getState().analysis;
  if (a && a.tensor === selected && a.shape.length >= 2)
    await decomposeSelected(int8Threshold, 'follow-up');
}

/** LLM.int8() decomposition of the selected tensor at a threshold. */
export async function decomposeSelected(
  threshold: number,
  kind: 'analysis' | 'follow-up' = 'analysis',
): Promise<void> {
  const { model, selected, int8Threshold } = useStore.getState();
  if (threshold !== int8Threshold) {
    if (lockedByLesson(['int8Threshold'])) return;
    if (!isValidSetting('int8Threshold', threshold)) {
      notify('info', `The outlier threshold takes 0 to 1000, not ${threshold}.`);
      return;
    }
  }
  useStore.setState({ int8Threshold: threshold });
  if (!model || !selected || !(threshold > 0)) return;
  const r = await runJob(
    `LLM.int8() on ${selected}`,
    { cancelled: `Decomposition of ${selected} cancelled`, failed: (m) => m },
    (opts) => client().llmInt8({ modelId: model.id, tensor: selected, threshold }, opts),
    kind,
  );
  if (r) useStore.setState({ int8: { ...r, tensor: selected } });
}

/** Quantizes every weight of the model shown (those matching the table filter) and ranks them. */
export async function rankLayers(): Promise<void> {
  const { model, quantSpec: spec, filter } = useStore.getState();
  if (!model) return;
  const rows = await runJob(
    `Quantizing ${filter ? `weights matching '${filter}'` : 'every weight'} of ${model.file}`,
    { cancelled: 'Layer ranking cancelled', failed: (m) => `Layer ranking failed: ${m}` },
    (opts) => client().sensitivity({ modelId: model.id, spec, filter }, opts),
  );
  if (rows) useStore.setState({ sensitivity: { modelId: model.id, spec, filter, rows } });
}

/** Every weight under each of the planner's candidate bit widths. */
export async function measurePlanOptions(): Promise<void> {
  const { model, quantSpec: spec } = useStore.getState();
  if (!model) return;
  const tensors = await runJob(
    `Measuring every weight at 2 to 8 bits`,
    { cancelled: 'Planning cancelled', failed: (m) => `Planning failed: ${m}` },
    (opts) => client().planOptions({ modelId: model.id, spec }, opts),
  );
  if (tensors) useStore.setState({ planOptions: { modelId: model.id, spec, tensors } });
}

/** The open demo model's accuracy, as it is and with its weights quantized. */
export async function evaluateModel(): Promise<void> {
  const { model, quantSpec: spec } = useStore.getState();
  if (!model?.architecture) return;
  const results = await runJob(
    `Evaluating ${model.file} on the test digits`,
    { cancelled: 'Evaluation cancelled', failed: (m) => `Evaluation failed: ${m}` },
    (opts) => client().evaluate({ modelId: model.id, spec }, opts),
  );
  if (results) {
    useStore.setState({ evaluation: { modelId: model.id, spec, results } });
    recordVariants(model, 'weights quantized', results);
  }
}

/** Quantization-aware fine-tuning against plain PTQ, at 8, 4 and 2 bits (weights and activations). */
export async function compareQat(epochs = 1): Promise<void> {
  const { model } = useStore.getState();
  if (!model?.architecture) return;
  const result = await runJob(
    `Fine-tuning ${model.file} with fake quantization at 8, 4 and 2 bits`,
    { cancelled: 'Quantization-aware training cancelled', failed: (m) => `QAT failed: ${m}` },
    (opts) => client().compareQat({ modelId: model.id, epochs }, opts),
    'training',
  );
  if (result) {
    useStore.setState({ qat: { modelId: model.id, result } });
    recordVariants(model, 'weights and activations', [
      ...result.rows.map((r) => ({
        label: `PTQ W${r.bits}A${r.bits}`,
        bytes: r.bytes,
        work: r.work,
        evaluation: r.ptq,
      })),
      ...result.rows.map((r) => ({
        label: `QAT W${r.bits}A${r.bits}`,
        bytes: r.bytes,
        work: r.work,
        evaluation: r.qat,
      })),
    ]);
  }
}

/** The open demo model with its weights at the ranks keeping `energy` of their spectra. */
export async function factorize(energy: number, epochs = 0): Promise<void> {
  const { model } = useStore.getState();
  if (!model?.architecture) return;
  const result = await runJob(
    `Factorizing ${model.file} (SVD) and evaluating it`,
    { cancelled: 'Low-rank factorization cancelled', failed: (m) => `Low-rank failed: ${m}` },
    (opts) => client().lowRank({ modelId: model.id, energy, epochs }, opts),
    epochs > 0 ? 'training' : 'analysis',
  );
  if (result) {
    useStore.setState({ lowRank: { modelId: model.id, result } });
    const label = `${(energy * 100).toFixed(energy >= 0.999 ? 1 : 0)}% energy`;
    recordVariants(model, 'low rank (SVD)', [
      { label, bytes: result.bytes, work: result.work, evaluation: result.evaluation },
      ...(result.tuned
        ? [
            {
              label: `${label}, fine-tuned ${result.tuneEpochs} epoch${result.tuneEpochs === 1 ? '' : 's'}`,
              bytes: result.bytes,
              work: result.work,
              evaluation: result.tuned,
            },
          ]
        : []),
    ]);
  }
}

/** Every calibration method on each layer's input activations of the open demo model. */
export async function studyCalibration(o: StudyOptions): Promise<void> {
  const { model } = useStore.getState();
  if (!model?.architecture) return;
  const layers = await runJob(
    `Calibrating ${model.file} on ${o.size} digits`,
    { cancelled: 'Calibration cancelled', failed: (m) => `Calibration failed: ${m}` },
    (opts) => client().calibrationStudy({ modelId: model.id, o }, opts),
  );
  if (layers) useStore.setState({ calibration: { modelId: model.id, o, layers } });
}

/** PTQ variants with each calibration method on the test digits. */
export async function runPtqVariants(o: StudyOptions): Promise<void> {
  const { model } = useStore.getState();
  if (!model?.architecture) return;
  const result = await runJob(
    `Evaluating PTQ variants of ${model.file}`,
    { cancelled: 'PTQ comparison cancelled', failed: (m) => `PTQ comparison failed: ${m}` },
    (opts) => client().comparePtq({ modelId: model.id, o }, opts),
  );
  if (result) useStore.setState({ ptq: { modelId: model.id, o, result } });
}

/** The preset settings a quantization-spec field is carried by (for lessons that lock them). */
const SPEC_SETTINGS: Record<keyof QuantSpec, SettingName[]> = {
  format: ['qFormat'],
  bits: ['qBits'],
  symmetric: ['qSymmetric'],
  restricted: ['qRestricted'],
  granularity: ['qGranularity', 'qAxis', 'qGroup'],
  rounding: ['qRounding'],
  seed: ['seed'],
  clipQuantile: ['qClip'],
  scaleBits: ['qScaleBits'],
};

/** Whether a lesson locked any of these settings; if so the person is told, and nothing changes. */
export function lockedByLesson(names: SettingName[]): boolean {
  const locked = useStore.getState().teaching.locked;
  const hit = names.find((n) => locked.includes(n));
  if (hit) notify('info', `This lesson keeps ${FIELDS[hit].help} fixed.`);
  return hit !== undefined;
}

export async function setQuantSpec(change: Partial<QuantSpec>): Promise<void> {
  const s = useStore.getState().quantSpec;
  const changed = (Object.keys(change) as Array<keyof QuantSpec>).filter(
    (k) => JSON.stringify(change[k]) !== JSON.stringify(s[k]),
  );
  if (lockedByLesson(changed.flatMap((k) => SPEC_SETTINGS[k]))) return;
  useStore.setState((s) => ({ quantSpec: { ...s.quantSpec, ...change } }));
  await quantizeSelected();
}

/** The file name an export gets: the model's name with the format's extension. */
export function exportFileName(options: ExportOptions): string {
  const model = useStore.getState().model;
  const base = (model?.file ?? 'model')
    .replace(/^.*[\\/]/, '')
    .replace(/(\.safetensors\.index\.json|\.[^.]+)$/, '');
  if (options.format === 'npy') return `${options.tensor.replace(/[^\w.-]+/g, '_')}.npy`;
  if (options.format === 'gguf') return `${base}.${options.type.toLowerCase()}.gguf`;
  if (options.spec) return `${base}.${specTag(options.spec)}.safetensors`;
  const q =
    options.quantize && options.quantize !== 'none'
      ? `.${options.quantize}${options.symmetric === false ? '-asym' : ''}`
      : '';
  return `${base}${q}.safetensors`;
}

/** A short tag for a scheme in a file name: int4-g32-asym, int8-ch, fp16… */
export function specTag(spec: QuantSpec): string {
  if (spec.format !== 'int') return spec.format;
  const g = spec.granularity;
  const gran = g.kind === 'tensor' ? 't' : g.kind === 'channel' ? `ch${g.axis}` : `g${g.size}`;
  return `int${spec.bits}-${gran}${spec.symmetric ? '' : '-asym'}`;
}

/** Above this size an export asks for a file to stream into rather than building a download. */
const STREAM_TO_DISK_BYTES = 512 << 20;

interface SavePicker {
  showSaveFilePicker?: (o: { suggestedName: string }) => Promise<FileSystemFileHandle>;
}

/**
 * Exports the open model. Where the browser can save straight to disk (File System Access API) the
 * worker streams into the chosen file; elsewhere the file is handed to the browser's download.
 */
export async function exportModel(options: ExportOptions): Promise<void> {
  const { model } = useStore.getState();
  if (!model) return;
  const name = exportFileName(options);
  let target: FileSystemFileHandle | null = null;
  const picker = (window as unknown as SavePicker).showSaveFilePicker;
  // Big files stream straight to disk where the browser lets us; smaller ones take the download bar.
  if (picker && model.bytes > STREAM_TO_DISK_BYTES) {
    try {
      target = await picker({ suggestedName: name });
    } catch (e) {
      if ((e as Error).name === 'AbortError') return; // the person closed the picker
      target = null;
    }
  }
  const r = await runJob(
    `Exporting ${name}`,
    { cancelled: `Export of ${name} cancelled`, failed: (m) => `Export failed: ${m}` },
    (opts) => client().exportModel({ modelId: model.id, options, target }, opts),
    'export',
  );
  // Analyses asked for during the export run now.
  const after = useStore.getState();
  if (after.selected && after.analysis?.tensor !== after.selected) void analyseSelected();
  if (!r) return;
  if (r.blob) download(r.blob, name);
  notify('info', `Saved ${name} (${r.bytes.toLocaleString('en-US')} bytes)`);
}

/** Hands a file made in the tab to the browser's download. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Give the download a moment to start before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function pruneLabel(m: PruneMethod): string {
  return m.kind === 'magnitude'
    ? `magnitude, ${Math.round(m.sparsity * 100)}% per layer`
    : `${m.n}:${m.m} structured`;
}

/** Prunes the open demo model and fine-tunes it with the masks held fixed. */
export async function pruneFineTune(method: PruneMethod, epochs: number): Promise<void> {
  const { model } = useStore.getState();
  if (!model?.architecture) return;
  const result = await runJob(
    `Pruning ${model.file} (${pruneLabel(method)}) and fine-tuning ${epochs} epoch${epochs === 1 ? '' : 's'}`,
    { cancelled: 'Fine-tuning cancelled', failed: (m) => `Pruning failed: ${m}` },
    (opts) => client().pruneFineTune({ modelId: model.id, method, epochs }, opts),
    'training',
  );
  if (result) {
    useStore.setState({ prune: { modelId: model.id, method, result } });
    recordVariants(model, 'pruning', [
      {
        label: `${pruneLabel(method)}, no fine-tuning`,
        bytes: result.bytes,
        work: result.work,
        evaluation: result.pruned,
      },
      {
        label: `${pruneLabel(method)}, fine-tuned ${epochs} epoch${epochs === 1 ? '' : 's'}`,
        bytes: result.bytes,
        work: result.work,
        evaluation: result.tuned,
      },
    ]);
  }
}

/** Distils the open demo model into a small student; curves fill in epoch by epoch. */
export async function distillModel(request: DistillRequest): Promise<void> {
  const { model } = useStore.getState();
  if (!model?.architecture) return;
  const modelId = model.id;
  useStore.setState({ distillation: { modelId, request, points: [], result: null } });
  const result = await runJob(
    `Distilling ${model.file} into ${request.student} (T = ${request.temperature}, α = ${request.alpha})`,
    { cancelled: 'Distillation cancelled', failed: (m) => `Distillation failed: ${m}` },
    (opts) =>
      client().distill(
        {
          modelId,
          o: request,
          onPoint: (p) =>
            useStore.setState((s) =>
              s.distillation?.modelId === modelId && s.distillation.request === request
                ? { distillation: { ...s.distillation, points: [...s.distillation.points, p] } }
                : {},
            ),
        },
        opts,
      ),
    'training',
  );
  if (result) {
    useStore.setState((s) => ({
      distillation:
        s.distillation?.request === request ? { ...s.distillation, result } : s.distillation,
    }));
    const what = `${request.student}, T = ${request.temperature}, α = ${request.alpha}`;
    recordVariants(model, 'distillation', [
      {
        label: `${what}: distilled`,
        bytes: result.studentBytes,
        work: result.studentWork,
        evaluation: result.distilled,
      },
      {
        label: `${request.student}: labels only`,
        bytes: result.studentBytes,
        work: result.studentWork,
        evaluation: result.labelsOnly,
      },
    ]);
  }
}

function setPruneLab(
  modelId: string,
  part: Partial<{ study: PruneStudy; sweep: SweepPoint[]; gradual: GradualResult }>,
): void {
  useStore.setState((s) => {
    const base =
      s.pruneLab?.modelId === modelId
        ? s.pruneLab
        : { modelId, study: null, sweep: null, gradual: null };
    return { pruneLab: { ...base, ...part } };
  });
}

/** Prunes the open demo model with one method and shows what it leaves. */
export async function studyPruning(method: LabMethod): Promise<void> {
  const { model } = useStore.getState();
  if (!model?.architecture) return;
  const study = await runJob(
    `Pruning ${model.file}`,
    { cancelled: 'Pruning cancelled', failed: (m) => `Pruning failed: ${m}` },
    (opts) => client().pruneStudy({ modelId: model.id, method }, opts),
  );
  if (study) {
    setPruneLab(model.id, { study });
    // Stored in the smallest fp32 layout that holds it.
    const bytes = Math.min(...study.storage.filter((r) => r.bits === 32).map((r) => r.bytes));
    recordVariants(model, 'pruning', [
      {
        label: `${study.label}, no fine-tuning`,
        bytes,
        work: study.work,
        evaluation: study.pruned,
      },
    ]);
  }
}

/** Accuracy against sparsity for every method. */
export async function sweepPruning(fineTune: boolean): Promise<void> {
  const { model } = useStore.getState();
  if (!model?.architecture) return;
  const sweep = await runJob(
    `Accuracy against sparsity for ${model.file}${fineTune ? ', fine-tuning each' : ''}`,
    { cancelled: 'Sweep cancelled', failed: (m) => `Sweep failed: ${m}` },
    (opts) =>
      client().pruneSweep(
        { modelId: model.id, sparsities: [0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98], fineTune },
        opts,
      ),
    fineTune ? 'training' : 'analysis',
  );
  if (sweep) setPruneLab(model.id, { sweep });
}

/** Gradual pruning with fine-tuning against one-shot pruning. */
export async function pruneGradually(final: number, epochs: number): Promise<void> {
  const { model } = useStore.getState();
  if (!model?.architecture) return;
  const gradual = await runJob(
    `Pruning ${model.file} gradually to ${Math.round(final * 100)}% over ${epochs} epochs`,
    { cancelled: 'Gradual pruning cancelled', failed: (m) => `Gradual pruning failed: ${m}` },
    (opts) => client().gradualPrune({ modelId: model.id, final, epochs }, opts),
    'training',
  );
  if (gradual) setPruneLab(model.id, { gradual });
}

/** Per-digit work of each layer of the open demo model under a deployment (for the latency model). */
export async function modelWork(d: Deployment): Promise<LayerWork[] | null> {
  const { model } = useStore.getState();
  if (!model?.architecture) return null;
  try {
    return await client().modelWork(model.id, d);
  } catch (e) {
    notify('error', `Latency model failed: ${(e as Error).message}`);
    return null;
  }
}

/** The short kernel benchmark on this device's GPU (matmul, attention, sparse, int8, f16). */
export async function benchKernels(): Promise<KernelReport | undefined> {
  return runJob(
    'Benchmarking the kernels on this device',
    { cancelled: 'Benchmark cancelled', failed: (m) => `Benchmark failed: ${m}` },
    (opts) => client().kernelBench(opts),
  );
}

/** Times the open demo model's forward pass on this device. */
export async function measureLatency(
  batch: number,
): Promise<{ ms: number; on: 'webgpu' | 'cpu'; batch: number } | undefined> {
  const { model } = useStore.getState();
  if (!model?.architecture) return undefined;
  return runJob(
    `Timing ${model.file} on this device (batch ${batch})`,
    { cancelled: 'Timing cancelled', failed: (m) => `Timing failed: ${m}` },
    (opts) => client().measureLatency({ modelId: model.id, batch }, opts),
  );
}
