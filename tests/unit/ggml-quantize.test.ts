// Our GGML quantizers produce the very bytes gguf-py's quantizers wrote into tests/fixtures/oracle/v3.gguf.
import { describe, expect, test } from 'vitest';
import { f16BitsToNumber, numberToF16Bits } from '../../src/core/base/f16.ts';
import { quantizeGgml, toF16Bytes } from '../../src/core/quant/ggml-quantize.ts';
import { openModel } from '../../src/formats/registry.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { oracleSource } from '../helpers/fixtures.ts';

async function fixture() {
  const src = oracleSource('v3.gguf');
  const m = await openModel(src);
  const raw = async (name: string) => {
    const t = m.tensors.find((x) => x.name === name)!;
    return src.read(t.offset, t.bytes);
  };
  return {
    x: await readTensorF32(
      src,
      m.tensors.find((t) => t.name === 'f32')!,
    ),
    raw,
  };
}

describe('GGML quantizers against gguf-py', () => {
  test('Q8_0 bytes are identical', async () => {
    const { x, raw } = await fixture();
    expect([...quantizeGgml(x, 'Q8_0')]).toEqual([...(await raw('q8_0'))]);
  });
  test('Q4_0 bytes are identical', async () => {
    const { x, raw } = await fixture();
    expect([...quantizeGgml(x, 'Q4_0')]).toEqual([...(await raw('q4_0'))]);
  });
  test('F16 bytes are identical (numpy astype(float16))', async () => {
    const { x, raw } = await fixture();
    expect([...toF16Bytes(x)]).toEqual([...(await raw('f16'))]);
  });
});

describe('float16 encoding rounds to nearest even', () => {
  test('round trip of every half value', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = f16BitsToNumber(h);
      if (Number.isNaN(v)) continue;
      expect(numberToF16Bits(v)).toBe(h);
    }
  });
  test('ties, overflow and underflow', () => {
    expect(numberToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie to even (down)
    expect(numberToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie to even (up)
    expect(numberToF16Bits(65519)).toBe(0x7bff);
    expect(numberToF16Bits(65520)).toBe(0x7c00);
    expect(numberToF16Bits(2 ** -25)).toBe(0);
    expect(numberToF16Bits(3 * 2 ** -26)).toBe(1);
    expect(numberToF16Bits(-0)).toBe(0x8000);
    expect(numberToF16Bits(NaN)).toBe(0x7e00);
  });
});
