// The float matmul twin against linearForward (itself checked against torch in net.test.ts), in
// both layouts of B, and the rule that picks a kernel per shape.
import { describe, expect, test } from 'vitest';
import { chooseMatmul, matmul } from '../../src/core/nn/matmul.ts';
import { linearForward } from '../../src/core/nn/nn.ts';
import { normal } from '../helpers/random.ts';

function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(x.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j]!;
  return t;
}

describe('matmul', () => {
  test('equals a Linear layer for B = Wᵀ, in both layouts, with a bias', () => {
    const [m, k, n] = [5, 37, 11];
    const a = normal(m * k, 1);
    const w = normal(n * k, 2);
    const bias = normal(n, 3);
    const want = linearForward(a, m, k, w, n, bias);
    expect(want.length).toBe(m * n);
    const got = matmul(a, w, { m, k, n, transB: true }, bias);
    const got2 = matmul(a, transpose(w, n, k), { m, k, n }, bias);
    expect(got.length).toBe(m * n);
    for (let i = 0; i < want.length; i++) {
      expect(got[i]).toBeCloseTo(want[i]!, 4);
      expect(got2[i]).toBe(got[i]);
    }
  });

  test('a small worked case', () => {
    // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]
    const c = matmul(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), {
      m: 2,
      k: 2,
      n: 2,
    });
    expect([...c]).toEqual([19, 22, 43, 50]);
  });

  test('rejects operands that do not match the shape', () => {
    expect(() => matmul(new Float32Array(3), new Float32Array(4), { m: 2, k: 2, n: 2 })).toThrow(
      RangeError,
    );
  });

  test('kernel per shape: matvec for few rows, tiles for small products, blocked otherwise', () => {
    expect(chooseMatmul({ m: 1, k: 4096, n: 4096 })).toBe('matvec');
    expect(chooseMatmul({ m: 8, k: 64, n: 64 })).toBe('matvec');
    expect(chooseMatmul({ m: 9, k: 64, n: 512 })).toBe('tiled');
    expect(chooseMatmul({ m: 512, k: 64, n: 16 })).toBe('tiled');
    expect(chooseMatmul({ m: 31, k: 64, n: 512 })).toBe('tiled');
    expect(chooseMatmul({ m: 32, k: 64, n: 32 })).toBe('blocked');
  });
});
