// Nothing lost: a lesson opens beside the session and gives it back when it ends, a link applies
// over the open models, and a link made on a file of the person's own names the file to drop.
import { beforeEach, describe, expect, test } from 'vitest';
import { setSetting } from '../../src/state/settings/actions.ts';
import {
  leaveLesson,
  linkChanges,
  openLink,
  readLink,
  startLesson,
} from '../../src/state/settings/session.ts';
import { presetQuery } from '../../src/state/settings/url.ts';
import { openFiles, selectTensor } from '../../src/state/tensors/actions.ts';
import { useStore } from '../../src/state/store.ts';
import { freshStore, model, noticeTexts, settle, type FakeEngine } from './state-fake-engine.ts';

const DEMOS = [
  { id: 'mnist-mlp', name: 'mnist-mlp.safetensors', url: '/models/mnist-mlp.safetensors' },
  { id: 'mnist-cnn', name: 'mnist-cnn.safetensors', url: '/models/mnist-cnn.safetensors' },
];
const demoIdOf = (file: string) => DEMOS.find((d) => d.name === file)?.id ?? null;

let engine: FakeEngine;
beforeEach(async () => {
  engine = await freshStore({
    open: () => ({ models: [model('own', { file: 'own.safetensors' })], problems: [] }),
    openUrl: (r: { name: string }) => ({
      models: [model(r.name.replace('.safetensors', ''), { file: r.name })],
      problems: [],
    }),
  });
});

const state = () => useStore.getState();

describe('a lesson beside the session', () => {
  test('keeps the tabs and results, and leaving gives back the model, tensor and settings', async () => {
    await openFiles([new File([], 'own.safetensors')]);
    await selectTensor('fc1.bias');
    setSetting('qBits', 6);
    setSetting('bins', 128);
    const variants = [{ id: 'kept' }];
    useStore.setState({ notices: [], ...({ variants } as object) });
    await startLesson('per-tensor-vs-per-channel', DEMOS);
    expect(state().models.map((m) => m.file)).toEqual(['own.safetensors', 'mnist-mlp.safetensors']);
    expect(state().model?.file).toBe('mnist-mlp.safetensors');
    expect(state().selected).toBe('fc1.weight');
    expect(state().settings).toMatchObject({ qBits: 4, qGranularity: 'tensor', bins: 64 });
    expect(state().teaching).toMatchObject({
      lesson: 'per-tensor-vs-per-channel',
      locked: ['qBits'],
    });
    // Another lesson on a demo already open selects its tab and still returns to before both.
    await startLesson('svd-rank', DEMOS);
    expect(state().models).toHaveLength(2);
    expect(state().settings.rankEnergy).toBe(0.5);
    await leaveLesson();
    expect(state().model?.file).toBe('own.safetensors');
    expect(state().selected).toBe('fc1.bias');
    expect(state().settings).toMatchObject({ qBits: 6, bins: 128, rankEnergy: 0.9 });
    expect(state().teaching).toEqual({ locked: [], hidden: [], lesson: null });
    expect(state().lessonReturn).toBeNull();
    expect((state() as unknown as { variants: unknown }).variants).toBe(variants);
    // The analysis shown is redone under the settings given back.
    expect(engine.of('analyse').at(-1)!.request).toMatchObject({ tensor: 'fc1.bias', bins: 128 });
    expect(engine.of('quantize').at(-1)!.request.spec.bits).toBe(6);
  });

  test('a lesson opened by a link has no session to give back: leaving unlocks its settings', async () => {
    useStore.setState({
      teaching: { locked: ['qBits'], hidden: ['training'], lesson: 'svd-rank' },
    });
    setSetting('rankEnergy', 0.5);
    await leaveLesson();
    expect(state().teaching).toEqual({ locked: [], hidden: [], lesson: null });
    expect(state().settings.rankEnergy).toBe(0.5);
  });
});

describe('links over a session', () => {
  test('a link applies its settings and opens its demo beside the open models', async () => {
    await openFiles([new File([], 'own.safetensors')]);
    setSetting('qBits', 6);
    const link = readLink('?v=1&demo=mnist-cnn&t=fc2.weight&qb=4&b=32');
    expect(linkChanges(link).settings).toEqual(
      expect.arrayContaining(['selected tensor', 'histogram bins']),
    );
    await openLink(link, DEMOS);
    expect(state().models.map((m) => m.file)).toEqual(['own.safetensors', 'mnist-cnn.safetensors']);
    expect(state().selected).toBe('fc2.weight');
    expect(state().settings).toMatchObject({ qBits: 4, bins: 32 });
    expect(engine.of('analyse').at(-1)!.request).toMatchObject({ tensor: 'fc2.weight', bins: 32 });
  });

  test('a link to what is already shown changes nothing and has nothing to ask', async () => {
    await openFiles([new File([], 'own.safetensors')]);
    expect(linkChanges(readLink(presetQuery(demoIdOf)))).toEqual({ settings: [], job: null });
  });

  test('a link made on a file of the person’s own names it, opens no demo, and shows its tensor once dropped', async () => {
    await openFiles([new File([], 'own.safetensors')]);
    await selectTensor('fc1.bias');
    setSetting('qBits', 4);
    const q = presetQuery(demoIdOf);
    expect(q).toBe('v=2&demo=none&t=fc1.bias&qb=4&file=own.safetensors');
    await freshStore({
      open: () => ({ models: [model('own', { file: 'own.safetensors' })], problems: [] }),
    });
    const link = readLink(`https://example.org/?${q}`);
    expect(link.file).toBe('own.safetensors');
    useStore.setState({ notices: [] });
    await openLink(link, DEMOS);
    expect(state().models).toEqual([]);
    expect(state().settings.qBits).toBe(4);
    expect(state().linkModel).toEqual({ file: 'own.safetensors', tensor: 'fc1.bias' });
    expect(noticeTexts()).toEqual([
      "info: This link was made on model own.safetensors, tensor fc1.bias: drop that file to see it. The link's settings are applied.",
    ]);
    await openFiles([new File([], 'own.safetensors')]);
    await settle();
    expect(state().linkModel).toBeNull();
    expect(state().selected).toBe('fc1.bias');
  });

  test('a file name with markup or a path is not read from a link', () => {
    expect(readLink('?file=%3Cimg%3E.safetensors').file).toBeNull();
    expect(readLink('?file=..%2Fetc%2Fpasswd').file).toBeNull();
  });
});
