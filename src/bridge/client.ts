// Main-thread client of the engine worker: one generic `run` for every job of the engine's table,
// typed from it. An AbortSignal becomes a cancel message, pausing a pause message, and progress and
// partial results come back through proxied callbacks.
import * as Comlink from 'comlink';
import type { EngineApi } from '../worker/api.ts';
import type {
  BackendStatus,
  EngineEvent,
  JobName,
  JobRequest,
  JobResult,
  JobUpdate,
} from '../engine/types.ts';

/** Pausing a training job: the worker is told each time the person pauses or resumes. */
export interface PauseControl {
  subscribe(listener: (paused: boolean) => void): () => void;
}

export interface JobOptions<U = never> {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  pause?: PauseControl;
  /** Partial results of a job that sends them (a distillation's epochs). */
  onUpdate?: (u: U) => void;
}

export interface EngineClient {
  init(onEvent: (e: EngineEvent) => void): Promise<BackendStatus>;
  useBackend(kind: 'webgpu' | 'cpu'): Promise<BackendStatus>;
  run<N extends JobName>(
    name: N,
    request: JobRequest<N>,
    opts?: JobOptions<JobUpdate<N>>,
  ): Promise<JobResult<N>>;
}

type RunFn = <N extends JobName>(
  jobId: string,
  name: N,
  request: JobRequest<N>,
  onProgress?: (fraction: number) => void,
  onUpdate?: (u: JobUpdate<N>) => void,
) => Promise<JobResult<N>>;

let jobCounter = 0;

export function createEngineClient(
  worker: Worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' }),
): EngineClient {
  const api = Comlink.wrap<EngineApi>(worker);
  // comlink's Remote type drops the generic parameter of `run`; the worker's own signature is this.
  const remoteRun = api.run as unknown as RunFn;
  return {
    init: (onEvent) => api.init(Comlink.proxy(onEvent)),
    useBackend: (kind) => api.useBackend(kind),
    run(name, request, opts = {}) {
      if (opts.signal?.aborted) return Promise.reject(opts.signal.reason);
      const jobId = `j${++jobCounter}`;
      const onAbort = () => void api.cancel(jobId);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const unsubscribe = opts.pause?.subscribe((on) => void api.pause(jobId, on));
      return remoteRun(
        jobId,
        name,
        request,
        opts.onProgress ? Comlink.proxy(opts.onProgress) : undefined,
        opts.onUpdate ? Comlink.proxy(opts.onUpdate) : undefined,
      ).finally(() => {
        opts.signal?.removeEventListener('abort', onAbort);
        unsubscribe?.();
      });
    },
  };
}
