import { describe, expect, test } from 'vitest';
import { openModel } from '../../src/formats/registry.ts';
import { bytesSource } from '../../src/formats/source.ts';
import { readTensorF32 } from '../../src/formats/tensor-data.ts';
import { onnxOfOneName } from '../helpers/onnx.ts';

describe('an ONNX file of many initializers of one name', () => {
  test('opens with every tensor under its own name, each reading its own data', async () => {
    const bytes = onnxOfOneName(20_000);
    const src = bytesSource('many.onnx', bytes);
    const model = await openModel(src);
    expect(model.format).toMatch(/onnx/i);
    expect(model.tensors).toHaveLength(20_000);
    expect(new Set(model.tensors.map((t) => t.name)).size).toBe(20_000);
    const last = model.tensors.at(-1)!;
    expect(last.shape).toEqual([2]);
    expect([...(await readTensorF32(src, last))]).toEqual([19_999, -19_999]);
  });
});
