// The pruning lab: each part of it is kept per model; a study adds a variant at its fp32 size.
import { beforeEach, expect, test } from 'vitest';
import {
  pruneGradually,
  studyPruning,
  sweepPruning,
  sweepSparsities,
} from '../../src/state/pruning/actions.ts';
import { useStore } from '../../src/state/store.ts';
import { freshStore, model, type FakeEngine } from './state-fake-engine.ts';

let engine: FakeEngine;
beforeEach(async () => {
  engine = await freshStore({
    pruneStudy: () => ({
      label: 'magnitude 80%',
      storage: [
        { bits: 32, bytes: 300 },
        { bits: 32, bytes: 200 },
        { bits: 16, bytes: 100 },
      ],
      work: [],
      pruned: { accuracy: 0.9, agreement: null, kl: null },
    }),
    pruneSweep: () => [{ method: 'magnitude', sparsity: 0.5 }],
    gradualPrune: () => ({ final: 0.9 }),
    pruneWeightStudy: () => ({ label: '2:4 structured', relativeError: 0.5 }),
  });
  useStore.setState({ model: model('m') });
});

test('study, sweep and gradual results gather in one lab for the model', async () => {
  await studyPruning({ kind: 'magnitude', sparsity: 0.8 } as never);
  await sweepPruning(true);
  await pruneGradually(0.9, 2);
  const lab = useStore.getState().pruneLab;
  expect(lab).toMatchObject({
    modelId: 'm',
    study: { label: 'magnitude 80%' },
    gradual: { final: 0.9 },
  });
  expect(lab?.sweep).toHaveLength(1);
  expect(engine.of('pruneSweep')[0]!.request).toEqual({
    modelId: 'm',
    sparsities: [0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98],
    fineTune: true,
  });
  expect(engine.of('pruneSweep')[0]!.opts.pause).toBeDefined();
  expect(useStore.getState().variants).toMatchObject([
    { label: 'magnitude 80%, no fine-tuning', bytes: 200, technique: 'pruning' },
  ]);
  // Another model starts a lab of its own.
  useStore.setState({ model: model('n') });
  await pruneGradually(0.9, 2);
  expect(useStore.getState().pruneLab).toMatchObject({ modelId: 'n', study: null, sweep: null });
});

test('a shorter sweep takes evenly spaced sparsities, always the lightest and the heaviest', async () => {
  expect(sweepSparsities(7)).toEqual([0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98]);
  // Indices round(k·6/(n−1)): 0, 2, 4, 6 for four points; 0 and 6 for two.
  expect(sweepSparsities(4)).toEqual([0.3, 0.7, 0.9, 0.98]);
  expect(sweepSparsities(2)).toEqual([0.3, 0.98]);
  // Out of range clamps to the ends of 2..7.
  expect(sweepSparsities(1)).toEqual([0.3, 0.98]);
  expect(sweepSparsities(12)).toHaveLength(7);
  await sweepPruning(false, 2);
  expect(engine.of('pruneSweep')[0]!.request).toEqual({
    modelId: 'm',
    sparsities: [0.3, 0.98],
    fineTune: false,
  });
});

test('a model that does not run is pruned on its weights: a study without accuracy, no variant', async () => {
  useStore.setState({ model: model('own', { architecture: null }), variants: [] });
  await studyPruning({ kind: 'nm', n: 2, m: 4 });
  expect(engine.of('pruneWeightStudy')[0]!.request).toEqual({
    modelId: 'own',
    method: { kind: 'nm', n: 2, m: 4 },
  });
  expect(engine.of('pruneStudy')).toHaveLength(0);
  expect(useStore.getState().pruneLab).toMatchObject({
    modelId: 'own',
    study: { label: '2:4 structured', relativeError: 0.5 },
  });
  expect(useStore.getState().variants).toEqual([]);
});
