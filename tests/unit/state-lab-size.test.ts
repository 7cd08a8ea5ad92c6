// The demo labs' size: every action that starts a demo-model job sends `digits` only when the
// setting is below all 10,000 digits, so that a request at the default is what it always was.
import { beforeEach, expect, test } from 'vitest';
import type { JobName } from '../../src/engine/types.ts';
import { compareQat, evaluateModel, factorize } from '../../src/state/accuracy/actions.ts';
import { runPtqVariants, studyCalibration } from '../../src/state/calibration/actions.ts';
import { measureLatency } from '../../src/state/device/actions.ts';
import { pruneGradually, studyPruning, sweepPruning } from '../../src/state/pruning/actions.ts';
import { setSetting } from '../../src/state/settings/actions.ts';
import { labSize, labSplit } from '../../src/state/settings/slice.ts';
import { distillModel, pruneFineTune } from '../../src/state/training/actions.ts';
import { buildReport } from '../../src/state/report.ts';
import { useStore } from '../../src/state/store.ts';
import { defaultSettings } from '../../src/presets/fields.ts';
import { freshStore, model, type FakeEngine } from './state-fake-engine.ts';

const o = { size: 128, seed: 1, momentum: 0.9, bits: 8 };

/** Each demo-model job, started the way its panel starts it. */
const STARTS: Array<[JobName, () => Promise<unknown>]> = [
  ['evaluate', () => evaluateModel()],
  ['compareQat', () => compareQat(1)],
  ['lowRank', () => factorize(0.9, 1)],
  ['calibrationStudy', () => studyCalibration(o)],
  ['comparePtq', () => runPtqVariants(o)],
  ['pruneFineTune', () => pruneFineTune({ kind: 'magnitude', sparsity: 0.9 }, 1)],
  [
    'distill',
    () => distillModel({ student: 'mlp-784-32-10', temperature: 4, alpha: 0.9, epochs: 1 }),
  ],
  ['pruneStudy', () => studyPruning({ kind: 'magnitude', sparsity: 0.8 } as never)],
  ['pruneSweep', () => sweepPruning(false, 2)],
  ['gradualPrune', () => pruneGradually(0.9, 1)],
  ['measureLatency', () => measureLatency(8)],
];

let engine: FakeEngine;
beforeEach(async () => {
  // No handlers: each job fails (an error notice), but its request is recorded, which is all
  // these tests read.
  engine = await freshStore();
  useStore.setState({ model: model('m') });
});

test.each(STARTS)('%s carries no digits at the default (all of them)', async (name, start) => {
  await start();
  expect(engine.of(name)).toHaveLength(1);
  expect(engine.of(name)[0]!.request).not.toHaveProperty('digits');
});

test.each(STARTS)('%s carries the chosen digits below the default', async (name, start) => {
  expect(setSetting('labDigits', 1000)).toBe(true);
  await start();
  expect(engine.of(name)[0]!.request).toMatchObject({ modelId: 'm', digits: 1000 });
});

test('only the offered sizes are accepted; the split is four to one', () => {
  expect(setSetting('labDigits', 1234)).toBe(false);
  expect(setSetting('labDigits', 2500)).toBe(true);
  expect(labSize(useStore.getState().settings)).toEqual({ digits: 2500 });
  expect(labSize(defaultSettings())).toEqual({});
  expect(labSplit(10_000)).toEqual({ train: 8000, test: 2000 });
  expect(labSplit(1000)).toEqual({ train: 800, test: 200 });
  expect(labSplit(2500)).toEqual({ train: 2000, test: 500 });
});

test('the report says when accuracies come from a quick run, and on how many test digits', () => {
  const evaluation = (count: number) => ({
    count,
    accuracy: 0.9,
    perClass: [],
    confusion: [],
    agreement: null,
    kl: null,
  });
  const results = (count: number) => [
    {
      label: 'fp32',
      spec: null,
      bytes: 4,
      work: [],
      on: 'cpu' as const,
      evaluation: evaluation(count),
    },
  ];
  const report = (count: number) => {
    useStore.setState({
      evaluation: { modelId: 'm', spec: {} as never, results: results(count) },
    });
    return buildReport(useStore.getState(), 'https://example.org/');
  };
  expect(report(2000)).toContain('## Accuracy on the 2,000 test digits\n');
  expect(report(200)).toContain('## Accuracy on the 200 test digits (a quick run)\n');
});
