// The calibration lab on the open demo model: each method on each layer, and PTQ with each method.
import type { LayerStudy, PtqComparison, StudyOptions } from '../../engine/types.ts';

export interface CalibrationSlice {
  calibration: { modelId: string; o: StudyOptions; layers: LayerStudy[] } | null;
  ptq: { modelId: string; o: StudyOptions; result: PtqComparison } | null;
}

export const calibrationSlice = (): CalibrationSlice => ({ calibration: null, ptq: null });
