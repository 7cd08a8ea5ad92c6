// Whole-model passes and single-array work, as jobs: every weight quantized or pruned (rows as
// updates while they come), the pruned model written, an activation calibration, and ONNX
// QuantizeLinear / DequantizeLinear written as .npy. The CLI runs them in Node; the tab may too.
import { calibrateActivations, linearQdq, type LinearQdq, type TensorRef } from '../arrays.ts';
import {
  prunedModel,
  pruneWeights,
  type PruneRule,
  type TensorPruneRow,
} from '../prune-weights.ts';
import type { QuantSpec } from '../quantize.ts';
import { quantizeWeights, type TensorQuantRow } from '../weights.ts';
import { writeOut } from '../write-out.ts';
import { job } from './context.ts';
import type { ExportResult, ExportTarget } from '../write-out.ts';

export const modelJobs = {
  /** Every weight (or those whose name contains `filter`) through one spec: error and size. */
  quantizeWeights: job<
    { modelId: string; spec: QuantSpec; filter: string },
    TensorQuantRow[],
    TensorQuantRow
  >(async (env, r, ctx) =>
    quantizeWeights(env.session, r.modelId, r.spec, r.filter, env.backend(), ctx),
  ),

  /** Every weight pruned by one rule: its sparsity and relative error. */
  pruneWeights: job<{ modelId: string; rule: PruneRule }, TensorPruneRow[], TensorPruneRow>(
    async (env, r, ctx) => pruneWeights(env.session, r.modelId, r.rule, ctx),
  ),

  /** The pruned model as safetensors, streamed to the target (or gathered in a Blob). */
  exportPruned: job(
    async (
      env,
      r: { modelId: string; rule: PruneRule; target: ExportTarget | null },
      ctx,
    ): Promise<ExportResult> =>
      writeOut(await prunedModel(env.session, r.modelId, r.rule, ctx), r.target, ctx),
  ),

  /** The threshold, scale and error a calibration method gives a set of activations. */
  calibrateActivations: job(
    async (env, r: { input: TensorRef; method: string; bits: number; batch: number }, ctx) =>
      calibrateActivations(env.session, r.input, r.method, r.bits, r.batch, ctx.tick),
  ),

  /** ONNX QuantizeLinear / DequantizeLinear on open arrays, written as .npy. */
  linearQdq: job(
    async (env, r: LinearQdq & { target: ExportTarget | null }, ctx): Promise<ExportResult> => {
      return writeOut(await linearQdq(env.session, r, ctx.tick), r.target, ctx);
    },
  ),
};
