// The calibration lab stores each study with the options it was run with.
import { beforeEach, expect, test } from 'vitest';
import { runPtqVariants, studyCalibration } from '../../src/state/calibration/actions.ts';
import { useStore } from '../../src/state/store.ts';
import { freshStore, model, noticeTexts, type FakeEngine } from './state-fake-engine.ts';

const o = { size: 512, momentum: 0.9, bits: 8, seed: 1 } as never;

let engine: FakeEngine;
beforeEach(async () => {
  engine = await freshStore({
    calibrationStudy: () => [{ layer: 'fc1' }],
    comparePtq: () => Promise.reject(new Error('no digits')),
  });
  useStore.setState({ model: model('m') });
});

test('a study is stored with its options; a failed PTQ comparison is an error notice', async () => {
  await studyCalibration(o);
  expect(engine.of('calibrationStudy')[0]!.request).toEqual({ modelId: 'm', o });
  expect(useStore.getState().calibration).toEqual({ modelId: 'm', o, layers: [{ layer: 'fc1' }] });
  await runPtqVariants(o);
  expect(useStore.getState().ptq).toBeNull();
  expect(noticeTexts()).toEqual(['error: PTQ comparison failed: no digits']);
});
