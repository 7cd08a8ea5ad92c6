// What a quantization spec does to one tensor, summarised for display: the error with its clipping /
// rounding split, the levels of one block for the histogram, an error map, the size it takes.
import { llmInt8InSteps, type Int8Decomposition } from '../core/quant/llm-int8.ts';
import { blockLevels, quantize, type QuantOutcome } from '../core/quant/quant.ts';
import { errorOf } from '../core/quant/block-error.ts';
import type { Granularity } from '../core/quant/blocks.ts';
import type { QuantSpec } from '../core/quant/spec.ts';
import type { QuantError } from '../core/quant/quant-error.ts';
import type { AnalysisBackend, RunOptions } from './backend.ts';

export type { QuantSpec, Granularity };

export interface QuantReport {
  spec: QuantSpec;
  /** The granularity actually used (a channel axis past the tensor's rank falls back to per tensor). */
  granularity: Granularity;
  note: string | null;
  error: QuantError;
  blocks: number;
  bitsPerWeight: number;
  params: number;
  /** Bytes of the quantized tensor at bitsPerWeight. */
  bytesAfter: number;
  clipAt: number | null;
  /**
   * The block whose levels are drawn (see shownBlockOf), why that one, its levels, and the bounds
   * beyond which its values are clipped.
   */
  shownBlock: number;
  shownWhy: string;
  levels: number[] | null;
  range: [number, number];
  /** The blocks with the most error, worst first (at most MAX_BLOCK_ROWS). */
  blockMse: Array<{ block: number; mse: number; sqnrDb: number; clipped: number }>;
  /** Mean squared error over a rows × cols grid of the [shape[0], rest] view. */
  errorMap: { rows: number; cols: number; mse: number[] } | null;
  backend: 'cpu' | 'webgpu';
  /**
   * Set on a quick first answer for a large tensor: computed on evenly spaced rows (`values` of
   * `of`), shown while the whole tensor is quantized.
   */
  preview?: { values: number; of: number };
}

export const MAX_BLOCK_ROWS = 256;
export const ERROR_MAP = { rows: 48, cols: 64 };

/** The spec fitted to a tensor's rank. */
export function fitSpec(
  spec: QuantSpec,
  shape: readonly number[],
): { spec: QuantSpec; note: string | null } {
  const g = spec.granularity;
  if (g.kind === 'channel' && shape.length < 2)
    return {
      spec: { ...spec, granularity: { kind: 'tensor' } },
      note: 'a vector would get one scale per element: quantized per tensor',
    };
  if (g.kind === 'channel' && g.axis >= shape.length)
    return {
      spec: { ...spec, granularity: { kind: 'tensor' } },
      note: `a rank-${shape.length} tensor has no axis ${g.axis}: quantized per tensor`,
    };
  if (g.kind === 'group' && g.axis !== undefined && g.axis >= shape.length)
    return {
      spec: { ...spec, granularity: { kind: 'group', size: g.size } },
      note: `a rank-${shape.length} tensor has no axis ${g.axis}: groups along its last axis`,
    };
  return { spec, note: null };
}

/**
 * The block worth drawing: the one with the largest mean squared error among blocks that hold a
 * non-zero value (where the scheme hurts most); with no error anywhere, the one with the largest
 * values. Not the widest representable range: an all-zero block gets a placeholder scale of 1, so
 * its range is the widest of all while its values sit on one level.
 */
export function shownBlockOf(q: QuantOutcome): { block: number; why: string } {
  const { count, sse, signal } = q.sums;
  let worst = -1;
  let worstMse = -1;
  let largest = -1;
  let largestMs = 0;
  for (let b = 0; b < count.length; b++) {
    const n = count[b]!;
    const sig = signal[b]!;
    if (!n || !(sig > 0) || !Number.isFinite(sig)) continue;
    const mse = sse[b]! / n;
    if (Number.isFinite(mse) && mse > worstMse) [worst, worstMse] = [b, mse];
    if (sig / n > largestMs) [largest, largestMs] = [b, sig / n];
  }
  if (worst >= 0 && worstMse > 0) return { block: worst, why: 'the block with the largest error' };
  if (largest >= 0)
    return { block: largest, why: 'no block has any error: the block with the largest values' };
  return { block: 0, why: 'no block holds a non-zero value' };
}

export function summarizeOutcome(
  q: QuantOutcome,
  note: string | null,
  original: QuantSpec,
  backend: 'cpu' | 'webgpu' = 'cpu',
): QuantReport {
  const B = q.layout.blocks;
  const shown = shownBlockOf(q);
  const blockMse = worstBlocks(q, MAX_BLOCK_ROWS);
  return {
    spec: original,
    granularity: q.spec.granularity,
    note,
    error: q.error,
    blocks: B,
    bitsPerWeight: q.bitsPerWeight,
    params: q.layout.n,
    bytesAfter: Math.ceil((q.layout.n * q.bitsPerWeight) / 8),
    clipAt: q.clipAt,
    shownBlock: shown.block,
    shownWhy: shown.why,
    levels: B ? blockLevels(q, shown.block) : null,
    range: B ? [q.clipLo[shown.block]!, q.clipHi[shown.block]!] : [0, 0],
    blockMse,
    errorMap: q.errorMap ? { ...q.errorMap, mse: Array.from(q.errorMap.mse) } : null,
    backend,
  };
}

/** The `k` blocks with the largest mean squared error, worst first: one pass with a min-heap. */
export function worstBlocks(q: QuantOutcome, k: number): QuantReport['blockMse'] {
  const { count, sse } = q.sums;
  const ids = new Int32Array(k);
  const keys = new Float64Array(k);
  let size = 0;
  const swap = (i: number, j: number) => {
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && keys[l]! < keys[m]!) m = l;
      if (r < size && keys[r]! < keys[m]!) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let b = 0; b < count.length; b++) {
    if (!count[b] || k === 0) continue;
    const mse = sse[b]! / count[b]!;
    if (size < k) {
      ids[size] = b;
      keys[size] = mse;
      for (let i = size++; i > 0;) {
        const parent = (i - 1) >> 1;
        if (keys[parent]! <= keys[i]!) break;
        swap(i, parent);
        i = parent;
      }
    } else if (mse > keys[0]!) {
      ids[0] = b;
      keys[0] = mse;
      down(0);
    }
  }
  return Array.from(ids.subarray(0, size))
    .sort((x, y) => sse[y]! / count[y]! - sse[x]! / count[x]! || x - y)
    .map((block) => {
      const e = errorOf(q.sums, [block]);
      return { block, mse: e.mse, sqnrDb: e.sqnrDb, clipped: e.clipped };
    });
}

/** The same report, computed by a backend (the GPU for integer formats where it has one). */
export async function quantizeOn(
  backend: AnalysisBackend,
  x: Float32Array,
  shape: number[],
  spec: QuantSpec,
  opts: RunOptions = {},
): Promise<QuantReport> {
  const fit = fitSpec(spec, shape);
  const r = await backend.quantize(x, shape, fit.spec, {
    ...opts,
    dequantized: false,
    errorMap: ERROR_MAP,
  });
  return summarizeOutcome(r.outcome, fit.note, spec, r.on);
}

/** quantizeOn on the CPU path, for callers without a backend (the CLI): the same report. */
export function quantizeCpu(x: Float32Array, shape: number[], spec: QuantSpec): QuantReport {
  const fit = fitSpec(spec, shape);
  const outcome = quantize(x, shape, fit.spec, { dequantized: false, errorMap: ERROR_MAP });
  return summarizeOutcome(outcome, fit.note, spec, 'cpu');
}

export interface CompareRow {
  label: string;
  spec: QuantSpec;
  error: QuantError;
  bitsPerWeight: number;
}

/** Lets a cancel message in (a macrotask), then honours it: the check between two units of work. */
export async function checkpoint(signal?: AbortSignal): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  signal?.throwIfAborted();
}

/** Several specs on the same tensor (the side-by-side table and the error-vs-bits curve). */
async function compareSpecs(
  x: Float32Array,
  shape: number[],
  specs: Array<{ label: string; spec: QuantSpec }>,
  signal?: AbortSignal,
): Promise<CompareRow[]> {
  const rows: CompareRow[] = [];
  for (const { label, spec } of specs) {
    await checkpoint(signal);
    const fit = fitSpec(spec, shape);
    const q = quantize(x, shape, fit.spec, { dequantized: false });
    rows.push({ label, spec, error: q.error, bitsPerWeight: q.bitsPerWeight });
  }
  return rows;
}

export type Int8Report = Omit<Int8Decomposition, 'columnAbsMax'> & {
  /** Largest |x| per column, at most 512 of them (the largest of each run when there are more). */
  columnAbsMax: number[];
  /** How many columns each entry of columnAbsMax covers (the last may cover fewer). */
  columnStep: number;
};

export async function llmInt8Report(
  x: Float32Array,
  shape: number[],
  threshold: number,
  signal?: AbortSignal,
): Promise<Int8Report> {
  const d = await llmInt8InSteps(x, shape, threshold, () => checkpoint(signal));
  const cols = d.columnAbsMax.length;
  const step = Math.max(1, Math.ceil(cols / 512));
  const colMax: number[] = [];
  for (let c = 0; c < cols; c += step) {
    let m = 0;
    for (let k = c; k < Math.min(cols, c + step); k++) m = Math.max(m, d.columnAbsMax[k]!);
    colMax.push(m);
  }
  return {
    ...d,
    outlierColumns: d.outlierColumns.slice(0, 1000),
    columnAbsMax: colMax,
    columnStep: step,
  };
}

type Labeled = Array<{ label: string; spec: QuantSpec }>;

/** The formats compared side by side, each at the spec's granularity, clipping and rounding. */
export function formatLineup(spec: QuantSpec): Labeled {
  const at = (label: string, change: Partial<QuantSpec>) => ({
    label,
    spec: { ...spec, ...change },
  });
  const int = (bits: number, symmetric: boolean) =>
    at(`int${bits} ${symmetric ? 'sym' : 'asym'}`, {
      format: 'int',
      bits,
      symmetric,
      restricted: true,
    });
  return [
    at('fp16', { format: 'fp16' }),
    at('bf16', { format: 'bf16' }),
    at('fp8 e4m3fn', { format: 'fp8e4m3fn' }),
    at('fp8 e5m2', { format: 'fp8e5m2' }),
    int(8, true),
    int(8, false),
    at('fp4 e2m1', { format: 'fp4e2m1' }),
    at('nf4', { format: 'nf4' }),
    at('quantile 4-bit', { format: 'quantile', bits: 4 }),
    at('log2 4-bit', { format: 'log2', bits: 4 }),
    int(4, true),
    int(4, false),
    at('ternary', { format: 'ternary' }),
    at('binary', { format: 'binary' }),
  ];
}

/** The spec at 2 to 8 bits (its own format where it has a bit width, int otherwise). */
export function bitsLineup(spec: QuantSpec): Labeled {
  const format = spec.format === 'log2' || spec.format === 'quantile' ? spec.format : 'int';
  return [2, 3, 4, 5, 6, 7, 8].map((bits) => ({
    label: `${format}${bits}`,
    spec: { ...spec, format, bits },
  }));
}

export const CLIP_LINEUP = [1, 0.99999, 0.9999, 0.999, 0.995, 0.99, 0.98, 0.95, 0.9];

/** The spec with its range clipped at a sweep of quantiles of |x|. */
export function clipLineup(spec: QuantSpec): Labeled {
  return CLIP_LINEUP.map((q) => ({
    label: q === 1 ? 'none' : `${+(q * 100).toFixed(3)}%`,
    spec: { ...spec, clipQuantile: q },
  }));
}

/** Candidates the planner chooses between, per tensor: int 2–8 at the spec's scheme, and fp16. */
export function planLineup(spec: QuantSpec): Labeled {
  const base: QuantSpec = { ...spec, format: 'int', rounding: 'nearest' };
  return [
    ...[2, 3, 4, 5, 6, 8].map((bits) => ({ label: `int${bits}`, spec: { ...base, bits } })),
    { label: 'fp16', spec: { ...spec, format: 'fp16' as const } },
  ];
}

export interface Comparison {
  formats: CompareRow[];
  bits: CompareRow[];
  clips: CompareRow[];
  /** Set when the comparison ran on a sample of the tensor. */
  sampled: { values: number; of: number } | null;
}

/** Past this many values the comparison runs on evenly spaced rows (or a leading slice). */
export const COMPARE_SAMPLE = 1 << 20;

/** Whole rows of the [shape[0], rest] view, evenly spaced, at most `cap` values; or a leading slice. */
export function sampleRows(
  x: Float32Array,
  shape: number[],
  cap: number,
): { x: Float32Array; shape: number[] } {
  if (x.length <= cap) return { x, shape };
  const rows = shape.length >= 2 ? shape[0]! : 1;
  const cols = x.length / rows;
  const keep = Math.floor(cap / cols);
  if (keep < 1) return { x: x.slice(0, cap), shape: [cap] };
  const out = new Float32Array(keep * cols);
  for (let k = 0; k < keep; k++) {
    const r = Math.floor((k * rows) / keep);
    out.set(x.subarray(r * cols, (r + 1) * cols), k * cols);
  }
  return { x: out, shape: [keep, ...shape.slice(1)] };
}

export async function compareAll(
  x: Float32Array,
  shape: number[],
  spec: QuantSpec,
  signal?: AbortSignal,
): Promise<Comparison> {
  const s = sampleRows(x, shape, COMPARE_SAMPLE);
  return {
    formats: await compareSpecs(s.x, s.shape, formatLineup(spec), signal),
    bits: await compareSpecs(s.x, s.shape, bitsLineup(spec), signal),
    clips: isClippable(spec) ? await compareSpecs(s.x, s.shape, clipLineup(spec), signal) : [],
    sampled: s.x.length < x.length ? { values: s.x.length, of: x.length } : null,
  };
}

function isClippable(spec: QuantSpec): boolean {
  return !['fp32', 'tf32', 'fp16', 'bf16', 'binary', 'ternary'].includes(spec.format);
}
