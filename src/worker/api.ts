// The engine API the UI calls through comlink. Long calls carry a job id; `cancel(jobId)` aborts
// them, and the call rejects at once even if a GPU submission is still draining.
import * as Comlink from 'comlink';
import { acquireGpu, type GpuContext } from '../gpu/device.ts';
import type { KernelReport } from '../core/perf/bench-report.ts';
export type { KernelReport } from '../core/perf/bench-report.ts';
import { QUICK_PLAN, runKernelBench } from '../engine/kernel-bench.ts';
import {
  cpuBackend,
  gpuBackend,
  type AnalysisBackend,
  type BackendStatus,
} from '../engine/backend.ts';
import { blobSource } from '../engine/blob-source.ts';
import type { ExportOptions } from '../engine/export.ts';
import type {
  CompareRow,
  Comparison,
  Int8Report,
  QuantReport,
  QuantSpec,
} from '../engine/quantize.ts';
import type { PlanTensor } from '../core/quant/planner.ts';
import {
  createSession,
  type ModelSummary,
  type SensitivityRow,
  type TensorAnalysis,
} from '../engine/session.ts';
import { isFormatError } from '../formats/errors.ts';
import { decodeDigits, type Digits } from '../models/mnist.ts';
import type { LowRankResult, QatComparison, VariantResult } from '../engine/labs/variants.ts';
import type {
  DistillPoint,
  DistillResult,
  PruneMethod,
  PruneResult,
} from '../engine/labs/finetune.ts';
import type {
  GradualResult,
  LabMethod,
  LayerReport,
  PruneStudy,
  SweepPoint,
} from '../engine/labs/prune-lab.ts';

/** What a person chooses for a distillation run. */
export interface DistillRequest {
  student: string;
  temperature: number;
  alpha: number;
  epochs: number;
}
import type { LayerStudy, PtqComparison, StudyOptions } from '../engine/labs/calibration.ts';

export interface FileProblem {
  file: string;
  message: string;
}

export interface OpenResult {
  models: ModelSummary[];
  problems: FileProblem[];
}

export type {
  BackendStatus,
  ExportOptions,
  ModelSummary,
  CompareRow,
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
  DistillResult,
  PruneMethod,
  PruneResult,
  GradualResult,
  LabMethod,
  LayerReport,
  PruneStudy,
  SweepPoint,
};
export type { Evaluation } from '../models/evaluate.ts';
export type { LayerWork } from '../core/perf/latency.ts';
export type { Deployment } from '../models/work.ts';
import type { LayerWork } from '../core/perf/latency.ts';
import type { Deployment } from '../models/work.ts';
export type { TensorRow } from '../engine/session.ts';
export type { TensorStats } from '../core/stats/stats.ts';
export type { AdapterSummary } from '../gpu/device.ts';

export interface ExportResult {
  bytes: number;
  /** The file, when no file handle was given to stream into. */
  blob: Blob | null;
}

export type EngineEvent = { type: 'backend'; status: BackendStatus };

/** Progress messages are throttled so a fast loop cannot flood the main thread. */
function throttled(fn: ((f: number) => void) | undefined, ms = 50): (f: number) => void {
  let last = 0;
  return (f) => {
    const now = performance.now();
    if (fn && (f >= 1 || now - last >= ms)) {
      last = now;
      fn(f);
    }
  };
}

let digits: Promise<Digits> | null = null;

/** The MNIST digits served with the app (same origin), fetched once. */
function loadDigits(): Promise<Digits> {
  digits ??= fetch(`${import.meta.env.BASE_URL}data/mnist.bin`)
    .then(async (r) => {
      if (!r.ok) throw new Error(`the test digits could not be loaded: HTTP ${r.status}`);
      return decodeDigits(new Uint8Array(await r.arrayBuffer()));
    })
    .catch((e: unknown) => {
      digits = null;
      throw e;
    });
  return digits;
}

export function createEngineApi(gpu: GPU | undefined) {
  const session = createSession();
  const jobs = new Map<string, AbortController>();
  const paused = new Set<string>();
  let backend: AnalysisBackend = cpuBackend();
  let gpuUsable: AnalysisBackend | null = null;
  let gpuCtx: GpuContext | null = null;
  let status: BackendStatus = {
    kind: 'cpu',
    label: backend.label,
    reason: 'WebGPU not initialised yet',
  };
  let onEvent: ((e: EngineEvent) => void) | undefined;

  const setStatus = (s: BackendStatus) => {
    status = s;
    onEvent?.({ type: 'backend', status: s });
  };

  async function runJob<T>(jobId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ctrl = new AbortController();
    jobs.set(jobId, ctrl);
    const aborted = new Promise<never>((_, reject) =>
      ctrl.signal.addEventListener('abort', () => reject(ctrl.signal.reason), { once: true }),
    );
    try {
      return await Promise.race([work(ctrl.signal), aborted]);
    } finally {
      jobs.delete(jobId);
      paused.delete(jobId);
    }
  }

  return {
    /** Acquires WebGPU (or settles on the CPU) and subscribes to engine events. */
    async init(listener?: (e: EngineEvent) => void): Promise<BackendStatus> {
      onEvent = listener;
      const got = await acquireGpu(gpu);
      if (!got.ok) {
        setStatus({ kind: 'cpu', label: backend.label, reason: got.reason });
        return status;
      }
      gpuUsable = backend = gpuBackend(got.ctx);
      gpuCtx = got.ctx;
      setStatus({ kind: 'webgpu', label: backend.label, adapter: got.ctx.summary });
      void got.ctx.lost.then((reason) => {
        gpuUsable = null;
        gpuCtx = null;
        backend = cpuBackend();
        setStatus({
          kind: 'cpu',
          label: backend.label,
          reason: `${reason}; continuing on the CPU`,
        });
      });
      return status;
    },

    status(): BackendStatus {
      return status;
    },

    /** Chooses the backend for later work (the GPU only while it is usable). */
    useBackend(kind: 'webgpu' | 'cpu'): BackendStatus {
      if (kind === 'webgpu' && gpuUsable) backend = gpuUsable;
      else if (kind === 'cpu') backend = cpuBackend();
      const s: BackendStatus = { ...status, kind: backend.kind, label: backend.label };
      setStatus(s);
      return s;
    },

    /** Opens dropped files: shards and external-data companions are grouped with their model. */
    async openFiles(files: File[]): Promise<OpenResult> {
      try {
        return await session.openFiles(files.map((f) => blobSource(f, f.name)));
      } catch (e) {
        // Readers turn every file problem into a FormatError; anything else is a failure to read.
        const message = isFormatError(e)
          ? e.message
          : `could not read the files: ${(e as Error).message}`;
        return { models: [], problems: [{ file: files[0]?.name ?? '', message }] };
      }
    },

    /** Opens a built-in model served with the app (a static URL of the same origin). */
    async openUrl(url: string, name: string): Promise<OpenResult> {
      const res = await fetch(url);
      if (!res.ok)
        return { models: [], problems: [{ file: name, message: `${name}: HTTP ${res.status}` }] };
      return session.openFiles([blobSource(await res.blob(), name)]);
    },

    closeModel(id: string): void {
      session.close(id);
    },

    async analyse(
      jobId: string,
      modelId: string,
      tensor: string,
      bins: number,
      onProgress?: (fraction: number) => void,
    ): Promise<TensorAnalysis> {
      const progress = throttled(onProgress);
      const r = await runJob(jobId, (signal) =>
        session.analyse(modelId, tensor, bins, backend, { signal, onProgress: progress }),
      );
      return Comlink.transfer(r, [r.counts.buffer]);
    },

    /**
     * Writes the model in another format. With a file handle (File System Access API) the chunks
     * stream to disk; without one they gather in a Blob, which the browser may keep on disk.
     */
    async export(
      jobId: string,
      modelId: string,
      options: ExportOptions,
      target: FileSystemFileHandle | null,
      onProgress?: (fraction: number) => void,
    ): Promise<ExportResult> {
      const progress = throttled(onProgress);
      return runJob(jobId, async (signal) => {
        const file = session.export(modelId, options);
        const writable = target ? await target.createWritable() : null;
        // One Blob per chunk: the browser may keep blob data on disk, so a large download does not
        // have to stay in this worker's memory.
        const parts: Blob[] = [];
        let written = 0;
        try {
          for await (const chunk of file.chunks) {
            signal.throwIfAborted();
            // Copy: a chunk may be a view into a buffer that the next tensor reuses.
            const own = new Uint8Array(chunk);
            if (writable) await writable.write(own);
            else parts.push(new Blob([own]));
            written += chunk.length;
            progress(written / file.size);
          }
        } catch (e) {
          await writable?.abort();
          throw e;
        }
        // A cancel during the last write must not commit the file.
        if (signal.aborted) {
          await writable?.abort();
          signal.throwIfAborted();
        }
        await writable?.close();
        return { bytes: written, blob: writable ? null : new Blob(parts) };
      });
    },

    async quantize(
      jobId: string,
      modelId: string,
      tensor: string,
      spec: QuantSpec,
    ): Promise<QuantReport> {
      return runJob(jobId, (signal) =>
        session.quantize(modelId, tensor, spec, backend, { signal }),
      );
    },

    /** A quick first answer for a large tensor (see session.quantizePreview); not a job. */
    quantizePreview(modelId: string, tensor: string, spec: QuantSpec): Promise<QuantReport> {
      return session.quantizePreview(modelId, tensor, spec);
    },

    async compare(
      jobId: string,
      modelId: string,
      tensor: string,
      spec: QuantSpec,
    ): Promise<Comparison> {
      return runJob(jobId, (signal) => session.compare(modelId, tensor, spec, { signal }));
    },

    async llmInt8(
      jobId: string,
      modelId: string,
      tensor: string,
      threshold: number,
    ): Promise<Int8Report> {
      return runJob(jobId, () => session.llmInt8(modelId, tensor, threshold));
    },

    async sensitivity(
      jobId: string,
      modelId: string,
      spec: QuantSpec,
      filter: string,
      onProgress?: (fraction: number) => void,
    ): Promise<SensitivityRow[]> {
      const progress = throttled(onProgress);
      return runJob(jobId, (signal) =>
        session.sensitivity(modelId, spec, { signal, onProgress: progress, filter, backend }),
      );
    },

    async planOptions(
      jobId: string,
      modelId: string,
      spec: QuantSpec,
      onProgress?: (fraction: number) => void,
    ): Promise<PlanTensor[]> {
      const progress = throttled(onProgress);
      return runJob(jobId, (signal) =>
        session.planOptions(modelId, spec, { signal, onProgress: progress }),
      );
    },

    /** A runnable demo model on the test digits, as it is and quantized (see session.evaluate). */
    async evaluate(
      jobId: string,
      modelId: string,
      spec: QuantSpec,
      onProgress?: (fraction: number) => void,
    ): Promise<VariantResult[]> {
      const progress = throttled(onProgress);
      return runJob(jobId, async (signal) =>
        session.evaluate(modelId, spec, await loadDigits(), {
          signal,
          onProgress: progress,
          backend,
        }),
      );
    },

    /** PTQ against QAT at 8, 4 and 2 bits for a runnable demo model (trains in this worker). */
    async compareQat(
      jobId: string,
      modelId: string,
      epochs: number,
      onProgress?: (fraction: number) => void,
    ): Promise<QatComparison> {
      const progress = throttled(onProgress);
      return runJob(jobId, async (signal) =>
        session.compareQat(modelId, await loadDigits(), {
          signal,
          onProgress: progress,
          epochs,
          paused: () => paused.has(jobId),
        }),
      );
    },

    /** The demo model factorized to keep `energy` of each weight's Σσ², on the test digits. */
    async lowRank(
      jobId: string,
      modelId: string,
      energy: number,
      epochs: number,
      onProgress?: (fraction: number) => void,
    ): Promise<LowRankResult> {
      const progress = throttled(onProgress);
      return runJob(jobId, async (signal) =>
        session.lowRank(modelId, energy, await loadDigits(), {
          backend,
          epochs,
          onProgress: progress,
          signal,
          paused: () => paused.has(jobId),
        }),
      );
    },

    /** Every calibration method on each layer's input activations of a demo model. */
    async calibrationStudy(
      jobId: string,
      modelId: string,
      o: StudyOptions,
      onProgress?: (fraction: number) => void,
    ): Promise<LayerStudy[]> {
      const progress = throttled(onProgress);
      return runJob(jobId, async (signal) =>
        session.calibrationStudy(modelId, await loadDigits(), o, backend, {
          signal,
          onProgress: progress,
        }),
      );
    },

    /** PTQ variants with each calibration method on the test digits. */
    async comparePtq(
      jobId: string,
      modelId: string,
      o: StudyOptions,
      onProgress?: (fraction: number) => void,
    ): Promise<PtqComparison> {
      const progress = throttled(onProgress);
      return runJob(jobId, async (signal) =>
        session.comparePtq(modelId, await loadDigits(), o, { signal, onProgress: progress }),
      );
    },

    /** Prunes a demo model (magnitude or N:M) and fine-tunes it with the masks fixed. */
    async pruneFineTune(
      jobId: string,
      modelId: string,
      o: { method: PruneMethod; epochs: number },
      onProgress?: (fraction: number) => void,
    ): Promise<PruneResult> {
      const progress = throttled(onProgress);
      return runJob(jobId, async (signal) =>
        session.pruneFineTune(modelId, await loadDigits(), o, {
          backend,
          signal,
          onProgress: progress,
          paused: () => paused.has(jobId),
        }),
      );
    },

    /** Distils a demo model into a student; each epoch's point is sent as it ends. */
    async distill(
      jobId: string,
      modelId: string,
      o: DistillRequest,
      onProgress?: (fraction: number) => void,
      onPoint?: (p: DistillPoint) => void,
    ): Promise<DistillResult> {
      const progress = throttled(onProgress);
      return runJob(jobId, async (signal) =>
        session.distill(modelId, await loadDigits(), o, {
          signal,
          onProgress: progress,
          paused: () => paused.has(jobId),
          ...(onPoint ? { onPoint } : {}),
        }),
      );
    },

    /** The demo model's forward pass timed on this device (the chosen backend). */
    async measureLatency(jobId: string, modelId: string, batch: number) {
      return runJob(jobId, async () =>
        session.measureLatency(modelId, await loadDigits(), batch, backend),
      );
    },

    /** The short kernel benchmark (QUICK_PLAN) on this device's WebGPU adapter. */
    async kernelBench(
      jobId: string,
      onProgress?: (fraction: number) => void,
    ): Promise<KernelReport> {
      const progress = throttled(onProgress);
      return runJob(jobId, async (signal) => {
        if (!gpuCtx)
          throw new Error(
            `the kernel benchmark needs WebGPU${status.reason ? ` (${status.reason})` : ''}`,
          );
        return runKernelBench(gpuCtx, QUICK_PLAN, {
          signal,
          onProgress: (f) => progress?.(f),
        });
      });
    },

    /** Per-digit work of each layer of a demo model under a deployment. */
    modelWork(modelId: string, d: Deployment): Promise<LayerWork[]> {
      return session.modelWork(modelId, d);
    },

    /** The pruning lab's study of one method on a demo model. */
    async pruneStudy(jobId: string, modelId: string, method: LabMethod): Promise<PruneStudy> {
      return runJob(jobId, async () =>
        session.pruneStudy(modelId, await loadDigits(), method, { backend }),
      );
    },

    async pruneSweep(
      jobId: string,
      modelId: string,
      o: { sparsities: number[]; fineTune: boolean },
      onProgress?: (fraction: number) => void,
    ): Promise<SweepPoint[]> {
      const progress = throttled(onProgress);
      return runJob(jobId, async (signal) =>
        session.pruneSweep(modelId, await loadDigits(), o, {
          backend,
          signal,
          onProgress: progress,
          paused: () => paused.has(jobId),
        }),
      );
    },

    async gradualPrune(
      jobId: string,
      modelId: string,
      o: { final: number; epochs: number },
      onProgress?: (fraction: number) => void,
    ): Promise<GradualResult> {
      const progress = throttled(onProgress);
      return runJob(jobId, async (signal) =>
        session.gradualPrune(modelId, await loadDigits(), o, {
          signal,
          onProgress: progress,
          paused: () => paused.has(jobId),
        }),
      );
    },

    /** Pauses or resumes a training job (it waits at its next step). */
    pause(jobId: string, on: boolean): void {
      if (on && jobs.has(jobId)) paused.add(jobId);
      else paused.delete(jobId);
    },

    cancel(jobId: string): void {
      paused.delete(jobId);
      jobs.get(jobId)?.abort(new DOMException('cancelled', 'AbortError'));
    },
  };
}

export type EngineApi = ReturnType<typeof createEngineApi>;
