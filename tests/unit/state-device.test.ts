// The device: connecting reads the backend, the engine's events update it, choosing one reanalyses.
import { expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/types.ts';
import {
  chooseBackend,
  connectEngine,
  measureLatency,
  modelWork,
} from '../../src/state/device/actions.ts';
import { useStore } from '../../src/state/store.ts';
import { fakeEngine, freshStore, model, noticeTexts } from './state-fake-engine.ts';

test('connecting shows the backend; events and a choice change it', async () => {
  await freshStore();
  const engine = fakeEngine();
  let send: (e: EngineEvent) => void = () => {};
  engine.client.init = (onEvent) => {
    send = onEvent;
    return Promise.resolve({ kind: 'webgpu', label: 'GPU' });
  };
  await connectEngine(engine.client);
  expect(useStore.getState().backend?.kind).toBe('webgpu');
  send({ type: 'backend', status: { kind: 'cpu', label: 'lost' } } as EngineEvent);
  expect(useStore.getState().backend?.label).toBe('lost');
  await chooseBackend('webgpu');
  expect(useStore.getState().backend?.kind).toBe('webgpu');
});

test('latency: timing is a job; the per-layer work failing is an error notice', async () => {
  const engine = await freshStore({
    measureLatency: (r: { batch: number }) => ({ ms: 2, on: 'cpu', batch: r.batch }),
    modelWork: () => Promise.reject(new Error('unknown deployment')),
  });
  useStore.setState({ model: model('m') });
  expect(await measureLatency(8)).toEqual({ ms: 2, on: 'cpu', batch: 8 });
  expect(engine.of('measureLatency')[0]!.request).toEqual({ modelId: 'm', batch: 8 });
  expect(await modelWork('fp16' as never)).toBeNull();
  expect(noticeTexts()).toEqual(['error: Latency model failed: unknown deployment']);
});

test('a choice of the CPU is kept in this browser: the next visit starts on it, WebGPU one choice away', async () => {
  const kept = new Map<string, string>();
  const storage = {
    getItem: (k: string) => kept.get(k) ?? null,
    setItem: (k: string, v: string) => void kept.set(k, v),
    removeItem: (k: string) => void kept.delete(k),
  };
  const had = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true });
  try {
    const visit = async () => {
      await freshStore();
      const engine = fakeEngine();
      engine.client.init = () => Promise.resolve({ kind: 'webgpu', label: 'GPU' });
      const chosen: string[] = [];
      engine.client.useBackend = (kind) => {
        chosen.push(kind);
        return Promise.resolve({ kind, label: kind });
      };
      await connectEngine(engine.client);
      return chosen;
    };
    expect(await visit()).toEqual([]);
    expect(useStore.getState().backend?.kind).toBe('webgpu');
    await chooseBackend('cpu');
    expect(await visit()).toEqual(['cpu']);
    expect(useStore.getState().backend?.kind).toBe('cpu');
    // Choosing WebGPU again forgets the choice.
    await chooseBackend('webgpu');
    expect(await visit()).toEqual([]);
  } finally {
    if (had) Object.defineProperty(globalThis, 'localStorage', had);
    else delete (globalThis as { localStorage?: unknown }).localStorage;
  }
});

test('latency of a model that does not run: the work of its weights, at the conv positions given', async () => {
  const engine = await freshStore({ weightWork: () => [{ name: 'fc.weight', macs: 96 }] });
  useStore.setState({ model: model('own', { architecture: null }) });
  expect(await modelWork({ weightBits: 16, actBits: 16 }, 49)).toEqual([
    { name: 'fc.weight', macs: 96 },
  ]);
  expect(engine.of('weightWork')[0]!.request).toEqual({
    modelId: 'own',
    deployment: { weightBits: 16, actBits: 16 },
    positions: 49,
  });
  expect(engine.of('modelWork')).toHaveLength(0);
});
