// Quantization: the spec lives in the settings; a change requantizes unless a lesson locked it;
// LLM.int8() takes a threshold the schema accepts; ranking and planning record the spec they used.
import { beforeEach, describe, expect, test } from 'vitest';
import { openFiles } from '../../src/state/tensors/actions.ts';
import {
  decomposeSelected,
  measurePlanOptions,
  rankLayers,
  setQuantSpec,
} from '../../src/state/quant/actions.ts';
import { quantSpecOf } from '../../src/state/settings/slice.ts';
import { useStore } from '../../src/state/store.ts';
import { freshStore, model, noticeTexts, type FakeEngine } from './state-fake-engine.ts';

let engine: FakeEngine;
beforeEach(async () => {
  engine = await freshStore({
    open: () => ({ models: [model('a')], problems: [] }),
    sensitivity: () => [{ tensor: 'fc1.weight' }],
    planOptions: () => [{ tensor: 'fc1.weight' }],
  });
  await openFiles([new File([], 'a')]);
  engine.calls.length = 0;
});

const spec = () => quantSpecOf(useStore.getState().settings);

describe('setQuantSpec', () => {
  test('changes the settings that hold the spec and requantizes with the new spec', async () => {
    await setQuantSpec({ bits: 4, granularity: { kind: 'group', size: 32 } });
    const s = useStore.getState();
    expect(s.settings).toMatchObject({ qBits: 4, qGranularity: 'group', qGroup: 32 });
    expect(spec()).toMatchObject({ bits: 4, granularity: { kind: 'group', size: 32 } });
    expect(engine.of('quantize')[0]!.request.spec).toBe(spec());
    expect(s.quant?.spec).toBe(spec());
    expect(s.comparison?.spec).toBe(spec());
  });

  test('a lesson that locks a part of the spec refuses a change of it, and says so', async () => {
    useStore.setState({ teaching: { locked: ['qGroup'], hidden: [], lesson: 'x' } });
    await setQuantSpec({ granularity: { kind: 'tensor' } });
    expect(spec().granularity).toEqual({ kind: 'channel', axis: 0 });
    expect(engine.calls).toEqual([]);
    expect(noticeTexts()).toEqual(['info: This lesson keeps group size fixed.']);
    // Parts that do not change are not refused.
    await setQuantSpec({ bits: 4, granularity: { kind: 'channel', axis: 0 } });
    expect(spec().bits).toBe(4);
  });
});

describe('decomposeSelected', () => {
  test('a new threshold is a setting, and the decomposition runs at it', async () => {
    await decomposeSelected(2.5);
    expect(useStore.getState().settings.int8Threshold).toBe(2.5);
    expect(engine.of('llmInt8')[0]!.request).toEqual({
      modelId: 'a',
      tensor: 'fc1.weight',
      threshold: 2.5,
    });
    expect(useStore.getState().int8).toMatchObject({ tensor: 'fc1.weight', threshold: 2.5 });
  });

  test('a threshold the schema refuses, or a locked one, changes nothing', async () => {
    await decomposeSelected(5000);
    useStore.setState({ teaching: { locked: ['int8Threshold'], hidden: [], lesson: 'x' } });
    await decomposeSelected(3);
    expect(useStore.getState().settings.int8Threshold).toBe(6);
    expect(engine.calls).toEqual([]);
    expect(noticeTexts()).toEqual([
      'info: The outlier threshold takes 0 to 1000, not 5000.',
      'info: This lesson keeps LLM.int8() outlier threshold fixed.',
    ]);
  });
});

test('ranking and planning record the spec and filter they were made with', async () => {
  useStore.setState({ filter: 'fc1' });
  await rankLayers();
  await measurePlanOptions();
  const s = useStore.getState();
  expect(engine.of('sensitivity')[0]!.request).toEqual({
    modelId: 'a',
    spec: spec(),
    filter: 'fc1',
  });
  expect(s.sensitivity).toMatchObject({
    modelId: 'a',
    filter: 'fc1',
    rows: [{ tensor: 'fc1.weight' }],
  });
  expect(s.sensitivity?.spec).toBe(spec());
  expect(s.planOptions).toMatchObject({ modelId: 'a', tensors: [{ tensor: 'fc1.weight' }] });
});

test('a failed ranking is an error notice naming what failed', async () => {
  await freshStore({ sensitivity: () => Promise.reject(new Error('no memory')) });
  useStore.setState({ model: model('a') });
  await rankLayers();
  expect(noticeTexts()).toEqual(['error: Layer ranking failed: no memory']);
  expect(useStore.getState().sensitivity).toBeNull();
});
