// Per-channel integer quantization against the ONNX reference QuantizeLinear / DequantizeLinear.
import { describe, expect, test } from 'vitest';
import { packInt4, unpackInt4 } from '../../src/core/quant/intquant.ts';
import { DEFAULT_SPEC } from '../../src/core/quant/spec.ts';
import { dequantizeBlocks } from '../../src/core/quant/blocks.ts';
import { quantize } from '../../src/core/quant/quant.ts';
import { manifest } from '../helpers/fixtures.ts';

const { x, shape, axis, cases } = manifest().intquant;
const input = Float32Array.from(x);

describe('per-channel quantization matches the ONNX reference', () => {
  for (const c of cases) {
    const what = `${c.symmetric ? 'symmetric' : 'asymmetric'} int${c.bits}`;
    test(`${what}: scales, zero points, codes and dequantized values`, () => {
      const granularity = { kind: 'channel', axis } as const;
      const q = quantize(
        input,
        shape,
        { ...DEFAULT_SPEC, bits: c.bits, symmetric: c.symmetric, granularity },
        { codes: true },
      );
      expect([...q.scales]).toEqual(c.scale);
      expect([...(q.zeroPoints ?? new Int32Array(q.scales.length))]).toEqual(c.zero_point);
      expect([...q.codes!]).toEqual(c.codes);
      expect([...q.xq!]).toEqual(c.dequantized);
      expect([...dequantizeBlocks(q.codes!, q.scales, q.zeroPoints, shape, granularity)]).toEqual(
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
