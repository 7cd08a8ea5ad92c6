// `slimlab prune FILE... --method M --sparsity S`: every float weight of rank ≥ 2 pruned by one
// method (torch.nn.utils.prune semantics; N:M along the last axis of the [dim0, rest] view), its
// sparsity and error; `--out` writes the pruned model. Tensors are read one at a time; the global
// threshold comes from a first pass that bins |w| by its float32 bits (65,536 bins, monotone for
// non-negative floats) and a second that ranks only the values in the threshold's bin, so memory
// stays near the largest tensor plus that bin.
import { channelL1Keep, magnitudeMask, nmMask, pruneCount, rowMask } from '../core/prune/prune.ts';
import type { OpenedModel } from '../formats/group.ts';
import { isFloatTensor } from '../formats/model.ts';
import type { TensorInfo } from '../formats/model.ts';
import { readTensorF32, type Scratch } from '../formats/tensor-data.ts';

export type CliPruneMethod =
  | { kind: 'magnitude'; sparsity: number }
  | { kind: 'global-magnitude'; sparsity: number }
  | { kind: 'nm'; n: number; m: number }
  | { kind: 'channel-l1'; sparsity: number };

export function pruneMethodFromFlags(flags: Map<string, string>): CliPruneMethod {
  const m = flags.get('method');
  if (!m) throw new Error('--method is required');
  const nm = /^nm:(\d{1,3}):(\d{1,3})$/.exec(m);
  if (nm) {
    const [n, mm] = [Number(nm[1]), Number(nm[2])];
    if (!(n >= 1 && n < mm)) throw new Error(`--method nm:N:M needs 1 ≤ N < M, not ${m}`);
    if (flags.has('sparsity')) throw new Error(`--method ${m} fixes the sparsity at ${1 - n / mm}`);
    return { kind: 'nm', n, m: mm };
  }
  if (!['magnitude', 'global-magnitude', 'channel-l1'].includes(m))
    throw new Error(
      `--method must be magnitude, global-magnitude, nm:N:M or channel-l1, not '${m}'`,
    );
  const text = flags.get('sparsity');
  const s = Number(text);
  if (text === undefined || !(s >= 0 && s <= 1))
    throw new Error(`--sparsity must be a fraction in [0, 1], not '${text ?? ''}'`);
  return { kind: m as 'magnitude' | 'global-magnitude' | 'channel-l1', sparsity: s };
}

export interface TensorPruneJson {
  name: string;
  shape: number[];
  params: number;
  zeros: number;
  sparsity: number;
  /** ‖W − W_pruned‖ / ‖W‖ (0 for an all-zero tensor). */
  relative_error: number;
}

export function prunable(t: TensorInfo): boolean {
  return t.shape.length >= 2 && t.params > 0 && isFloatTensor(t);
}

/** The global magnitude threshold: |w| below it goes; at it, the first `atThreshold` in order go. */
export interface GlobalCut {
  threshold: number;
  atThreshold: number;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const binOf = (a: number) => {
  f32[0] = a;
  return u32[0]! >>> 16;
};

export async function globalCut(
  m: OpenedModel,
  weights: TensorInfo[],
  sparsity: number,
  scratch: Scratch,
): Promise<GlobalCut> {
  const total = weights.reduce((a, t) => a + t.params, 0);
  const k = pruneCount(sparsity, total);
  if (k === 0) return { threshold: -1, atThreshold: 0 };
  const bins = new Float64Array(65536);
  for (const t of weights) {
    const x = await readTensorF32(m.sources.get(t.dataFile ?? m.info.file)!, t, scratch);
    for (let i = 0; i < x.length; i++) bins[binOf(Math.abs(x[i]!))]!++;
  }
  let below = 0;
  let b = 0;
  while (below + bins[b]! < k) below += bins[b++]!;
  // The values in bin b, in model order; the (k − below)-th smallest (ties in order) is the cut.
  const inBin: number[] = [];
  for (const t of weights) {
    const x = await readTensorF32(m.sources.get(t.dataFile ?? m.info.file)!, t, scratch);
    for (let i = 0; i < x.length; i++) {
      const a = Math.abs(x[i]!);
      if (binOf(a) === b) inBin.push(a);
    }
  }
  const sorted = Float64Array.from(inBin).sort();
  const threshold = sorted[k - below - 1]!;
  let less = 0;
  for (const v of sorted) if (v < threshold) less++;
  return { threshold, atThreshold: k - below - less };
}

/** The pruned copy of one weight. `ties` counts down the global cut's ties across tensors. */
export function pruneTensor(
  x: Float32Array,
  shape: readonly number[],
  method: CliPruneMethod,
  cut?: GlobalCut & { ties: number },
): Float32Array {
  const rows = shape[0]!;
  const cols = x.length / rows;
  let mask: Uint8Array;
  if (method.kind === 'magnitude') mask = magnitudeMask(x, method.sparsity);
  else if (method.kind === 'nm') mask = nmMask(x, cols, method.n, method.m);
  else if (method.kind === 'channel-l1')
    mask = rowMask(channelL1Keep(x, rows, method.sparsity), cols);
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
  return x.map((v, i) => (mask[i] ? v : 0));
}

export async function* pruneAll(
  m: OpenedModel,
  method: CliPruneMethod,
): AsyncGenerator<TensorPruneJson> {
  const weights = m.info.tensors.filter(prunable);
  const scratch: Scratch = {
    buffer: new ArrayBuffer(weights.reduce((a, t) => Math.max(a, t.bytes), 0)),
  };
  const cut =
    method.kind === 'global-magnitude'
      ? { ...(await globalCut(m, weights, method.sparsity, scratch)), ties: 0 }
      : undefined;
  if (cut) cut.ties = cut.atThreshold;
  for (const t of weights) {
    const x = await readTensorF32(m.sources.get(t.dataFile ?? m.info.file)!, t, scratch);
    const p = pruneTensor(x, t.shape, method, cut);
    let zeros = 0;
    let err = 0;
    let norm = 0;
    for (let i = 0; i < x.length; i++) {
      if (p[i] === 0) zeros++;
      err += (x[i]! - p[i]!) ** 2;
      norm += x[i]! ** 2;
    }
    yield {
      name: t.name,
      shape: t.shape,
      params: t.params,
      zeros,
      sparsity: zeros / t.params,
      relative_error: norm ? Math.sqrt(err / norm) : 0,
    };
  }
}
