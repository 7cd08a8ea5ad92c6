// Whole-model quantization of the weights (the float tensors of rank ≥ 2), one tensor at a time
// through the session's read buffer: each weight's error and size, and the bytes the safetensors
// export stores for it. Memory stays near the largest tensor.
import { quantErrorWhy } from '../core/quant/quant-error.ts';
import { quantize } from '../core/quant/quant.ts';
import { codeBits, type QuantSpec } from '../core/quant/spec.ts';
import { storedBytes } from '../formats/model.ts';
import type { AnalysisBackend } from './backend.ts';
import type { JobContext } from './jobs/context.ts';
import { fitSpec } from './quantize.ts';
import { GPU_MIN_PARAMS, type Session } from './session.ts';

export { validateSpec } from '../core/quant/spec.ts';
// The words for undefined statistics, for the CLI (which reaches the core through the engine).
export { noFiniteWhy, statWhy, type MomentStat } from '../core/stats/stats.ts';
export { quantErrorWhy } from '../core/quant/quant-error.ts';

/** One weight's quantization, as `slimlab quantize --json` prints it (non-finite values as null). */
export interface TensorQuantRow {
  name: string;
  shape: number[];
  /** null for an exact quantization (∞ dB) and where `why.sqnr_db` says why there is none. */
  sqnr_db: number | null;
  mse: number | null;
  clip_mse: number | null;
  round_mse: number | null;
  max_abs_err: number;
  cosine: number | null;
  clipped: number;
  bits_per_weight: number;
  bytes_before: number;
  /** At bits_per_weight, codes packed. */
  bytes_after: number;
  /** In the layout the export writes (codes of 2–8 bits take a byte, 4-bit ones half; I32 zero points). */
  bytes_stored: number;
  /** Why a measure above is null or needs a word (all-zero tensor, every value quantized to 0…). */
  why: { sqnr_db?: string; mse?: string; cosine?: string };
}

const num = (v: number) => (Number.isFinite(v) ? v : null);

function whyOf(e: Parameters<typeof quantErrorWhy>[0]): TensorQuantRow['why'] {
  const why: TensorQuantRow['why'] = {};
  const put = (k: keyof TensorQuantRow['why'], w: string | null) => {
    if (w !== null) why[k] = w;
  };
  put('mse', quantErrorWhy(e, 'mse'));
  put('sqnr_db', quantErrorWhy(e, 'sqnrDb'));
  put('cosine', quantErrorWhy(e, 'cosine'));
  return why;
}

/** Bytes a tensor takes in the safetensors layout the export writes. */
export function layoutBytes(spec: QuantSpec, params: number, blocks: number): number {
  if (spec.format === 'fp16' || spec.format === 'bf16') return params * 2;
  if (spec.format !== 'int') return Math.ceil((params * codeBits(spec)) / 8);
  const codes = spec.bits === 4 ? Math.ceil(params / 2) : params * (spec.bits > 8 ? 2 : 1);
  return codes + blocks * (spec.scaleBits / 8) + (spec.symmetric ? 0 : blocks * 4);
}

/**
 * Every weight (or those whose name contains `filter`) through `spec`, in file order; each row goes
 * to `ctx.update` as soon as it is known. Small tensors stay on the CPU (see GPU_MIN_PARAMS).
 */
export async function quantizeWeights(
  session: Session,
  modelId: string,
  spec: QuantSpec,
  filter: string,
  backend: AnalysisBackend,
  ctx: Pick<JobContext<TensorQuantRow>, 'signal' | 'update' | 'tick'>,
): Promise<TensorQuantRow[]> {
  const weights = session.weights(modelId).filter((t) => !filter || t.name.includes(filter));
  const rows: TensorQuantRow[] = [];
  for (const [i, t] of weights.entries()) {
    // Lets a cancel in between tensors.
    await ctx.tick(i / weights.length);
    const fit = fitSpec(spec, t.shape).spec;
    const on = t.params >= GPU_MIN_PARAMS ? backend : null;
    const q = await session.withTensor(modelId, t.name, async (x) => {
      const opts = { dequantized: false, signal: ctx.signal };
      return on
        ? (await on.quantize(x, t.shape, fit, opts)).outcome
        : quantize(x, t.shape, fit, opts);
    });
    const e = q.error;
    const row: TensorQuantRow = {
      name: t.name,
      shape: t.shape,
      sqnr_db: e.sqnrDb === Infinity ? null : num(e.sqnrDb),
      mse: num(e.mse),
      clip_mse: num(e.clippingMse),
      round_mse: num(e.roundingMse),
      max_abs_err: e.maxAbsError,
      cosine: num(e.cosine),
      clipped: e.clipped,
      bits_per_weight: q.bitsPerWeight,
      bytes_before: storedBytes(t),
      bytes_after: Math.ceil((t.params * q.bitsPerWeight) / 8),
      bytes_stored: layoutBytes(q.spec, t.params, q.layout.blocks),
      why: whyOf(e),
    };
    rows.push(row);
    ctx.update(row);
  }
  await ctx.tick(1);
  return rows;
}
