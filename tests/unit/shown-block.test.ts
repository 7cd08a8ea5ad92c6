// Which block the tensor panel draws: the one where the scheme hurts most, never an all-zero row
// that only looks widest because its placeholder scale of 1 spans ±127.
import { describe, expect, test } from 'vitest';
import { quantize } from '../../src/core/quant/quant.ts';
import { DEFAULT_SPEC, type QuantSpec } from '../../src/core/quant/spec.ts';
import { summarizeOutcome } from '../../src/engine/quantize.ts';

const perRow: QuantSpec = {
  ...DEFAULT_SPEC,
  format: 'int',
  bits: 4,
  granularity: { kind: 'channel', axis: 0 },
};

/** Mean squared error of each row, from the dequantized values (not the quantizer's own sums). */
function rowMse(x: Float32Array, xq: Float32Array, rows: number, cols: number): number[] {
  return Array.from({ length: rows }, (_, r) => {
    let s = 0;
    for (let c = 0; c < cols; c++) s += (x[r * cols + c]! - xq[r * cols + c]!) ** 2;
    return s / cols;
  });
}

describe('the block the tensor panel draws', () => {
  test('an all-zero row (like BERT embedding padding) is passed over for the row with the most error', () => {
    const cols = 16;
    // Row 0 all zeros, row 1 small and smooth, row 2 large and uneven, row 3 large and smooth.
    const rows = [
      Array(cols).fill(0),
      Array.from({ length: cols }, (_, i) => 0.01 * (i - 8)),
      Array.from({ length: cols }, (_, i) => 0.1 * (((i * 37) % 11) - 5 + 0.31 * i)),
      Array.from({ length: cols }, (_, i) => 0.1 * (i - 8)),
    ];
    const x = Float32Array.from(rows.flat());
    const q = quantize(x, [4, cols], perRow);
    // The degenerate row has the widest representable range: the old rule drew it.
    expect(q.hi[0]! - q.lo[0]!).toBeGreaterThan(q.hi[2]! - q.lo[2]!);
    const r = summarizeOutcome(q, null, perRow);
    const mse = rowMse(x, q.xq!, 4, cols);
    const worst = mse.indexOf(Math.max(...mse));
    expect(worst).not.toBe(0);
    expect(r.shownBlock).toBe(worst);
    expect(r.shownWhy).toBe('the block with the largest error');
    expect(new Set(r.levels).size).toBeGreaterThan(1);
  });

  test('without any error the largest values are drawn; an all-zero tensor says so', () => {
    const cols = 8;
    const x = Float32Array.from([
      ...Array(cols).fill(0),
      ...Array(cols).fill(1),
      ...Array(cols).fill(-3),
    ]);
    const cast: QuantSpec = { ...DEFAULT_SPEC, format: 'fp16', granularity: { kind: 'tensor' } };
    // Per row, int8 represents ±max exactly and 0 exactly: no error in any row.
    const exact = summarizeOutcome(quantize(x, [3, cols], { ...perRow, bits: 8 }), null, perRow);
    expect(exact.error.mse).toBe(0);
    expect(exact.shownBlock).toBe(2);
    expect(exact.shownWhy).toMatch(/no block has any error/);
    const zeros = summarizeOutcome(quantize(new Float32Array(16), [2, 8], perRow), null, perRow);
    expect(zeros.shownBlock).toBe(0);
    expect(zeros.shownWhy).toBe('no block holds a non-zero value');
    expect(summarizeOutcome(quantize(x, [3, cols], cast), null, cast).shownBlock).toBe(0);
  });
});
