// Whole-model passes and single-array work, as jobs: every weight quantized or pruned (rows as
// updates while they come), the pruning lab and the latency model's work on any model's weights,
// the pruned model written, an activation calibration, and ONNX
// QuantizeLinear / DequantizeLinear written as .npy. The CLI runs them in Node; the tab may too.
import { calibrateActivations, linearQdq, type LinearQdq, type TensorRef } from '../arrays.ts';
import {
  prunedModel,
  pruneWeights,
  type PruneRule,
  type TensorPruneRow,
} from '../prune-weights.ts';
import type { QuantSpec } from '../quantize.ts';
import { studyWeightPruning } from '../labs/prune-weights-study.ts';
import type { LabMethod } from '../labs/prune-masks.ts';
import { matmulWeights } from '../../core/perf/matmul-weights.ts';
import { weightNet } from '../labs/weight-net.ts';
import { weightRanks } from '../labs/weight-lowrank.ts';
import { networkWork, type Deployment } from '../../models/work.ts';
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

  /**
   * The pruning lab on the model's own Linear and convolution weights (any file): masks, storage,
   * relative weight error and the work for the speed verdict; no forward pass.
   */
  pruneWeightStudy: job(async (env, r: { modelId: string; method: LabMethod }, ctx) =>
    studyWeightPruning(env.session, r.modelId, r.method, ctx),
  ),

  /**
   * Low rank on the model's own Linear and convolution weights (any file): each weight's SVD, the
   * rank keeping `energy` of Σσ², its factors' parameters and relative error; no forward pass.
   */
  weightLowRank: job(async (env, r: { modelId: string; energy: number }, ctx) =>
    weightRanks(env.session, r.modelId, r.energy, ctx),
  ),

  /**
   * Per-token work of each Linear and convolution weight of any model under a deployment, from
   * the shapes alone (a convolution at `positions` output positions), for the latency model.
   */
  weightWork: job(
    async (env, r: { modelId: string; deployment: Deployment; positions: number }) => {
      const { weights } = matmulWeights(env.session.weights(r.modelId));
      if (!weights.length)
        throw new Error('this model has no Linear (2-D) or convolution (4-D) float weights');
      return networkWork(weightNet(weights, r.positions), r.deployment);
    },
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
