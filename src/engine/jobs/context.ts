// What every job receives: the engine's environment (the open session, the chosen backend, the
// GPU, the test digits) and its own context (cancel signal, progress, pause, partial results).
// A job's context is also a RunOptions, so the signal reaches every long loop by construction.
import type { Digits } from '../../models/mnist.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { ticker, type AnalysisBackend, type BackendStatus, type RunOptions } from '../backend.ts';
import type { Session } from '../session.ts';

export interface JobContext<U = never> extends RunOptions {
  signal: AbortSignal;
  onProgress: (fraction: number) => void;
  paused: () => boolean;
  /** Partial results as they come (a distillation's epochs); the caller may ignore them. */
  update: (u: U) => void;
  /** Buffers of the result that may move to the caller instead of being copied. */
  transfer: (buffers: ArrayBuffer[]) => void;
  /** For long loops: reports progress, lets a cancel or pause arrive, honours them. */
  tick: (fraction: number) => Promise<void>;
}

export interface EngineEnv {
  session: Session;
  /** The backend chosen now (WebGPU while usable, or the CPU). */
  backend(): AnalysisBackend;
  /** The GPU while usable; null on the CPU. */
  gpu(): GpuContext | null;
  status(): BackendStatus;
  /** The test digits of the demo models (fetched in the tab, read from a file in Node). */
  digits(): Promise<Digits>;
}

export type JobFn<Req, Res, U = never> = (
  env: EngineEnv,
  req: Req,
  ctx: JobContext<U>,
) => Promise<Res>;

/** Declares a job: the request type comes from the function's own annotation. */
export function job<Req, Res, U = never>(fn: JobFn<Req, Res, U>): JobFn<Req, Res, U> {
  return fn;
}

export interface ContextOptions<U> {
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
  paused?: (() => boolean) | undefined;
  update?: ((u: U) => void) | undefined;
  transfer?: ((buffers: ArrayBuffer[]) => void) | undefined;
}

/** A job's context from what the caller has (missing parts do nothing; no signal: never aborted). */
export function jobContext<U = never>(o: ContextOptions<U> = {}): JobContext<U> {
  const base = {
    signal: o.signal ?? new AbortController().signal,
    onProgress: o.onProgress ?? (() => {}),
    paused: o.paused ?? (() => false),
  };
  return {
    ...base,
    update: o.update ?? (() => {}),
    transfer: o.transfer ?? (() => {}),
    tick: ticker(base),
  };
}
