// Open models and the tensor shown (the tensors slice): opening adds models (problems become notices), the largest
// tensor is shown and analysed, selecting analyses, closing shows another, the table's filter/sort.
import { beforeEach, describe, expect, test } from 'vitest';
import {
  closeModel,
  openDemo,
  openFiles,
  selectTensor,
  setBins,
  setFilter,
  setLogScale,
  showModel,
  toggleSort,
} from '../../src/state/tensors/actions.ts';
import { setQuantSpec } from '../../src/state/quant/actions.ts';
import { quantSpecOf } from '../../src/state/settings/slice.ts';
import { useStore } from '../../src/state/store.ts';
import {
  analysis,
  freshStore,
  model,
  noticeTexts,
  settle,
  type FakeEngine,
} from './state-fake-engine.ts';

let engine: FakeEngine;
beforeEach(async () => {
  engine = await freshStore({
    open: () => ({
      models: [model('a'), model('b')],
      problems: [{ file: 'bad.bin', message: 'bad.bin: not a weights file' }],
    }),
    openUrl: (r: { name: string }) => ({ models: [model(r.name)], problems: [] }),
  });
});

const names = () => engine.calls.map((c) => c.name);

describe('opening', () => {
  test('files add every good model and a notice per problem; the last is shown and analysed', async () => {
    await openFiles([new File([], 'a'), new File([], 'b'), new File([], 'bad.bin')]);
    const s = useStore.getState();
    expect(s.models.map((m) => m.id)).toEqual(['a', 'b']);
    expect(s.model?.id).toBe('b');
    expect(s.opening).toBe(false);
    expect(noticeTexts()).toEqual(['error: bad.bin: not a weights file']);
    // The largest tensor, analysed with the settings' bins, then quantized, compared, decomposed.
    expect(s.selected).toBe('fc1.weight');
    expect(engine.of('analyse')[0]!.request).toEqual({
      modelId: 'b',
      tensor: 'fc1.weight',
      bins: 64,
    });
    expect(names()).toEqual(['open', 'analyse', 'quantize', 'compare', 'llmInt8']);
    expect(engine.of('quantize')[0]!.request.spec).toBe(quantSpecOf(s.settings));
    expect(s.analysis?.tensor).toBe('fc1.weight');
    expect(s.quant?.tensor).toBe('fc1.weight');
    expect(s.int8?.tensor).toBe('fc1.weight');
  });

  test('no files opens nothing; a failure to open is an error notice', async () => {
    await openFiles([]);
    expect(engine.calls).toEqual([]);
    const broken = await freshStore({ openUrl: () => Promise.reject(new Error('404')) });
    await openDemo('/x.safetensors', 'x');
    expect(noticeTexts()).toEqual(['error: Could not open: 404']);
    expect(broken.of('analyse')).toEqual([]);
  });

  test('a demo joins the open models without replacing one', async () => {
    await openDemo('/m.safetensors', 'm1');
    await openDemo('/m.safetensors', 'm2');
    expect(useStore.getState().models.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(engine.of('openUrl')[1]!.request).toEqual({ url: '/m.safetensors', name: 'm2' });
  });
});

describe('the tensor shown', () => {
  beforeEach(async () => {
    await openFiles([new File([], 'a'), new File([], 'b')]);
    engine.calls.length = 0;
    useStore.setState({ notices: [] });
  });

  test('selecting a tensor analyses it; selecting it again does nothing', async () => {
    await selectTensor('fc1.bias');
    expect(useStore.getState().analysis?.tensor).toBe('fc1.bias');
    // A vector has no columns for LLM.int8().
    expect(names()).toEqual(['analyse', 'quantize', 'compare']);
    await selectTensor('fc1.bias');
    expect(names()).toHaveLength(3);
  });

  test('bins are a setting: a change reanalyses; a lesson lock refuses it', async () => {
    await setBins(128);
    expect(useStore.getState().settings.bins).toBe(128);
    expect(engine.of('analyse')[0]!.request.bins).toBe(128);
    useStore.setState({ teaching: { locked: ['bins', 'logScale'], hidden: [], lesson: 'x' } });
    await setBins(32);
    setLogScale(true);
    expect(useStore.getState().settings).toMatchObject({ bins: 128, logScale: false });
    expect(engine.of('analyse')).toHaveLength(1);
    expect(noticeTexts()).toEqual([
      'info: This lesson keeps histogram bins fixed.',
      'info: This lesson keeps histogram on a log scale fixed.',
    ]);
  });

  test('a new bit width while the histogram is redrawn keeps the histogram and quantizes after it', async () => {
    const release = engine.hold('analyse');
    const bins = setBins(32);
    await settle();
    // The person changes the bit width before the new histogram is ready: the analysis goes on.
    await setQuantSpec({ bits: 4 });
    expect(engine.of('analyse')[0]!.opts.signal?.aborted).toBe(false);
    expect(engine.of('quantize')).toHaveLength(0);
    release(analysis({ modelId: 'b', tensor: 'fc1.weight', bins: 32 }));
    await bins;
    const s = useStore.getState();
    expect(s.analysis?.counts.length).toBe(32);
    // Its quantization follows under the newest spec.
    expect(engine.of('quantize').map((c) => c.request.spec.bits)).toEqual([4]);
    expect(s.quant?.spec.bits).toBe(4);
    expect(noticeTexts()).toEqual([]);
  });

  test('switching tabs shows the other model; closing the one shown shows the last left', async () => {
    await showModel('b');
    expect(engine.calls).toEqual([]);
    await showModel('a');
    expect(useStore.getState().model?.id).toBe('a');
    expect(engine.of('analyse')[0]!.request.modelId).toBe('a');
    await closeModel('a');
    expect(engine.of('close')[0]!.request).toEqual({ modelId: 'a' });
    expect(useStore.getState().models.map((m) => m.id)).toEqual(['b']);
    expect(useStore.getState().model?.id).toBe('b');
    await closeModel('b');
    expect(useStore.getState()).toMatchObject({ models: [], model: null, selected: null });
  });

  test('the filter is cleared by another model; sort toggles, sizes sort largest first', async () => {
    setFilter('bias');
    expect(useStore.getState().filter).toBe('bias');
    toggleSort('params');
    expect(useStore.getState().sort).toEqual({ key: 'params', desc: true });
    toggleSort('params');
    expect(useStore.getState().sort).toEqual({ key: 'params', desc: false });
    toggleSort('name');
    expect(useStore.getState().sort).toEqual({ key: 'name', desc: false });
    await showModel('a');
    expect(useStore.getState().filter).toBe('');
  });
});
