// Quantization of the tensor shown (its report, other formats compared, LLM.int8()) and of every
// weight of the model (the sensitivity ranking, the planner's candidates).
import type {
  Comparison,
  Int8Report,
  PlanTensor,
  QuantReport,
  QuantSpec,
  SensitivityRow,
} from '../../engine/types.ts';

export interface QuantSlice {
  /** What the settings' quantization spec does to the selected tensor. */
  quant: (QuantReport & { tensor: string }) | null;
  /** Other formats, bit widths and clipping thresholds on the selected tensor. */
  comparison: (Comparison & { tensor: string; spec: QuantSpec }) | null;
  int8: (Int8Report & { tensor: string }) | null;
  /** Every weight under the spec, for the model shown; null until asked for. */
  sensitivity: { modelId: string; spec: QuantSpec; filter: string; rows: SensitivityRow[] } | null;
  /**
   * Each weight's size and cost under the planner's candidates: its squared error ('mse'), or for
   * a language model the KL its quantization causes on the text ('kl').
   */
  planOptions: {
    modelId: string;
    spec: QuantSpec;
    tensors: PlanTensor[];
    measure: 'mse' | 'kl';
  } | null;
}

export const quantSlice = (): QuantSlice => ({
  quant: null,
  comparison: null,
  int8: null,
  sensitivity: null,
  planOptions: null,
});
