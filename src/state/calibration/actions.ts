// The calibration lab: every calibration method on each layer's input activations, and static PTQ
// with each method evaluated on the test digits.
import type { StudyOptions } from '../../engine/types.ts';
import { client, startJob } from '../jobs/actions.ts';
import { labSize } from '../settings/slice.ts';
import { useStore } from '../store.ts';

/** Every calibration method on each layer's input activations of the open demo model. */
export async function studyCalibration(o: StudyOptions): Promise<void> {
  const { model, settings } = useStore.getState();
  if (!model?.architecture) return;
  const size = labSize(settings);
  const layers = await startJob(
    `Calibrating ${model.file} on ${o.size} digits`,
    { cancelled: 'Calibration cancelled', failed: (m) => `Calibration failed: ${m}` },
    (opts) => client().run('calibrationStudy', { modelId: model.id, o, ...size }, opts),
  );
  if (layers) useStore.setState({ calibration: { modelId: model.id, o, layers } });
}

/** PTQ variants with each calibration method on the test digits. */
export async function runPtqVariants(o: StudyOptions): Promise<void> {
  const { model, settings } = useStore.getState();
  if (!model?.architecture) return;
  const size = labSize(settings);
  const result = await startJob(
    `Evaluating PTQ variants of ${model.file}`,
    { cancelled: 'PTQ comparison cancelled', failed: (m) => `PTQ comparison failed: ${m}` },
    (opts) => client().run('comparePtq', { modelId: model.id, o, ...size }, opts),
  );
  if (result) useStore.setState({ ptq: { modelId: model.id, o, result } });
}
