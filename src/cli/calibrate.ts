// `slimlab calibrate --input ACTS.npy --method M --bits B`: the threshold a calibration method picks
// for a set of activations (the first axis is the batch axis: EMA goes batch by batch), its scale and
// zero point, and the clipping / rounding error of quantizing them with it.
import { checkCalibrationMethod, type CalibrationJson } from '../engine/arrays.ts';
import { jobContext } from '../engine/jobs/context.ts';
import { oneLine, withArray } from './engine.ts';
import { sig } from './numbers.ts';
import type { Command } from './table.ts';

export type { CalibrationJson };

export const calibrate: Command = {
  name: 'calibrate',
  synopsis: `--input ACTS.npy --method minmax|ema:M|percentile:P|mse|kl[:BINS:LEVELS]
[--bits B] [--batch N] [--json]`,
  summary: `the activation threshold a calibration method picks (the first axis is the batch axis,
--batch rows a batch for ema, default 32), its scale and zero point, and the clipping
and rounding MSE of quantizing the activations with it: symmetric int B (default 8)
when they have negative values, unsigned otherwise`,
  positional: { min: 0, max: 0 },
  flags: [
    { name: 'input', type: 'string', arg: 'FILE', required: true, help: 'the activations (.npy)' },
    {
      name: 'method',
      type: 'string',
      arg: 'M',
      required: true,
      help: 'minmax, ema:M, percentile:P, mse or kl[:BINS:LEVELS]',
    },
    { name: 'bits', type: 'int', arg: 'B', min: 2, max: 16, default: '8', help: 'integer bits' },
    { name: 'batch', type: 'int', arg: 'N', min: 1, default: '32', help: 'rows a batch (ema)' },
    { name: 'json', type: 'bool', help: 'one JSON object' },
  ],
  async run(a, { io, engine }) {
    const method = a.text('method')!;
    try {
      checkCalibrationMethod(method);
    } catch (e) {
      io.err(oneLine(e));
      return 1;
    }
    const bits = a.num('bits') ?? 8;
    const batch = a.num('batch') ?? 32;
    let r: CalibrationJson;
    try {
      r = await withArray(engine, a.text('input')!, (input) =>
        engine.run('calibrateActivations', { input, method, bits, batch }, jobContext()),
      );
    } catch (e) {
      io.err(oneLine(e));
      return 2;
    }
    if (a.has('json')) io.out(JSON.stringify(r));
    else {
      io.out(
        `${r.method}: threshold ${sig(r.threshold)}  scale ${sig(r.scale)}  zero point ${r.zero_point} (${r.signed ? 'signed' : 'unsigned'})  clip MSE ${sig(r.clip_mse)}  round MSE ${sig(r.round_mse)}`,
      );
      if (r.warning) io.err(`slimlab: warning: ${r.warning}`);
    }
    return 0;
  },
};
