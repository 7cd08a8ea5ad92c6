// Retraining: prune + fine-tune adds its two variants; a distillation's points arrive while it runs
// and belong to the run that sent them.
import { beforeEach, expect, test } from 'vitest';
import { distillModel, pruneFineTune, pruneLabel } from '../../src/state/training/actions.ts';
import { useStore } from '../../src/state/store.ts';
import { freshStore, model, type FakeEngine } from './state-fake-engine.ts';

const ev = (accuracy: number) => ({ accuracy, agreement: null, kl: null });
const request = { student: 'mlp-784-32-10', temperature: 4, alpha: 0.9, epochs: 2 } as never;

let engine: FakeEngine;
beforeEach(async () => {
  engine = await freshStore({
    pruneFineTune: () => ({ bytes: 10, work: [], pruned: ev(0.5), tuned: ev(0.9) }),
  });
  useStore.setState({ model: model('m') });
});

test('prune + fine-tune stores its result and adds a variant before and after fine-tuning', async () => {
  const method = { kind: 'magnitude', sparsity: 0.9 } as const;
  await pruneFineTune(method, 2);
  expect(useStore.getState().prune).toMatchObject({ modelId: 'm', method });
  expect(useStore.getState().variants.map((v) => v.label)).toEqual([
    'magnitude, 90% per layer, no fine-tuning',
    'magnitude, 90% per layer, fine-tuned 2 epochs',
  ]);
  expect(pruneLabel({ kind: 'nm', n: 2, m: 4 } as never)).toBe('2:4 structured');
});

test('distillation points fill in while it runs; the result and two variants come at the end', async () => {
  const release = engine.hold('distill');
  const run = distillModel(request);
  const call = engine.of('distill')[0]!;
  expect(call.request).toEqual({ modelId: 'm', o: request });
  call.opts.onUpdate!({ epoch: 1 });
  call.opts.onUpdate!({ epoch: 2 });
  expect(useStore.getState().distillation).toMatchObject({
    points: [{ epoch: 1 }, { epoch: 2 }],
    result: null,
  });
  release({
    student: 's',
    studentBytes: 5,
    studentWork: [],
    distilled: ev(0.9),
    labelsOnly: ev(0.85),
  });
  await run;
  expect(useStore.getState().distillation?.result).toMatchObject({ student: 's' });
  expect(useStore.getState().variants.map((v) => v.label)).toEqual([
    'mlp-784-32-10, T = 4, α = 0.9: distilled',
    'mlp-784-32-10: labels only',
  ]);
});

test('points of a run that was replaced are dropped', async () => {
  engine.hold('distill');
  void distillModel(request);
  const first = engine.of('distill')[0]!;
  void distillModel({ ...(request as object), alpha: 0.5 } as never);
  first.opts.onUpdate!({ epoch: 1 });
  expect(useStore.getState().distillation?.points).toEqual([]);
});
