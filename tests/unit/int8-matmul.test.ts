// The int8 product's CPU twin on hand-worked cases, and the packing the kernels read.
import { expect, test } from 'vitest';
import { int8Matmul, packInt8Rows } from '../../src/core/nn/int8-matmul.ts';

test('int8 × int8 sums in int32, extremes included', () => {
  const a = Int8Array.from([1, -2, 3, 127, -128, 0]);
  const b = Int8Array.from([4, 5, -6, -128, -128, 2]);
  // rows of A: [1, -2, 3], [127, -128, 0]; rows of B: [4, 5, -6], [-128, -128, 2]
  expect([...int8Matmul(a, b, 2, 2, 3)]).toEqual([
    4 - 10 - 18,
    -128 + 256 + 6,
    508 - 640,
    -16256 + 16384,
  ]);
});

test('four int8 a word, the first in the low byte, rows padded with zeros', () => {
  const x = Int8Array.from([1, -1, 2, -2, 5, /* row 2 */ -128, 127, 0, 3, 4]);
  expect([...packInt8Rows(x, 2, 5)]).toEqual(
    [
      (0xfe << 24) | (2 << 16) | (0xff << 8) | 1,
      5,
      (3 << 24) | (0 << 16) | (127 << 8) | 0x80,
      4,
    ].map((v) => v >>> 0),
  );
});
