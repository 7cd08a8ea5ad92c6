// Whole-model pruning of the weights (the float tensors of rank ≥ 2) by one rule, with
// torch.nn.utils.prune semantics (N:M along the last axis of the [dim0, rest] view): each weight's
// sparsity and error, and the pruned model as safetensors. Tensors are read one at a time; the global
// threshold comes from a first pass that bins |w| by its float32 bits (65,536 bins, monotone for
// non-negative floats) and a second that ranks only the values in the threshold's bin, so memory
// stays near the largest tensor plus that bin.
import { channelL1Keep, magnitudeMask, nmMask, pruneCount, rowMask } from '../core/prune/prune.ts';
import type { TensorInfo } from '../formats/model.ts';
import type { OutFile } from '../formats/write/types.ts';
import type { JobContext } from './jobs/context.ts';
import type { Session } from './session.ts';

export type PruneRule = (
  | { kind: 'magnitude'; sparsity: number }
  | { kind: 'global-magnitude'; sparsity: number }
  /**
   * N of every M consecutive values along `axis` kept; without it, along the rows of the
   * [dim0, rest] view (for an [out, in] Linear weight, the input axis 2:4 hardware groups).
   */
  | { kind: 'nm'; n: number; m: number; axis?: number }
  | { kind: 'channel-l1'; sparsity: number }
) & {
  /** Only the weights whose name contains this text (the others are left as they are). */
  filter?: string;
};

/** The weights a rule prunes: every float weight of rank ≥ 2, or those its filter names. */
export function weightsOf(session: Session, modelId: string, rule: PruneRule): TensorInfo[] {
  const f = rule.filter;
  return session.weights(modelId).filter((t) => !f || t.name.includes(f));
}

/** The N:M mask with its groups along `axis` of `shape`: each line along the axis as a row. */
function nmMaskAlong(
  x: Float32Array,
  shape: readonly number[],
  n: number,
  m: number,
  axis: number,
): Uint8Array {
  if (!(Number.isInteger(axis) && axis >= 0 && axis < shape.length))
    throw new RangeError(
      `N:M axis ${axis} is outside the rank-${shape.length} shape [${shape.join(', ')}]`,
    );
  const len = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  if (inner === 1) return nmMask(x, len, n, m);
  const outer = x.length / (len * inner);
  const lines = new Float32Array(x.length);
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < len; k++)
      for (let i = 0; i < inner; i++)
        lines[(o * inner + i) * len + k] = x[(o * len + k) * inner + i]!;
  const lineMask = nmMask(lines, len, n, m);
  const mask = new Uint8Array(x.length);
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < len; k++)
      for (let i = 0; i < inner; i++)
        mask[(o * len + k) * inner + i] = lineMask[(o * inner + i) * len + k]!;
  return mask;
}

export interface TensorPruneRow {
  name: string;
  shape: number[];
  params: number;
  zeros: number;
  sparsity: number;
  /** ‖W − W_pruned‖ / ‖W‖ (0 for an all-zero tensor). */
  relative_error: number;
}

/** The global magnitude threshold: |w| below it goes; at it, the first `atThreshold` in order go. */
export interface GlobalCut {
  threshold: number;
  atThreshold: number;
}

type Ctx = Pick<JobContext, 'signal' | 'tick'>;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const binOf = (a: number) => {
  f32[0] = a;
  return u32[0]! >>> 16;
};

export async function globalCut(
  session: Session,
  modelId: string,
  weights: TensorInfo[],
  sparsity: number,
  ctx: Ctx,
): Promise<GlobalCut> {
  const total = weights.reduce((a, t) => a + t.params, 0);
  const k = pruneCount(sparsity, total);
  if (k === 0) return { threshold: -1, atThreshold: 0 };
  const bins = new Float64Array(65536);
  for (const t of weights) {
    await ctx.tick(0);
    await session.withTensor(modelId, t.name, async (x) => {
      for (let i = 0; i < x.length; i++) bins[binOf(Math.abs(x[i]!))]!++;
    });
  }
  let below = 0;
  let b = 0;
  while (below + bins[b]! < k) below += bins[b++]!;
  // The values in bin b, in model order; the (k − below)-th smallest (ties in order) is the cut.
  const inBin: number[] = [];
  for (const t of weights) {
    await ctx.tick(0);
    await session.withTensor(modelId, t.name, async (x) => {
      for (let i = 0; i < x.length; i++) {
        const a = Math.abs(x[i]!);
        if (binOf(a) === b) inBin.push(a);
      }
    });
  }
  const sorted = Float64Array.from(inBin).sort();
  const threshold = sorted[k - below - 1]!;
  let less = 0;
  for (const v of sorted) if (v < threshold) less++;
  return { threshold, atThreshold: k - below - less };
}

/** The mask (1 keeps) of one weight. `ties` counts down the global cut's ties across tensors. */
export function pruneMask(
  x: Float32Array,
  shape: readonly number[],
  rule: PruneRule,
  cut?: GlobalCut & { ties: number },
): Uint8Array {
  const rows = shape[0]!;
  const cols = x.length / rows;
  let mask: Uint8Array;
  if (rule.kind === 'magnitude') mask = magnitudeMask(x, rule.sparsity);
  else if (rule.kind === 'nm')
    mask =
      rule.axis === undefined
        ? nmMask(x, cols, rule.n, rule.m)
        : nmMaskAlong(x, shape, rule.n, rule.m, rule.axis);
  else if (rule.kind === 'channel-l1') mask = rowMask(channelL1Keep(x, rows, rule.sparsity), cols);
  else {
    mask = new Uint8Array(x.length).fill(1);
    for (let i = 0; i < x.length; i++) {
      const a = Math.abs(x[i]!);
      if (a < cut!.threshold) mask[i] = 0;
      else if (a === cut!.threshold && cut!.ties > 0) {
        mask[i] = 0;
        cut!.ties--;
      }
    }
  }
  return mask;
}

/** The pruned copy of one weight. `ties` counts down the global cut's ties across tensors. */
export function pruneTensor(
  x: Float32Array,
  shape: readonly number[],
  rule: PruneRule,
  cut?: GlobalCut & { ties: number },
): Float32Array {
  const mask = pruneMask(x, shape, rule, cut);
  return x.map((v, i) => (mask[i] ? v : 0));
}

/** The global rule's cut with its ties to count down, or nothing for the per-tensor rules. */
export async function cutFor(session: Session, modelId: string, rule: PruneRule, ctx: Ctx) {
  if (rule.kind !== 'global-magnitude') return undefined;
  const cut = await globalCut(
    session,
    modelId,
    weightsOf(session, modelId, rule),
    rule.sparsity,
    ctx,
  );
  return { ...cut, ties: cut.atThreshold };
}

/** Each weight pruned, in file order; each row goes to `ctx.update` as soon as it is known. */
export async function pruneWeights(
  session: Session,
  modelId: string,
  rule: PruneRule,
  ctx: Ctx & Pick<JobContext<TensorPruneRow>, 'update'>,
): Promise<TensorPruneRow[]> {
  const weights = weightsOf(session, modelId, rule);
  const cut = await cutFor(session, modelId, rule, ctx);
  const rows: TensorPruneRow[] = [];
  for (const [i, t] of weights.entries()) {
    await ctx.tick(i / weights.length);
    const row = await session.withTensor(modelId, t.name, async (x) => {
      const p = pruneTensor(x, t.shape, rule, cut);
      let zeros = 0;
      let err = 0;
      let norm = 0;
      for (let j = 0; j < x.length; j++) {
        if (p[j] === 0) zeros++;
        err += (x[j]! - p[j]!) ** 2;
        norm += x[j]! ** 2;
      }
      return {
        name: t.name,
        shape: t.shape,
        params: t.params,
        zeros,
        sparsity: zeros / t.params,
        relative_error: norm ? Math.sqrt(err / norm) : 0,
      };
    });
    rows.push(row);
    ctx.update(row);
  }
  await ctx.tick(1);
  return rows;
}

/** The pruned model as safetensors (pruned weights as F32, everything else as it is). */
export async function prunedModel(
  session: Session,
  modelId: string,
  rule: PruneRule,
  ctx: Ctx,
): Promise<OutFile> {
  const cut = await cutFor(session, modelId, rule, ctx);
  return session.export(modelId, {
    format: 'safetensors',
    transform: async (t, x) => {
      await ctx.tick(0);
      if (rule.filter && !t.name.includes(rule.filter)) return x;
      return pruneTensor(x, t.shape, rule, cut);
    },
  });
}
