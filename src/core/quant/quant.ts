// Every quantization format of the lab applied to one tensor: the dequantized values, the codes
// (integer formats and codebooks), and the error with its clipping / rounding split per block.
// The formats and their rules: spec.ts; the blocks: blocks.ts; pass 1 (scales): plan.ts;
// pass 2 (codes and error): runs.ts.
import {
  errorGridGeometry,
  gridMse,
  newBlockSums,
  totalError,
  type BlockSums,
} from './block-error.ts';
import { forEachRun, MAX_RUN } from './blocks.ts';
import { minifloatGrid } from './codebooks.ts';
import { planQuant, type QuantPlan } from './plan.ts';
import type { QuantError } from './quant-error.ts';
import { pcgHash } from './rounding.ts';
import { elementRule, runBlock, runIntNearest, type RunContext } from './runs.ts';
import { allowsStochastic, bitsPerWeight, isMinifloat, type QuantSpec } from './spec.ts';
import type { FloatCodeType } from './quantize-linear.ts';

const f = Math.fround;

export interface QuantOptions {
  /** Keep the dequantized values (default true). */
  dequantized?: boolean;
  /** Keep integer codes / codebook indices (default false). */
  codes?: boolean;
  /** Mean squared error on a grid of at most rows × cols cells over the [shape[0], rest] view. */
  errorMap?: { rows: number; cols: number };
}

/** The plan's blocks, scales and ranges, with what pass 2 made of them. */
export interface QuantOutcome extends Omit<QuantPlan, 'thresholds'> {
  error: QuantError;
  sums: BlockSums;
  codes: Int32Array | null;
  xq: Float32Array | null;
  bitsPerWeight: number;
  errorMap: { rows: number; cols: number; mse: Float64Array } | null;
}

export function quantize(
  x: Float32Array,
  shape: readonly number[],
  spec: QuantSpec,
  opts: QuantOptions = {},
): QuantOutcome {
  const plan = planQuant(x, shape, spec);
  const { layout: L, scales, zeroPoints, levels, qmin, qmax } = plan;
  const fmt = spec.format;
  const B = L.blocks;
  // Pass 2: quantize, dequantize, accumulate the error: run by run (consecutive elements of one
  // block and one error-map cell), with the sums in locals, added to the block's at the end of a run.
  const keepX = opts.dequantized !== false;
  const xq = keepX ? new Float32Array(L.n) : null;
  const codes = opts.codes && (fmt === 'int' || levels) ? new Int32Array(L.n) : null;
  const sums = newBlockSums(B);
  const stochastic = spec.rounding === 'stochastic' && allowsStochastic(fmt);
  const seedHash = pcgHash(spec.seed >>> 0);
  const grid = opts.errorMap ? errorGridGeometry(shape, opts.errorMap) : null;
  const mapSum = grid ? new Float64Array(grid.rows * grid.cols) : null;
  const mapCnt = grid ? new Float64Array(grid.rows * grid.cols) : null;
  const isInt = fmt === 'int';
  const k: RunContext = {
    x,
    xq,
    codes,
    scales,
    zeroPoints,
    clipLo: plan.clipLo,
    clipHi: plan.clipHi,
    qmin,
    qmax,
    isInt,
    stochastic,
    seedHash,
    elem: isInt ? null : elementRule(plan, stochastic, seedHash, codes),
    sums,
    mapSum,
    mapCnt,
  };
  const run =
    isInt && !stochastic && !xq
      ? (s: number, e: number, b: number, cell: number) => runIntNearest(k, s, e, b, cell)
      : (s: number, e: number, b: number, cell: number) => runBlock(k, s, e, b, cell);
  // Long runs are cut too: many short calls of `run` optimise better than one loop over a tensor.
  forEachRun(
    L,
    grid
      ? (s, e, b) => {
          for (let p = s; p < e;) {
            const c = grid.cellEnd(p);
            const end = Math.min(e, c.end, p + MAX_RUN);
            run(p, end, b, c.index);
            p = end;
          }
        }
      : (s, e, b) => {
          for (let p = s; p < e; p += MAX_RUN) run(p, Math.min(e, p + MAX_RUN), b, -1);
        },
  );

  const { thresholds: _thresholds, ...planned } = plan;
  return {
    ...planned,
    error: totalError(sums),
    sums,
    codes,
    xq,
    bitsPerWeight: bitsPerWeight(spec, L),
    errorMap: grid ? gridMse(grid, mapSum!, mapCnt!) : null,
  };
}

/** The dequantized levels of one block (at most `cap` of them; null when there are more). */
export function blockLevels(q: QuantOutcome, b: number, cap = 256): number[] | null {
  const sc = q.scales[b]!;
  if (q.levels) return Array.from(q.levels, (l) => f(l * sc));
  if (q.spec.format === 'ternary') return [-sc, 0, sc];
  if (q.spec.format === 'int') {
    if (q.qmax - q.qmin + 1 > cap) return null;
    const zp = q.zeroPoints ? q.zeroPoints[b]! : 0;
    return Array.from({ length: q.qmax - q.qmin + 1 }, (_, k) => f((q.qmin + k - zp) * sc));
  }
  if (isMinifloat(q.spec.format)) {
    const grid = minifloatGrid(q.spec.format as FloatCodeType);
    if (grid.length * 2 - 1 > cap) return null;
    return [
      ...grid
        .slice(1)
        .map((g) => -g * sc)
        .reverse(),
      ...grid.map((g) => g * sc),
    ];
  }
  return null;
}
