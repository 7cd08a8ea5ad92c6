// The open demo model's accuracy: as it is and quantized, PTQ against QAT, factorized by SVD, and
// the table of every variant evaluated in this session.
import type {
  LayerWork,
  LowRankResult,
  QatComparison,
  QuantSpec,
  VariantResult,
} from '../../engine/types.ts';

/** One compressed variant of a demo model, in the comparison table that gathers them all. */
export interface VariantRow {
  /** model id and label: a new result with the same key replaces the old row. */
  key: string;
  modelId: string;
  model: string;
  technique: string;
  label: string;
  bytes: number;
  /** Per-digit work of each layer, for the latency model. */
  work: LayerWork[];
  accuracy: number;
  /** How many test digits the accuracy was measured on (fewer than 2,000: a quick run). */
  testDigits: number;
  agreement: number | null;
  kl: number | null;
}

export interface AccuracySlice {
  /** The open demo model on the test digits, as it is and quantized. */
  evaluation: { modelId: string; spec: QuantSpec; results: VariantResult[] } | null;
  /** PTQ against QAT at 8, 4 and 2 bits for the open demo model. */
  qat: { modelId: string; result: QatComparison } | null;
  /** The open demo model factorized by SVD. */
  lowRank: { modelId: string; result: LowRankResult } | null;
  /** Every variant evaluated in this session, for the comparison table. */
  variants: VariantRow[];
}

export const accuracySlice = (): AccuracySlice => ({
  evaluation: null,
  qat: null,
  lowRank: null,
  variants: [],
});
