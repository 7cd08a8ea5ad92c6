// The engine API the tab calls through comlink: the jobs table run generically. A call carries a
// job id; `cancel(jobId)` aborts it (the call rejects at once even if a GPU submission is still
// draining) and `pause(jobId, on)` holds a training job at its next step.
import * as Comlink from 'comlink';
import { createEngine, digitsFrom, type EngineEvent } from '../engine/host.ts';
import { jobContext } from '../engine/jobs/context.ts';
import type { JobName, JobRequest, JobResult, JobUpdate } from '../engine/jobs/index.ts';
import type { BackendStatus } from '../engine/backend.ts';

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

/** The MNIST digits served with the app (same origin). */
async function fetchDigits(): Promise<Uint8Array> {
  const r = await fetch(`${import.meta.env.BASE_URL}data/mnist.bin`);
  if (!r.ok) throw new Error(`the test digits could not be loaded: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

export function createEngineApi(gpu: GPU | undefined) {
  const engine = createEngine({ digits: digitsFrom(fetchDigits) });
  const running = new Map<string, AbortController>();
  const paused = new Set<string>();

  return {
    /** Acquires WebGPU (or settles on the CPU) and subscribes to engine events. */
    init: (listener?: (e: EngineEvent) => void): Promise<BackendStatus> =>
      engine.init(gpu, listener),

    status: (): BackendStatus => engine.status(),

    /** Chooses the backend for later work (the GPU only while it is usable). */
    useBackend: (kind: 'webgpu' | 'cpu'): BackendStatus => engine.useBackend(kind),

    /** Runs one job of the engine's table; its result's own buffers are transferred, not copied. */
    async run<N extends JobName>(
      jobId: string,
      name: N,
      request: JobRequest<N>,
      onProgress?: (fraction: number) => void,
      onUpdate?: (u: JobUpdate<N>) => void,
    ): Promise<JobResult<N>> {
      const ctrl = new AbortController();
      running.set(jobId, ctrl);
      const buffers: ArrayBuffer[] = [];
      try {
        const ctx = jobContext<JobUpdate<N>>({
          signal: ctrl.signal,
          onProgress: throttled(onProgress),
          paused: () => paused.has(jobId),
          update: onUpdate,
          transfer: (b) => buffers.push(...b),
        });
        const r = await engine.run(name, request, ctx);
        return buffers.length ? Comlink.transfer(r, buffers) : r;
      } finally {
        running.delete(jobId);
        paused.delete(jobId);
      }
    },

    /** Pauses or resumes a training job (it waits at its next step). */
    pause(jobId: string, on: boolean): void {
      if (on && running.has(jobId)) paused.add(jobId);
      else paused.delete(jobId);
    },

    cancel(jobId: string): void {
      paused.delete(jobId);
      running.get(jobId)?.abort(new DOMException('cancelled', 'AbortError'));
    },
  };
}

export type EngineApi = ReturnType<typeof createEngineApi>;
