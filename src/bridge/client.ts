// Main-thread client of the engine worker: wraps comlink, turns AbortSignals into cancel
// messages, and proxies progress callbacks.
import * as Comlink from 'comlink';
import type {
  BackendStatus,
  EngineApi,
  ExportOptions,
  ExportResult,
  EngineEvent,
  OpenResult,
  Comparison,
  Int8Report,
  PlanTensor,
  QuantReport,
  QuantSpec,
  SensitivityRow,
  TensorAnalysis,
  VariantResult,
  QatComparison,
  LowRankResult,
  LayerStudy,
  PtqComparison,
  StudyOptions,
  DistillPoint,
  DistillRequest,
  DistillResult,
  PruneMethod,
  PruneResult,
  GradualResult,
  LabMethod,
  PruneStudy,
  SweepPoint,
  Deployment,
  LayerWork,
  KernelReport,
} from '../worker/api.ts';

export type {
  KernelReport,
  AdapterSummary,
  BackendStatus,
  EngineEvent,
  ExportOptions,
  ExportResult,
  FileProblem,
  ModelSummary,
  OpenResult,
  CompareRow,
  Comparison,
  Int8Report,
  PlanTensor,
  QuantReport,
  QuantSpec,
  SensitivityRow,
  TensorAnalysis,
  TensorRow,
  VariantResult,
  QatComparison,
  LowRankResult,
  LayerStudy,
  PtqComparison,
  StudyOptions,
  Evaluation,
  TensorStats,
  LayerWork,
  DistillPoint,
  DistillRequest,
  DistillResult,
  PruneMethod,
  PruneResult,
  GradualResult,
  LabMethod,
  PruneStudy,
  SweepPoint,
  LayerReport,
  Deployment,
} from '../worker/api.ts';

export interface EngineClient {
  init(onEvent: (e: EngineEvent) => void): Promise<BackendStatus>;
  useBackend(kind: 'webgpu' | 'cpu'): Promise<BackendStatus>;
  openFiles(files: File[]): Promise<OpenResult>;
  openUrl(url: string, name: string): Promise<OpenResult>;
  closeModel(id: string): Promise<void>;
  analyse(
    req: { modelId: string; tensor: string; bins: number },
    opts: JobOptions,
  ): Promise<TensorAnalysis>;
  exportModel(
    req: { modelId: string; options: ExportOptions; target: FileSystemFileHandle | null },
    opts: JobOptions,
  ): Promise<ExportResult>;
  quantizePreview(req: { modelId: string; tensor: string; spec: QuantSpec }): Promise<QuantReport>;
  quantize(
    req: { modelId: string; tensor: string; spec: QuantSpec },
    opts: JobOptions,
  ): Promise<QuantReport>;
  compare(
    req: { modelId: string; tensor: string; spec: QuantSpec },
    opts: JobOptions,
  ): Promise<Comparison>;
  llmInt8(
    req: { modelId: string; tensor: string; threshold: number },
    opts: JobOptions,
  ): Promise<Int8Report>;
  sensitivity(
    req: { modelId: string; spec: QuantSpec; filter: string },
    opts: JobOptions,
  ): Promise<SensitivityRow[]>;
  planOptions(req: { modelId: string; spec: QuantSpec }, opts: JobOptions): Promise<PlanTensor[]>;
  evaluate(req: { modelId: string; spec: QuantSpec }, opts: JobOptions): Promise<VariantResult[]>;
  compareQat(req: { modelId: string; epochs: number }, opts: JobOptions): Promise<QatComparison>;
  lowRank(
    req: { modelId: string; energy: number; epochs: number },
    opts: JobOptions,
  ): Promise<LowRankResult>;
  calibrationStudy(
    req: { modelId: string; o: StudyOptions },
    opts: JobOptions,
  ): Promise<LayerStudy[]>;
  comparePtq(req: { modelId: string; o: StudyOptions }, opts: JobOptions): Promise<PtqComparison>;
  pruneFineTune(
    req: { modelId: string; method: PruneMethod; epochs: number },
    opts: JobOptions,
  ): Promise<PruneResult>;
  distill(
    req: { modelId: string; o: DistillRequest; onPoint: (p: DistillPoint) => void },
    opts: JobOptions,
  ): Promise<DistillResult>;
  pruneStudy(req: { modelId: string; method: LabMethod }, opts: JobOptions): Promise<PruneStudy>;
  modelWork(modelId: string, d: Deployment): Promise<LayerWork[]>;
  measureLatency(
    req: { modelId: string; batch: number },
    opts: JobOptions,
  ): Promise<{ ms: number; on: 'webgpu' | 'cpu'; batch: number }>;
  kernelBench(opts: JobOptions): Promise<KernelReport>;
  pruneSweep(
    req: { modelId: string; sparsities: number[]; fineTune: boolean },
    opts: JobOptions,
  ): Promise<SweepPoint[]>;
  gradualPrune(
    req: { modelId: string; final: number; epochs: number },
    opts: JobOptions,
  ): Promise<GradualResult>;
}

/** Pausing a training job: the worker is told each time the person pauses or resumes. */
export interface PauseControl {
  subscribe(listener: (paused: boolean) => void): () => void;
}

export interface JobOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  pause?: PauseControl;
}

let jobCounter = 0;

/** Runs a worker job under an AbortSignal: aborting sends `cancel(jobId)` to the worker. */
async function asJob<T>(
  api: Comlink.Remote<EngineApi>,
  opts: JobOptions,
  run: (jobId: string, progress?: (f: number) => void) => Promise<T>,
): Promise<T> {
  const jobId = `j${++jobCounter}`;
  opts.signal?.throwIfAborted();
  const onAbort = () => void api.cancel(jobId);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const unsubscribe = opts.pause?.subscribe((on) => void api.pause(jobId, on));
  try {
    return await run(jobId, opts.onProgress ? Comlink.proxy(opts.onProgress) : undefined);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    unsubscribe?.();
  }
}

export function createEngineClient(
  worker: Worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' }),
): EngineClient {
  const api = Comlink.wrap<EngineApi>(worker);
  return {
    init: (onEvent) => api.init(Comlink.proxy(onEvent)),
    useBackend: (kind) => api.useBackend(kind),
    openFiles: (files) => api.openFiles(files),
    openUrl: (url, name) => api.openUrl(url, name),
    closeModel: (id) => api.closeModel(id),
    analyse: (req, opts) =>
      asJob(api, opts, (jobId, progress) =>
        api.analyse(jobId, req.modelId, req.tensor, req.bins, progress),
      ),
    quantizePreview: (req) => api.quantizePreview(req.modelId, req.tensor, req.spec),
    quantize: (req, opts) =>
      asJob(api, opts, (jobId) => api.quantize(jobId, req.modelId, req.tensor, req.spec)),
    compare: (req, opts) =>
      asJob(api, opts, (jobId) => api.compare(jobId, req.modelId, req.tensor, req.spec)),
    llmInt8: (req, opts) =>
      asJob(api, opts, (jobId) => api.llmInt8(jobId, req.modelId, req.tensor, req.threshold)),
    sensitivity: (req, opts) =>
      asJob(api, opts, (jobId, progress) =>
        api.sensitivity(jobId, req.modelId, req.spec, req.filter, progress),
      ),
    planOptions: (req, opts) =>
      asJob(api, opts, (jobId, progress) =>
        api.planOptions(jobId, req.modelId, req.spec, progress),
      ),
    evaluate: (req, opts) =>
      asJob(api, opts, (jobId, progress) => api.evaluate(jobId, req.modelId, req.spec, progress)),
    compareQat: (req, opts) =>
      asJob(api, opts, (jobId, progress) =>
        api.compareQat(jobId, req.modelId, req.epochs, progress),
      ),
    lowRank: (req, opts) =>
      asJob(api, opts, (jobId, progress) =>
        api.lowRank(jobId, req.modelId, req.energy, req.epochs, progress),
      ),
    calibrationStudy: (req, opts) =>
      asJob(api, opts, (jobId, progress) =>
        api.calibrationStudy(jobId, req.modelId, req.o, progress),
      ),
    comparePtq: (req, opts) =>
      asJob(api, opts, (jobId, progress) => api.comparePtq(jobId, req.modelId, req.o, progress)),
    pruneFineTune: (req, opts) =>
      asJob(api, opts, (jobId, progress) =>
        api.pruneFineTune(jobId, req.modelId, { method: req.method, epochs: req.epochs }, progress),
      ),
    distill: (req, opts) =>
      asJob(api, opts, (jobId, progress) =>
        api.distill(jobId, req.modelId, req.o, progress, Comlink.proxy(req.onPoint)),
      ),
    modelWork: (modelId, d) => api.modelWork(modelId, d),
    kernelBench: (opts) => asJob(api, opts, (jobId, progress) => api.kernelBench(jobId, progress)),
    measureLatency: (req, opts) =>
      asJob(api, opts, (jobId) => api.measureLatency(jobId, req.modelId, req.batch)),
    pruneStudy: (req, opts) =>
      asJob(api, opts, (jobId) => api.pruneStudy(jobId, req.modelId, req.method)),
    pruneSweep: (req, opts) =>
      asJob(api, opts, (jobId, progress) =>
        api.pruneSweep(
          jobId,
          req.modelId,
          { sparsities: req.sparsities, fineTune: req.fineTune },
          progress,
        ),
      ),
    gradualPrune: (req, opts) =>
      asJob(api, opts, (jobId, progress) =>
        api.gradualPrune(jobId, req.modelId, { final: req.final, epochs: req.epochs }, progress),
      ),
    exportModel: (req, opts) =>
      asJob(api, opts, (jobId, progress) =>
        api.export(jobId, req.modelId, req.options, req.target, progress),
      ),
  };
}
