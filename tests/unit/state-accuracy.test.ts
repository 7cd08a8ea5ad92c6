// Accuracy of the open demo model: each result is stored for the model and spec it was made with
// and joins the variants table, where a rerun replaces its rows.
import { beforeEach, expect, test } from 'vitest';
import {
  clearVariants,
  compareQat,
  evaluateModel,
  factorize,
} from '../../src/state/accuracy/actions.ts';
import { quantSpecOf } from '../../src/state/settings/slice.ts';
import { useStore } from '../../src/state/store.ts';
import { freshStore, model, type FakeEngine } from './state-fake-engine.ts';

const ev = (accuracy: number) => ({ accuracy, agreement: null, kl: null });
const work = [{ layer: 'fc1' }];

let engine: FakeEngine;
beforeEach(async () => {
  engine = await freshStore({
    evaluate: () => [
      { label: 'fp32', bytes: 400, work, evaluation: ev(0.97) },
      { label: 'int8', bytes: 100, work, evaluation: ev(0.96) },
    ],
    compareQat: () => ({
      epochs: 1,
      fp32: ev(0.97),
      rows: [{ bits: 4, bytes: 50, work, ptq: ev(0.8), qat: ev(0.95) }],
    }),
    lowRank: (r: { epochs: number }) => ({
      bytes: 200,
      work,
      energy: 0.9,
      fp32: ev(0.97),
      evaluation: ev(0.9),
      tuned: r.epochs > 0 ? ev(0.95) : null,
      tuneEpochs: r.epochs,
    }),
  });
  useStore.setState({ model: model('m') });
});

const rows = () =>
  useStore.getState().variants.map((v) => `${v.technique} | ${v.label} | ${v.accuracy}`);

test('an evaluation is stored with its spec and adds a row per variant', async () => {
  await evaluateModel();
  const s = useStore.getState();
  expect(engine.of('evaluate')[0]!.request).toEqual({
    modelId: 'm',
    spec: quantSpecOf(s.settings),
  });
  expect(s.evaluation?.spec).toBe(quantSpecOf(s.settings));
  expect(rows()).toEqual(['weights quantized | fp32 | 0.97', 'weights quantized | int8 | 0.96']);
  expect(s.variants[0]).toMatchObject({
    key: 'm|weights quantized|fp32',
    model: 'm.safetensors',
    bytes: 400,
  });
});

test('QAT is a pausable training job; its rows are PTQ then QAT', async () => {
  await compareQat(1);
  expect(engine.of('compareQat')[0]!.opts.pause).toBeDefined();
  expect(useStore.getState().qat?.modelId).toBe('m');
  expect(rows()).toEqual([
    'weights and activations | PTQ W4A4 | 0.8',
    'weights and activations | QAT W4A4 | 0.95',
  ]);
});

test('low rank adds the fine-tuned variant only when it was fine-tuned; a rerun replaces rows', async () => {
  await factorize(0.9);
  expect(engine.of('lowRank')[0]!.opts.pause).toBeUndefined();
  expect(rows()).toEqual(['low rank (SVD) | 90% energy | 0.9']);
  await factorize(0.9, 1);
  expect(engine.of('lowRank')[1]!.opts.pause).toBeDefined();
  expect(rows()).toEqual([
    'low rank (SVD) | 90% energy | 0.9',
    'low rank (SVD) | 90% energy, fine-tuned 1 epoch | 0.95',
  ]);
  clearVariants();
  expect(rows()).toEqual([]);
});

test('a model that is not a demo architecture runs nothing', async () => {
  useStore.setState({ model: model('own', { architecture: null }) });
  await evaluateModel();
  await compareQat();
  await factorize(0.9);
  expect(engine.calls).toEqual([]);
});
