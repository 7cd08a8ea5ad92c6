// `slimlab calibrate --input ACTS.npy --method M --bits B`: the threshold a calibration method picks
// for a set of activations (the first axis is the batch axis: EMA goes batch by batch), its scale and
// zero point, and the clipping / rounding error of quantizing them with it.
import { calibrate, errorAtThreshold, parseMethod } from '../core/calib/calibrate.ts';
import { load } from './qdq.ts';

export interface CalibrationJson {
  method: string;
  threshold: number;
  scale: number;
  zero_point: number;
  signed: boolean;
  clip_mse: number;
  round_mse: number;
  warning: string | null;
}

export async function runCalibrate(
  input: string,
  methodText: string,
  bits: number,
  batch: number,
): Promise<CalibrationJson> {
  const method = parseMethod(methodText);
  const { values, shape } = await load(input);
  const rows = shape.length >= 1 ? shape[0]! : 1;
  const perRow = rows > 0 ? values.length / rows : 0;
  const batches: Float32Array[] = [];
  for (let r = 0; r < rows; r += batch)
    batches.push(values.subarray(r * perRow, Math.min(rows, r + batch) * perRow));
  const c = calibrate(batches.length ? batches : [values], method, bits);
  const e = errorAtThreshold(values, c.threshold, bits, c.signed);
  return {
    method: methodText,
    threshold: c.threshold,
    scale: c.scale,
    zero_point: c.zeroPoint,
    signed: c.signed,
    clip_mse: e.clipMse,
    round_mse: e.roundMse,
    warning: c.warning,
  };
}
