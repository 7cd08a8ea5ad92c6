// `slimlab quantize-linear` and `slimlab dequantize-linear`: ONNX QuantizeLinear / DequantizeLinear
// on .npy files, for checking against other implementations from a shell.
import { QLINEAR_TYPES } from '../engine/arrays.ts';
import { jobContext } from '../engine/jobs/context.ts';
import { fileTarget, oneLine, withArrays } from './engine.ts';
import type { Command, Flag } from './table.ts';

function qdqCommand(op: 'quantize' | 'dequantize'): Command {
  const q = op === 'quantize';
  const flags: Flag[] = [
    {
      name: 'x',
      type: 'string',
      arg: 'FILE',
      required: true,
      help: q ? 'the values' : 'the codes',
    },
    { name: 'scale', type: 'string', arg: 'FILE', required: true, help: 'the scales' },
    { name: 'zero-point', type: 'string', arg: 'FILE', help: 'the zero points (default 0)' },
    {
      name: 'axis',
      type: 'int',
      arg: 'A',
      default: '1',
      help: 'the axis of per-axis or blocked scales',
    },
    {
      name: 'block-size',
      type: 'int',
      arg: 'B',
      default: '0',
      help: 'blocked scales: values a scale',
    },
    { name: 'saturate', type: 'int', arg: '0|1', default: '1', help: 'float8 codes saturate' },
    {
      name: 'dtype',
      type: 'enum',
      arg: 'TYPE',
      values: QLINEAR_TYPES,
      required: q,
      help: q ? 'the code type' : 'ignored (the codes tell)',
    },
    { name: 'out', type: 'string', arg: 'FILE', required: true, help: 'the .npy written' },
  ];
  return {
    name: `${op}-linear`,
    synopsis: q
      ? `--x X.npy --scale S.npy [--zero-point Z.npy] [--axis A] [--block-size B]
[--saturate 0|1] --dtype TYPE --out Y.npy`
      : '--x Y.npy --scale S.npy [--zero-point Z.npy] [--axis A] [--block-size B] --out X.npy',
    summary: q
      ? `ONNX QuantizeLinear (TYPE: ${QLINEAR_TYPES.slice(0, 8).join(' ')}
${QLINEAR_TYPES.slice(8).join(' ')}); codes are saved in the smallest numpy integer dtype that holds
them, float8 codes as their float32 values`
      : 'ONNX DequantizeLinear, saved as float32',
    positional: { min: 0, max: 0 },
    flags,
    async run(a, { io, engine }) {
      const files = [a.text('x'), a.text('scale'), a.text('zero-point') || undefined];
      try {
        await withArrays(engine, files, async ([x, scale, zeroPoint]) => {
          const request = {
            op,
            x: x!,
            scale: scale!,
            zeroPoint: zeroPoint ?? null,
            axis: a.num('axis') ?? 1,
            blockSize: a.num('block-size') ?? 0,
            saturate: a.text('saturate') !== '0',
            dtype: a.text('dtype'),
            target: fileTarget(a.text('out')!),
          };
          await engine.run('linearQdq', request, jobContext());
        });
        return 0;
      } catch (e) {
        io.err(oneLine(e));
        return 2;
      }
    },
  };
}

export const quantizeLinear = qdqCommand('quantize');
export const dequantizeLinear = qdqCommand('dequantize');
