// What a compression of a language model is, as one value the UI, the URL, the CLI and the engine
// share: the weights (the tensor panel's quantization, pruning, low rank), the activations at each
// projection's input (W8A8 with calibrated ranges, or LLM.int8()'s outlier decomposition) and the
// key/value cache. Each part is null when it is off; all null is the base model.
import type { CalibrationMethod } from '../core/calib/calibrate.ts';
import type { QuantSpec } from '../core/quant/spec.ts';

export interface LmCompression {
  /** Every matrix (projections, embedding, classifier) through this scheme; norms kept. */
  weights: QuantSpec | null;
  /** Every projection pruned before quantization: by magnitude to `sparsity`, or 2 of each 4. */
  prune: { method: 'magnitude'; sparsity: number } | { method: '2:4' } | null;
  /** Every projection replaced by its best rank-r approximation, r = ⌈fraction · min(out, in)⌉. */
  lowRank: { fraction: number } | null;
  /**
   * The activations entering each projection. `w8a8`: symmetric int8 per tensor, with a range per
   * projection calibrated (by `method`) on the first `calibrationTokens` tokens of the text, and
   * int8 per-channel weights. `llm.int8`: LLM.int8() (Dettmers et al. 2022): input features whose
   * |x| reaches `threshold` in any token stay in float, the rest int8 vector-wise.
   */
  activations:
    | { kind: 'w8a8'; method: CalibrationMethod; calibrationTokens: number }
    | { kind: 'llm.int8'; threshold: number }
    | null;
  /** Keys and values stored quantized, symmetric per token and head. */
  kvCache: 'int8' | 'int4' | null;
}

/** The base model: nothing compressed. */
export const NO_COMPRESSION: LmCompression = {
  weights: null,
  prune: null,
  lowRank: null,
  activations: null,
  kvCache: null,
};

/** Whether anything is compressed. */
export const isCompressed = (c: LmCompression): boolean => Object.values(c).some((v) => v !== null);
