// The engine connection and its one job at a time: starting a job cancels the one running (an
// export excepted), shows its progress, pauses training, and turns a cancel or a failure into a notice.
import type { EngineClient, JobOptions } from '../../bridge/client.ts';
import { useStore } from '../store.ts';
import type { Notice } from './slice.ts';

let engine: EngineClient | null = null;
let noticeId = 0;
let jobId = 0;
let running: AbortController | null = null;
let runningKind: 'analysis' | 'export' = 'analysis';
let runningTag: string | undefined;
const pauseListeners = new Set<(paused: boolean) => void>();

/** The engine every action talks to (set once, when the worker is connected). */
export function setEngine(c: EngineClient): void {
  engine = c;
}

export function client(): EngineClient {
  if (!engine) throw new Error('engine is not connected');
  return engine;
}

export function notify(kind: Notice['kind'], text: string): void {
  useStore.setState((s) => ({ notices: [...s.notices, { id: ++noticeId, kind, text }] }));
}

export function dismissNotice(id: number): void {
  useStore.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

/** The tag the running job was started with, if any (what it is doing, for work that would follow it). */
export function runningJobTag(): string | undefined {
  return running ? runningTag : undefined;
}

export function cancelJob(): void {
  running?.abort();
}

/** Pauses or resumes the running training job. */
export function togglePause(): void {
  const job = useStore.getState().job;
  if (!job?.pausable) return;
  const paused = !job.paused;
  useStore.setState({ job: { ...job, paused } });
  for (const l of pauseListeners) l(paused);
}

/**
 * What kind of work a job is: `analysis` cancels the job running; a `follow-up` (the comparison after
 * a quantization…) never displaces work the person started in the meantime: it simply does not run;
 * `training` is analysis that can be paused; an `export` is never cancelled behind the person's back.
 */
export type JobKind = 'analysis' | 'export' | 'follow-up' | 'training';

/**
 * Runs one job at a time: starts it (cancelling the one running), shows its progress, and reports a
 * cancel as information and a failure as an error. Gives the result only if the job is still the
 * current one when it ends. `tag` names what the job does, so that work it already leads to can wait
 * for it instead of cancelling it (see `runningJobTag`).
 */
export async function startJob<T>(
  label: string,
  messages: { cancelled: string; failed: (message: string) => string },
  work: (opts: JobOptions) => Promise<T>,
  kind: JobKind = 'analysis',
  tag?: string,
): Promise<T | undefined> {
  const pausable = kind === 'training';
  if (kind === 'follow-up' && running) return undefined;
  // An export is never cancelled behind the person's back: other work waits for it.
  if (running && runningKind === 'export') {
    notify('info', `${label} will start when the export is done (or cancel the export)`);
    return undefined;
  }
  running?.abort();
  runningKind = kind === 'export' ? 'export' : 'analysis';
  const ctrl = new AbortController();
  running = ctrl;
  runningTag = tag;
  const job = { id: ++jobId, label, progress: 0, pausable, paused: false, started: Date.now() };
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
