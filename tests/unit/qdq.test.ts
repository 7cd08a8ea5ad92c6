// QuantizeLinear / DequantizeLinear against every upstream ONNX node test case
// (tests/fixtures/oracle/qdq_cases.json, made by scripts/oracles/make_qdq_fixtures.py).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { f16BitsToNumber, numberToF16Bits } from '../../src/core/base/f16.ts';
import {
  dequantizeLinear,
  isQType,
  quantizeLinear,
  type QType,
} from '../../src/core/quant/quantize-linear.ts';
import { ORACLE_DIR } from '../helpers/fixtures.ts';

interface Arr {
  dtype: string;
  shape: number[];
  values: number[];
}
interface Case {
  name: string;
  op: 'QuantizeLinear' | 'DequantizeLinear';
  attributes: { axis?: number; block_size?: number; saturate?: number; output_dtype?: number };
  inputs: Arr[];
  output: Arr;
}

const cases = JSON.parse(readFileSync(`${ORACLE_DIR}qdq_cases.json`, 'utf8')) as Case[];

/** numpy / ml_dtypes dtype names → ours. */
const QTYPE: Record<string, string> = {
  float8_e4m3fn: 'fp8e4m3fn',
  float8_e5m2: 'fp8e5m2',
  float4_e2m1fn: 'fp4e2m1',
};
const ONNX_OUTPUT_DTYPE: Record<number, string> = { 5: 'int16' };

describe('ONNX QuantizeLinear / DequantizeLinear node cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(27);
  for (const c of cases) {
    test(c.name, () => {
      const [x, scale, zp] = c.inputs as [Arr, Arr, Arr | undefined];
      const o = {
        axis: c.attributes.axis ?? 1,
        blockSize: c.attributes.block_size ?? 0,
        saturate: (c.attributes.saturate ?? 1) === 1,
      };
      if (c.op === 'QuantizeLinear') {
        const name = zp?.dtype ?? ONNX_OUTPUT_DTYPE[c.attributes.output_dtype ?? 0] ?? 'uint8';
        const type = QTYPE[name] ?? name;
        expect(isQType(type)).toBe(true);
        const y = quantizeLinear(
          x.values,
          x.shape,
          scale.values,
          scale.shape,
          zp?.values ?? null,
          type as QType,
          o,
        );
        expect([...y]).toEqual(c.output.values);
      } else {
        let y: number[] = [
          ...dequantizeLinear(x.values, x.shape, scale.values, scale.shape, zp?.values ?? null, o),
        ];
        // A float16 scale makes a float16 result.
        if (c.output.dtype === 'float16') y = y.map((v) => f16BitsToNumber(numberToF16Bits(v)));
        expect(y).toEqual(c.output.values);
      }
    });
  }
});

describe('QuantizeLinear matches onnxruntime on a million values', () => {
  const ort = JSON.parse(readFileSync(`${ORACLE_DIR}ort_qdq.json`, 'utf8')) as {
    count: number;
    cases: Array<{ dtype: QType; scale: number; zero_point: number; sha256: string; sum: number }>;
  };
  // The inputs are rebuilt from the formula in scripts/oracles/make_ort_qdq_fixture.py.
  const x = new Float32Array(ort.count);
  for (let i = 0; i < ort.count; i++)
    x[i] = (Number((BigInt(i) * 2654435761n) % 2n ** 32n) / 2 ** 32) * 40 - 20;
  for (const c of ort.cases) {
    test(`${c.dtype}, scale ${c.scale}, zero point ${c.zero_point}`, () => {
      const y = quantizeLinear(x, [x.length], [c.scale], [], [c.zero_point], c.dtype);
      const Ctor = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array }[
        c.dtype as 'int8'
      ];
      const codes = Ctor.from(y);
      expect(y.reduce((a, b) => a + b, 0)).toBe(c.sum);
      expect(createHash('sha256').update(new Uint8Array(codes.buffer)).digest('hex')).toBe(
        c.sha256,
      );
    });
  }
});
