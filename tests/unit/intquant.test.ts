// Per-channel integer quantization against the ONNX reference QuantizeLinear / DequantizeLinear.
import { describe, expect, test } from 'vitest';
import { dequantizeInt, packInt4, quantizeInt, unpackInt4 } from '../../src/core/intquant.ts';
import { manifest } from '../helpers/fixtures.ts';

const { x, shape, axis, cases } = manifest().intquant;
const input = Float32Array.from(x);

describe('per-channel quantization matches the ONNX reference', () => {
  for (const c of cases) {
    const what = `${c.symmetric ? 'symmetric' : 'asymmetric'} int${c.bits}`;
    test(`${what}: scales, zero points, codes and dequantized values`, () => {
      const q = quantizeInt(input, shape, { bits: c.bits, symmetric: c.symmetric, axis });
      expect([...q.scales]).toEqual(c.scale);
      expect([...q.zeroPoints]).toEqual(c.zero_point);
      expect([...q.codes]).toEqual(c.codes);
      expect([...dequantizeInt(q.codes, q.scales, q.zeroPoints, shape, axis)]).toEqual(
        c.dequantized,
      );
    });
  }
  test('int4 packing round-trips, signed and unsigned', () => {
    const signed = [-7, 7, 0, -1, 3];
    expect([...unpackInt4(packInt4(signed), 5, true)]).toEqual(signed);
    const unsigned = [0, 15, 8, 1];
    expect([...unpackInt4(packInt4(unsigned), 4, false)]).toEqual(unsigned);
    expect([...packInt4([1, 2])]).toEqual([0x21]);
  });
});
