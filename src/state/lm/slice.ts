// The language-model panel: the text it scores, what an evaluation measured (its numbers, and each
// token's text, loss and KL as shown), the text a generation wrote, and the tokenizer chosen.
import type { LmEvaluation, LmGeneration, QuantSpec } from '../../engine/types.ts';

/** An evaluation as the panel shows it: the job's numbers and each token's text (not its ids). */
export type LmScores = Omit<LmEvaluation, 'ids'> & {
  modelId: string;
  /** The scheme the compared model was quantized with; null when only the base was measured. */
  spec: QuantSpec | null;
};

export interface LmSlice {
  /** The text to evaluate: the default (fetched once) until the person edits it; null before. */
  lmText: string | null;
  lmScores: LmScores | null;
  lmGeneration: (LmGeneration & { modelId: string }) | null;
  /** The tokenizer file chosen for a model without one of its own (the file stays in actions). */
  lmTokenizer: { modelId: string; name: string } | null;
}

export const lmSlice = (): LmSlice => ({
  lmText: null,
  lmScores: null,
  lmGeneration: null,
  lmTokenizer: null,
});
