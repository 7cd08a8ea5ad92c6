// Main-thread client of the engine worker: wraps comlink, turns AbortSignals into cancel
// messages, and proxies progress callbacks.
import * as Comlink from 'comlink';
import type {
  BackendStatus,
  EngineApi,
  EngineEvent,
  OpenResult,
  TensorAnalysis,
} from '../worker/api.ts';

export type {
  AdapterSummary,
  BackendStatus,
  EngineEvent,
  FileProblem,
  ModelSummary,
  OpenResult,
  TensorAnalysis,
  TensorRow,
  TensorStats,
} from '../worker/api.ts';

export interface EngineClient {
  init(onEvent: (e: EngineEvent) => void): Promise<BackendStatus>;
  useBackend(kind: 'webgpu' | 'cpu'): Promise<BackendStatus>;
  openFiles(files: File[]): Promise<OpenResult>;
  openUrl(url: string, name: string): Promise<OpenResult>;
  closeModel(id: string): Promise<void>;
  analyse(
    req: { modelId: string; tensor: string; bins: number },
    opts: { signal?: AbortSignal; onProgress?: (fraction: number) => void },
  ): Promise<TensorAnalysis>;
}

let jobCounter = 0;

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
    async analyse(req, opts) {
      const jobId = `j${++jobCounter}`;
      opts.signal?.throwIfAborted();
      const onAbort = () => void api.cancel(jobId);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const progress = opts.onProgress ? Comlink.proxy(opts.onProgress) : undefined;
        return await api.analyse(jobId, req.modelId, req.tensor, req.bins, progress);
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
