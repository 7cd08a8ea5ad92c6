// The error of a quantization kept as per-block sums (squared error, clipping part, signal, …) so
// that any set of blocks folds into one QuantError, and the error map over the [shape[0], rest] view.
import { errorFromSums, type QuantError } from './quant-error.ts';

export interface BlockSums {
  count: Float64Array;
  sse: Float64Array;
  clipSse: Float64Array;
  clipped: Float64Array;
  signal: Float64Array;
  dot: Float64Array;
  qq: Float64Array;
  maxAbs: Float64Array;
}

export function newBlockSums(n: number): BlockSums {
  return {
    count: new Float64Array(n),
    sse: new Float64Array(n),
    clipSse: new Float64Array(n),
    clipped: new Float64Array(n),
    signal: new Float64Array(n),
    dot: new Float64Array(n),
    qq: new Float64Array(n),
    maxAbs: new Float64Array(n),
  };
}

/** Sums of blocks folded into one error. */
export function errorOf(sums: BlockSums, blocks: Iterable<number>): QuantError {
  let n = 0;
  let sse = 0;
  let clip = 0;
  let clipped = 0;
  let signal = 0;
  let dot = 0;
  let qq = 0;
  let maxAbs = 0;
  for (const b of blocks) {
    n += sums.count[b]!;
    sse += sums.sse[b]!;
    clip += sums.clipSse[b]!;
    clipped += sums.clipped[b]!;
    signal += sums.signal[b]!;
    dot += sums.dot[b]!;
    qq += sums.qq[b]!;
    maxAbs = Math.max(maxAbs, sums.maxAbs[b]!);
  }
  return errorFromSums({
    count: n,
    sse,
    clippingSse: clip,
    roundingSse: sse - clip,
    clipped,
    signal,
    dot,
    qq,
    maxAbs,
  });
}

export function totalError(sums: BlockSums): QuantError {
  return errorOf(sums, range(sums.count.length));
}

/** Errors of each block, in block order. */
export function blockErrors(sums: BlockSums): QuantError[] {
  return Array.from({ length: sums.count.length }, (_, b) => errorOf(sums, [b]));
}

function* range(n: number): Iterable<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** The error map from its cells' sums of squared error and counts (NaN where a cell is empty). */
export function gridMse(
  grid: { rows: number; cols: number },
  sum: Float64Array,
  count: Float64Array,
): { rows: number; cols: number; mse: Float64Array } {
  return {
    rows: grid.rows,
    cols: grid.cols,
    mse: sum.map((v, c) => (count[c] ? v / count[c]! : NaN)),
  };
}

/** The error map's grid over the [shape[0], rest] view: cell of an element, and where its run ends. */
export function errorGridGeometry(shape: readonly number[], size: { rows: number; cols: number }) {
  const n = shape.reduce((a, b) => a * b, 1);
  const R = shape.length >= 2 ? shape[0]! : 1;
  const C = R > 0 ? n / R : 0;
  const rows = Math.max(1, Math.min(R, size.rows));
  const cols = Math.max(1, Math.min(C, size.cols));
  const cellOf = (p: number) => {
    const r = Math.floor(p / C);
    return Math.floor((r * rows) / R) * cols + Math.floor(((p - r * C) * cols) / C);
  };
  return {
    rows,
    cols,
    cellOf,
    /** The cell of p, and the first index after p that lies in another cell. */
    cellEnd(p: number): { index: number; end: number } {
      const r = Math.floor(p / C);
      const k = Math.floor(((p - r * C) * cols) / C);
      return { index: cellOf(p), end: r * C + Math.min(C, Math.ceil(((k + 1) * C) / cols)) };
    },
  };
}
