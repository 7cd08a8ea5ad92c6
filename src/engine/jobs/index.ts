// The one table of the engine's jobs. Each job is declared once, here or in the feature tables it
// gathers: `(env, request, context) → result`. The worker exposes the table generically (run,
// cancel, pause), the bridge derives its types from it, and the CLI runs the same jobs in Node.
import { demoJobs } from './demo-jobs.ts';
import { lmJobs } from './lm-jobs.ts';
import { lmStudyJobs } from './lm-study-jobs.ts';
import { tensorJobs } from './tensor-jobs.ts';
import { modelJobs } from './model-jobs.ts';
import { job, type EngineEnv, type JobContext, type JobFn } from './context.ts';

const deviceJobs = {
  /** The short kernel benchmark (QUICK_PLAN) on this device's WebGPU adapter. */
  kernelBench: job(async (env, _r: Record<string, never>, ctx) => {
    const gpu = env.gpu();
    const why = env.status().reason;
    if (!gpu) throw new Error(`the kernel benchmark needs WebGPU${why ? ` (${why})` : ''}`);
    const { QUICK_PLAN, runKernelBench } = await import('../kernel-bench.ts');
    return runKernelBench(gpu, QUICK_PLAN, ctx);
  }),
};

export const jobs = {
  ...tensorJobs,
  ...modelJobs,
  ...demoJobs,
  ...lmJobs,
  ...lmStudyJobs,
  ...deviceJobs,
};

export type Jobs = typeof jobs;
export type JobName = keyof Jobs;
export type JobRequest<N extends JobName> = Parameters<Jobs[N]>[1];
export type JobResult<N extends JobName> = Awaited<ReturnType<Jobs[N]>>;
/** The partial results a job sends while it runs (never: none). */
export type JobUpdate<N extends JobName> =
  Parameters<Jobs[N]>[2] extends JobContext<infer U> ? U : never;

/**
 * Runs a job. The call rejects as soon as the signal aborts, even if the job's own work (a GPU
 * submission) is still draining; every job also receives the signal and stops at its next check.
 */
export async function runJob<N extends JobName>(
  env: EngineEnv,
  name: N,
  request: JobRequest<N>,
  ctx: JobContext<JobUpdate<N>>,
): Promise<JobResult<N>> {
  const fn = jobs[name] as unknown as JobFn<JobRequest<N>, JobResult<N>, JobUpdate<N>>;
  if (typeof fn !== 'function') throw new Error(`no engine job named '${String(name)}'`);
  ctx.signal.throwIfAborted();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([fn(env, request, ctx), aborted]);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}
