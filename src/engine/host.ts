// The engine as one object: a session of open models, the backend it computes on (WebGPU while
// usable, else the CPU), and the jobs table run against them. The worker exposes it to the tab;
// the CLI makes one in Node.
import type { GpuContext } from '../gpu/device.ts';
import { decodeDigits, type Digits } from '../models/mnist.ts';
import { cpuBackend, type AnalysisBackend, type BackendStatus } from './backend.ts';
import type { EngineEnv, JobContext } from './jobs/context.ts';
import {
  runJob,
  type JobName,
  type JobRequest,
  type JobResult,
  type JobUpdate,
} from './jobs/index.ts';
import { createSession } from './session.ts';

/** The test digits from their packed bytes (data/mnist.bin), loaded once; a failed load is retried. */
export function digitsFrom(load: () => Promise<Uint8Array>): () => Promise<Digits> {
  let digits: Promise<Digits> | null = null;
  return () =>
    (digits ??= load()
      .then(decodeDigits)
      .catch((e: unknown) => {
        digits = null;
        throw e;
      }));
}

export type EngineEvent = { type: 'backend'; status: BackendStatus };

export function createEngine(o: { digits: () => Promise<Digits> }) {
  const session = createSession();
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

  const env: EngineEnv = {
    session,
    backend: () => backend,
    gpu: () => gpuCtx,
    status: () => status,
    digits: o.digits,
  };

  return {
    env,

    /** Acquires WebGPU (or settles on the CPU) and subscribes to engine events. */
    async init(gpu: GPU | undefined, listener?: (e: EngineEvent) => void): Promise<BackendStatus> {
      onEvent = listener;
      // The GPU side loads only here: the CLI never calls init, so it never loads a kernel.
      const [{ acquireGpu }, { gpuBackend }] = await Promise.all([
        import('../gpu/device.ts'),
        import('./gpu-backend.ts'),
      ]);
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

    status: (): BackendStatus => status,

    /** Chooses the backend for later work (the GPU only while it is usable). */
    useBackend(kind: 'webgpu' | 'cpu'): BackendStatus {
      if (kind === 'webgpu' && gpuUsable) backend = gpuUsable;
      else if (kind === 'cpu') backend = cpuBackend();
      setStatus({ ...status, kind: backend.kind, label: backend.label });
      return status;
    },

    run<N extends JobName>(
      name: N,
      request: JobRequest<N>,
      ctx: JobContext<JobUpdate<N>>,
    ): Promise<JobResult<N>> {
      return runJob(env, name, request, ctx);
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;
