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
