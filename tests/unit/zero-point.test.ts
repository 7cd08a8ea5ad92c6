// The worked zero-point example against ONNX QuantizeLinear (core/quantize-linear.ts, itself checked
// on every upstream node case): int8 with zero point 0 and uint8 with zero point 128.
import { describe, expect, test } from 'vitest';
import { quantizeLinear } from '../../src/core/quant/quantize-linear.ts';
import { parseMatrix, workedExample } from '../../src/core/quant/zero-point.ts';

describe('zero-point worked example', () => {
  test('−51.5 maps to −128, zero to zero, and uint8 is int8 + 128', () => {
    const m = [
      [-51.5, 0, 12.25],
      [7.1, 38.2, -20],
    ];
    const ex = workedExample(m);
    expect(ex.scale).toBe(Math.fround(51.5 / 128));
    expect(ex.cells[0]![0]!.int8).toBe(-128);
    expect(ex.cells[0]![0]!.uint8).toBe(0);
    expect(ex.cells[0]![1]!.int8).toBe(0);
    expect(ex.cells[0]![1]!.uint8).toBe(128);
    const flat = m.flat();
    const scale = [ex.scale];
    const i8 = quantizeLinear(flat, [flat.length], scale, [1], [0], 'int8');
    const u8 = quantizeLinear(flat, [flat.length], scale, [1], [128], 'uint8');
    expect(ex.cells.flat().map((c) => c.int8)).toEqual([...i8]);
    expect(ex.cells.flat().map((c) => c.uint8)).toEqual([...u8]);
  });

  test('a positive extreme maps to 127; bad text gets a message', () => {
    expect(workedExample([[3, 127]]).cells[0]![1]!.int8).toBe(127);
    expect(parseMatrix('1, 2\n3 x')).toMatch(/'x' is not a finite number/);
    expect(parseMatrix('')).toMatch(/at least one/);
    expect(parseMatrix('1e400')).toMatch(/not a finite/);
    expect(parseMatrix('1, -2.5e1; 3')).toEqual([[1, -25], [3]]);
  });

  test('the side that needs the larger scale sets it: nothing saturates', () => {
    const ex = workedExample([[-51.5, 51.4]]);
    expect(ex.scale).toBe(Math.fround(51.4 / 127));
    expect(ex.cells[0]![1]!.int8).toBe(127);
    for (const c of ex.cells[0]!) expect(Math.abs(c.error)).toBeLessThanOrEqual(ex.scale / 2);
  });
});
