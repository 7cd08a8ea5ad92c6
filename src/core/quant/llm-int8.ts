// LLM.int8() mixed-precision decomposition (Dettmers et al. 2022) applied to a matrix viewed as
// [rows, columns] = [shape[0], rest]: the columns (features) in which any magnitude reaches the
// threshold stay in float16; every other value goes to int8 per row (vector-wise absmax, codes in
// [−127, 127], ONNX rounding). Compared with plain per-row int8 of the whole matrix.
import { castValue } from './rounding.ts';
import { quantize } from './quant.ts';
import { DEFAULT_SPEC, type QuantSpec } from './spec.ts';
import { quantError, type QuantError } from './quant-error.ts';

export interface Int8Decomposition {
  threshold: number;
  rows: number;
  cols: number;
  outlierColumns: number[];
  /** Fraction of columns (and of values) kept in float16. */
  keptFraction: number;
  /** Error with the decomposition and with plain per-row int8. */
  error: QuantError;
  plainError: QuantError;
  /** Bits per weight of the decomposition: int8 plus float16 columns plus one f32 scale a row. */
  bitsPerWeight: number;
  /** Largest |x| of each column (for a chart of where the outliers are). */
  columnAbsMax: Float32Array;
}

const ROW_INT8: QuantSpec = { ...DEFAULT_SPEC, granularity: { kind: 'channel', axis: 0 } };

export function llmInt8(
  x: Float32Array,
  shape: readonly number[],
  threshold = 6,
): Int8Decomposition {
  const steps = llmInt8Steps(x, shape, threshold);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** `llmInt8` with `between()` awaited between its passes over the matrix (where a cancel gets in). */
export async function llmInt8InSteps(
  x: Float32Array,
  shape: readonly number[],
  threshold: number,
  between: () => Promise<void>,
): Promise<Int8Decomposition> {
  const steps = llmInt8Steps(x, shape, threshold);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await between();
  }
}

/** The decomposition one pass at a time: it yields after each pass over the whole matrix. */
function* llmInt8Steps(
  x: Float32Array,
  shape: readonly number[],
  threshold: number,
): Generator<void, Int8Decomposition> {
  const rows = shape.length >= 2 ? shape[0]! : 1;
  const cols = rows > 0 ? x.length / rows : 0;
  const view = [rows, cols];
  const colMax = new Float32Array(cols);
  for (let r = 0, p = 0; r < rows; r++)
    for (let c = 0; c < cols; c++, p++) {
      const a = Math.abs(x[p]!);
      if (a > colMax[c]!) colMax[c] = a; // NaN never compares greater
    }
  const outlier = new Uint8Array(cols);
  const outlierColumns: number[] = [];
  for (let c = 0; c < cols; c++)
    if (colMax[c]! >= threshold) {
      outlier[c] = 1;
      outlierColumns.push(c);
    }
  // The int8 part: outlier columns zeroed, so they do not set the row scales.
  const rest = Float32Array.from(x);
  for (let r = 0, p = 0; r < rows; r++)
    for (let c = 0; c < cols; c++, p++) if (outlier[c]) rest[p] = 0;
  yield;
  const q = quantize(rest, view, ROW_INT8).xq!;
  yield;
  const mixed = new Float32Array(x.length);
  for (let r = 0, p = 0; r < rows; r++)
    for (let c = 0; c < cols; c++, p++) mixed[p] = outlier[c] ? castValue(x[p]!, 'fp16') : q[p]!;
  yield;
  const plain = quantize(x, view, ROW_INT8);
  yield;
  const noRange = () => [-Infinity, Infinity] as const;
  const kept = cols ? outlierColumns.length / cols : 0;
  return {
    threshold,
    rows,
    cols,
    outlierColumns,
    keptFraction: kept,
    // Clipping cannot happen in either (absmax ranges), so the range is unbounded.
    error: quantError(x, mixed, noRange),
    plainError: plain.error,
    bitsPerWeight: 8 * (1 - kept) + 16 * kept + (rows ? (32 * rows) / x.length : 0),
    columnAbsMax: colMax,
  };
}
