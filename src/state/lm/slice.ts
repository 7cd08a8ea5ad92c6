// The language-model panel: the text it scores, what an evaluation measured (its numbers, and each
// token's text, loss and KL as shown), the texts a generation wrote (base and compressed), the
// tensors ranked by the KL each one causes alone, the planner's KL candidates and a plan measured
// whole, and the tokenizer chosen.
import type {
  LmCompression,
  LmEvaluation,
  LmGeneration,
  LmPlanCheck,
  LmPlanOptions,
  LmSensitivityRow,
  QuantSpec,
} from '../../engine/types.ts';

/** An evaluation as the panel shows it: the job's numbers and each token's text (not its ids). */
export type LmScores = Omit<LmEvaluation, 'ids'> & {
  modelId: string;
  /** What the compared model was compressed with; null when only the base was measured. */
  compression: LmCompression | null;
};

/** One prompt written on by the base model and, when something is compressed, the compressed one. */
export interface LmGenerations {
  modelId: string;
  tokens: number;
  temperature: number;
  seed: number;
  compression: LmCompression | null;
  base: LmGeneration;
  compressed: LmGeneration | null;
}

/** Each weight quantized alone with `spec`, ranked by the KL it causes on the text. */
export interface LmRanking {
  modelId: string;
  spec: QuantSpec;
  ctx: number;
  /** The text measured on (compared, to say when the ranking is stale). */
  text: string;
  rows: LmSensitivityRow[];
  /** Tokens of the text scored (the study reads the first ones only). */
  scored: number;
}

/**
 * The planner's KL candidates of a language model (the options themselves are the planner's
 * `planOptions`), and a chosen plan measured whole: its real KL beside the sum of its parts.
 */
export interface LmPlan {
  modelId: string;
  candidates: LmPlanOptions['candidates'];
  /** The text and context the costs were measured on (a check measures on the same). */
  text: string;
  ctx: number;
  /** Tokens scored for the options' costs: their sum ÷ this is the predicted KL mean. */
  scored: number;
  /** The plan measured (an option index per tensor) and what it measured. */
  check: { choice: number[]; result: LmPlanCheck } | null;
}

export interface LmSlice {
  /** The text to evaluate: the default (fetched once) until the person edits it; null before. */
  lmText: string | null;
  lmScores: LmScores | null;
  lmGeneration: LmGenerations | null;
  lmSensitivity: LmRanking | null;
  lmPlan: LmPlan | null;
  /** The tokenizer file chosen for a model without one of its own (the file stays in actions). */
  lmTokenizer: { modelId: string; name: string } | null;
}

export const lmSlice = (): LmSlice => ({
  lmText: null,
  lmScores: null,
  lmGeneration: null,
  lmSensitivity: null,
  lmPlan: null,
  lmTokenizer: null,
});
