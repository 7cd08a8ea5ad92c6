// A fake engine client for the state's unit tests: `run` records each call and answers from canned
// handlers; a held job answers only when released and rejects with an AbortError when its signal
// aborts, as the worker's jobs do. Also: a store reset, demo-like models and analyses.
import type { EngineClient, JobOptions } from '../../src/bridge/client.ts';
import type {
  BackendStatus,
  JobName,
  ModelSummary,
  TensorAnalysis,
} from '../../src/engine/types.ts';
import { connectEngine } from '../../src/state/device/actions.ts';
import { initialState, useStore } from '../../src/state/store.ts';

// Handlers see requests loosely typed: each test knows what its job takes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (request: any, opts: JobOptions<any>) => unknown;

export interface Call {
  name: JobName;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  opts: JobOptions<any>;
}

export const abortError = () => new DOMException('The job was cancelled', 'AbortError');

export function tensor(name: string, shape: number[]) {
  const params = shape.reduce((a, b) => a * b, 1);
  return { name, dtype: 'F32', shape, params, bytes: params * 4 };
}

export function model(id: string, over: Partial<ModelSummary> = {}): ModelSummary {
  const m: ModelSummary = {
    id,
    architecture: 'mlp',
    languageModel: null,
    format: 'safetensors',
    file: `${id}.safetensors`,
    fileBytes: 1000,
    params: 250,
    bytes: 1000,
    metadata: {},
    tensors: [
      tensor('fc1.weight', [16, 8]),
      tensor('fc1.bias', [16]),
      tensor('fc2.weight', [4, 16]),
    ],
    first: null,
    ...over,
  };
  // As the engine says: the largest tensor (the first of equals) unless the test names one.
  const largest = [...m.tensors].sort((a, b) => b.params - a.params)[0];
  return over.first !== undefined ? m : { ...m, first: largest?.name ?? null };
}

export function analysis(req: { modelId: string; tensor: string; bins: number }): TensorAnalysis {
  return {
    modelId: req.modelId,
    tensor: req.tensor,
    dtype: 'F32',
    shape: req.tensor.endsWith('bias') ? [16] : [16, 8],
    backend: 'cpu',
    stats: {} as TensorAnalysis['stats'],
    lo: -1,
    hi: 1,
    counts: new Uint32Array(req.bins),
    ms: 1,
  };
}

/** What every job answers unless a test says otherwise. */
const DEFAULTS: Partial<Record<JobName, Handler>> = {
  close: () => undefined,
  analyse: (r) => analysis(r),
  quantize: (r) => ({ spec: r.spec, error: { sqnrDb: 40 } }),
  quantizePreview: (r) => ({ spec: r.spec, error: { sqnrDb: 39 } }),
  compare: () => ({ formats: [], bits: [] }),
  llmInt8: (r) => ({ threshold: r.threshold }),
};

export interface FakeEngine {
  client: EngineClient;
  calls: Call[];
  /** The calls of one job, in order. */
  of(name: JobName): Call[];
  /** Makes a job wait until the returned function is called (with its result). */
  hold(name: JobName): (result?: unknown) => void;
}

export function fakeEngine(handlers: Partial<Record<JobName, Handler>> = {}): FakeEngine {
  const calls: Call[] = [];
  const all = { ...DEFAULTS, ...handlers };
  const held = new Map<JobName, Array<(r: unknown) => void>>();
  const status: BackendStatus = { kind: 'cpu', label: 'CPU' };
  const run = (name: JobName, request: unknown, opts: JobOptions<unknown> = {}) => {
    calls.push({ name, request, opts });
    return new Promise<unknown>((resolve, reject) => {
      const { signal } = opts;
      if (signal?.aborted) return reject(abortError());
      signal?.addEventListener('abort', () => reject(abortError()), { once: true });
      const waiting = held.get(name);
      if (waiting) {
        waiting.push(resolve);
        return;
      }
      const h = all[name];
      if (!h) return reject(new Error(`the fake engine has no job '${name}'`));
      Promise.resolve()
        .then(() => h(request, opts))
        .then(resolve, reject);
    });
  };
  const client: EngineClient = {
    init: () => Promise.resolve(status),
    useBackend: (kind) => Promise.resolve({ kind, label: kind }),
    run: run as EngineClient['run'],
  };
  return {
    client,
    calls,
    of: (name) => calls.filter((c) => c.name === name),
    hold(name) {
      const waiting: Array<(r: unknown) => void> = [];
      held.set(name, waiting);
      return (result) => {
        held.delete(name);
        for (const w of waiting.splice(0)) w(result);
      };
    },
  };
}

/** A fresh store connected to a fake engine. */
export async function freshStore(handlers: Partial<Record<JobName, Handler>> = {}) {
  useStore.setState(initialState(), true);
  const engine = fakeEngine(handlers);
  await connectEngine(engine.client);
  return engine;
}

/** Lets queued promise callbacks run (a job's follow-ups, a rejection's notice). */
export const settle = () => new Promise<void>((r) => setTimeout(r, 0));

export const noticeTexts = () => useStore.getState().notices.map((n) => `${n.kind}: ${n.text}`);
