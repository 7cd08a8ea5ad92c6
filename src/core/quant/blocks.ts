// How a tensor is cut into blocks that share a scale (and zero point):
//   tensor           one block
//   channel(axis)    one block per index along `axis`
//   group(size,axis) runs of `size` consecutive indices along `axis`, as ONNX blocked quantization
//                    lays out its scales: block = (o · ⌈dim/size⌉ + ⌊c/size⌋) · inner + i; without an
//                    axis, runs along the rows of the [shape[0], rest] view

const f = Math.fround;

/** One scale per tensor, per channel along an axis, or per group of values. */
export type Granularity =
  | { kind: 'tensor' }
  | { kind: 'channel'; axis: number }
  /** Without `axis`: along the rows of the tensor viewed as [shape[0], rest]. */
  | { kind: 'group'; size: number; axis?: number };

/** The longest run handed to one call: many short calls optimise better than one loop over a tensor. */
export const MAX_RUN = 1 << 14;

export interface BlockLayout {
  outer: number;
  dim: number;
  inner: number;
  /** Blocks along `dim` per outer index (group granularity). */
  perDim: number;
  groupSize: number;
  blocks: number;
  kind: Granularity['kind'];
  n: number;
}

export function blockLayout(shape: readonly number[], g: Granularity): BlockLayout {
  const n = shape.reduce((a, b) => a * b, 1);
  if (g.kind === 'tensor' || shape.length === 0)
    return { outer: 1, dim: n, inner: 1, perDim: 1, groupSize: n, blocks: 1, kind: 'tensor', n };
  if (g.kind === 'group' && g.axis === undefined) {
    // Groups run along the rows of the [shape[0], rest] view (a linear layer's inputs, a conv
    // filter's inputs and taps together), as GPTQ-style group quantization does.
    if (!Number.isInteger(g.size) || g.size < 1)
      throw new RangeError(`group size ${g.size} is not a positive integer`);
    const rows = shape.length >= 2 ? shape[0]! : 1;
    const dim = rows > 0 ? n / rows : 0;
    const perDim = Math.ceil(dim / g.size);
    return {
      outer: rows,
      dim,
      inner: 1,
      perDim,
      groupSize: g.size,
      blocks: rows * perDim,
      kind: 'group',
      n,
    };
  }
  const axis = g.kind === 'group' ? g.axis! : g.axis;
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length)
    throw new RangeError(`axis ${axis} is outside a rank-${shape.length} shape`);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const dim = shape[axis]!;
  if (g.kind === 'channel')
    return { outer, dim, inner, perDim: 1, groupSize: 1, blocks: dim, kind: 'channel', n };
  if (!Number.isInteger(g.size) || g.size < 1)
    throw new RangeError(`group size ${g.size} is not a positive integer`);
  const perDim = Math.ceil(dim / g.size);
  return {
    outer,
    dim,
    inner,
    perDim,
    groupSize: g.size,
    blocks: outer * perDim * inner,
    kind: 'group',
    n,
  };
}

/**
 * Visits every element as (flat index p, block b) in flat order. The body is inlined by hand in the
 * hot loops below; this is the readable version, used where speed does not matter.
 */
export function forEachElement(L: BlockLayout, fn: (p: number, b: number) => void): void {
  for (let o = 0, p = 0; o < L.outer; o++)
    for (let c = 0; c < L.dim; c++) {
      const base = blockBase(L, o, c);
      const k = L.kind === 'group' ? 1 : 0;
      for (let i = 0; i < L.inner; i++, p++) fn(p, base + i * k);
    }
}

function blockBase(L: BlockLayout, o: number, c: number): number {
  if (L.kind === 'tensor') return 0;
  if (L.kind === 'channel') return c;
  return (o * L.perDim + Math.floor(c / L.groupSize)) * L.inner;
}

/** Calls fn(start, end, block) for runs of consecutive elements of one block, in flat order. */
export function forEachRun(L: BlockLayout, fn: (s: number, e: number, b: number) => void): void {
  if (L.n === 0) return;
  if (L.kind === 'tensor') return fn(0, L.n, 0);
  if (L.kind === 'channel') {
    for (let o = 0; o < L.outer; o++)
      for (let c = 0; c < L.dim; c++) {
        const p = (o * L.dim + c) * L.inner;
        if (L.inner) fn(p, p + L.inner, c);
      }
    return;
  }
  if (L.inner === 1) {
    for (let o = 0; o < L.outer; o++)
      for (let k = 0; k < L.perDim; k++) {
        const p = o * L.dim + k * L.groupSize;
        fn(p, o * L.dim + Math.min(L.dim, (k + 1) * L.groupSize), o * L.perDim + k);
      }
    return;
  }
  forEachElement(L, (p, b) => fn(p, p + 1, b));
}

/** float32((q − zero_point) · scale) with one scale (and zero point) per block. */
export function dequantizeBlocks(
  codes: ArrayLike<number>,
  scales: ArrayLike<number>,
  zeroPoints: ArrayLike<number> | null,
  shape: readonly number[],
  g: Granularity,
): Float32Array {
  const L = blockLayout(shape, g);
  const out = new Float32Array(L.n);
  forEachElement(L, (p, b) => {
    out[p] = f((codes[p]! - (zeroPoints ? zeroPoints[b]! : 0)) * scales[b]!);
  });
  return out;
}
