// Settings are the one source: the spec is a selector of them with a stable identity, a preset
// replaces them, a lesson step applies over them and redoes what it affects, locks refuse changes,
// and the URL carries them.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { defaultSettings } from '../../src/presets/fields.ts';
import { decodePreset, specOf } from '../../src/presets/schema.ts';
import { openFiles } from '../../src/state/tensors/actions.ts';
import { applyPreset, setSetting } from '../../src/state/settings/actions.ts';
import { quantSpecOf } from '../../src/state/settings/slice.ts';
import { applySettings, presetQuery, syncUrl } from '../../src/state/settings/url.ts';
import { useStore } from '../../src/state/store.ts';
import { freshStore, model, noticeTexts, settle, type FakeEngine } from './state-fake-engine.ts';

let engine: FakeEngine;
beforeEach(async () => {
  engine = await freshStore({ open: () => ({ models: [model('mnist-mlp')], problems: [] }) });
});

describe('the spec selector', () => {
  test('is the schema default at start, and specOf of the settings after', () => {
    const s = useStore.getState().settings;
    expect(quantSpecOf(s)).toEqual(specOf(defaultSettings()));
    setSetting('qBits', 4);
    expect(quantSpecOf(useStore.getState().settings)).toEqual({ ...specOf(s), bits: 4 });
  });

  test('keeps its identity while the spec does not change', () => {
    const a = quantSpecOf(useStore.getState().settings);
    setSetting('bins', 256);
    expect(quantSpecOf(useStore.getState().settings)).toBe(a);
    setSetting('qBits', 4);
    const b = quantSpecOf(useStore.getState().settings);
    expect(b).not.toBe(a);
    expect(quantSpecOf(useStore.getState().settings)).toBe(b);
  });
});

describe('setSetting', () => {
  test('refuses a value the setting cannot hold and a setting a lesson locked', () => {
    expect(setSetting('calSize', 7)).toBe(false);
    useStore.setState({ teaching: { locked: ['rankEnergy'], hidden: [], lesson: 'x' } });
    expect(setSetting('rankEnergy', 0.5)).toBe(false);
    expect(setSetting('calSize', 128)).toBe(true);
    expect(useStore.getState().settings).toMatchObject({ calSize: 128, rankEnergy: 0.9 });
    expect(noticeTexts()).toEqual(['info: This lesson keeps low rank: energy kept fixed.']);
  });
});

describe('presets', () => {
  test('applyPreset puts the settings and the teaching flags in the store', () => {
    applyPreset(decodePreset('qb=4&b=32&ot=2&lock=qBits&hide=training&lesson=zero-point'));
    const s = useStore.getState();
    expect(s.settings).toMatchObject({ qBits: 4, bins: 32, int8Threshold: 2 });
    expect(quantSpecOf(s.settings).bits).toBe(4);
    expect(s.teaching).toEqual({ locked: ['qBits'], hidden: ['training'], lesson: 'zero-point' });
  });

  test('the query carries the tensor shown, the demo shown and the teaching flags', async () => {
    applyPreset(decodePreset('qb=4&lock=qBits'));
    await openFiles([new File([], 'x')]);
    const q = presetQuery((file) => (file === 'mnist-mlp.safetensors' ? 'mnist-mlp' : null));
    // mnist-mlp is the default demo: the query leaves it out.
    expect(q).toBe('v=2&t=fc1.weight&qb=4&lock=qBits');
  });

  test('a lesson step applies over the settings and redoes only what it affects', async () => {
    await openFiles([new File([], 'x')]);
    engine.calls.length = 0;
    await applySettings('qs=0&ps=0.5');
    expect(useStore.getState().settings).toMatchObject({ qSymmetric: false, pruneSparsity: 0.5 });
    expect(engine.calls.map((c) => c.name)).toEqual(['quantize', 'compare', 'llmInt8']);
    expect(engine.of('quantize')[0]!.request.spec.symmetric).toBe(false);
    engine.calls.length = 0;
    await applySettings('b=128');
    expect(engine.of('analyse')[0]!.request.bins).toBe(128);
    engine.calls.length = 0;
    await applySettings('t=fc1.bias');
    expect(useStore.getState().selected).toBe('fc1.bias');
    engine.calls.length = 0;
    await applySettings('ot=1.5');
    expect(useStore.getState().settings.int8Threshold).toBe(1.5);
    expect(engine.calls.map((c) => c.name)).toEqual(['llmInt8']);
  });

  test('a lesson step is not refused by the lesson’s locks; a bad value is a notice', async () => {
    useStore.setState({ teaching: { locked: ['qSymmetric'], hidden: [], lesson: 'x' } });
    await applySettings('qs=1&qb=99');
    expect(useStore.getState().settings).toMatchObject({ qSymmetric: true, qBits: 8 });
    expect(noticeTexts()).toEqual([
      'info: Lesson: Ignored bits (int, log2, quantile) = "99" (outside 2–16); using 8.',
    ]);
  });
});

describe('syncUrl', () => {
  const replaceState = vi.fn();
  beforeEach(() => {
    vi.stubGlobal('history', { state: null, replaceState });
    vi.stubGlobal('location', { pathname: '/', hash: '' });
    replaceState.mockClear();
  });
  afterEach(() => vi.unstubAllGlobals());

  test('writes the query at once, then after changes, and stops when told', async () => {
    const stop = syncUrl(() => null, 0);
    expect(replaceState).toHaveBeenLastCalledWith(null, '', '/?v=2');
    setSetting('qBits', 4);
    await settle();
    expect(replaceState).toHaveBeenLastCalledWith(null, '', '/?v=2&qb=4');
    stop();
    setSetting('qBits', 2);
    await settle();
    expect(replaceState).toHaveBeenCalledTimes(2);
  });
});
