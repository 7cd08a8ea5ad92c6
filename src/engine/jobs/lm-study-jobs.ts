// Jobs that study a language model's weights by its outputs: each matrix quantized alone and ranked
// by the KL divergence it causes, the mixed-precision planner's options costed the same way, and a
// chosen plan measured whole. The tokenizer is found as for lmEval: a file sent with the request,
// else the model's own.
import type { ByteSource } from '../../formats/source.ts';
import { sourceOf } from '../blob-source.ts';
import { openLanguageModel, openTokenizer } from '../lm.ts';
import { checkLmPlan, lmPlanOptions, lmSensitivity } from '../lm-sensitivity.ts';
import type { QuantSpec } from '../quantize.ts';
import { job, type EngineEnv } from './context.ts';
import type { NamedBlob } from './tensor-jobs.ts';

/** The model and the text it is scored on (the first `maxTokens` tokens, 512 by default). */
interface LmStudyRequest {
  modelId: string;
  tokenizer?: NamedBlob | ByteSource | null | undefined;
  text: string;
  ctx: number;
  maxTokens?: number | undefined;
}

/**
 * The open language model and its tokenizer: the file sent with the request, else the model's own.
 * Every language-model job starts here.
 */
export async function opened(
  env: EngineEnv,
  r: { modelId: string; tokenizer?: NamedBlob | ByteSource | null | undefined },
) {
  const lm = await openLanguageModel(env.session, r.modelId);
  const tok = await openTokenizer(
    env.session,
    r.modelId,
    lm.cfg,
    r.tokenizer ? sourceOf(r.tokenizer) : undefined,
  );
  return { lm, tok };
}

export const lmStudyJobs = {
  /** Each matrix quantized alone by `spec`: rows by KL to the base model, most harmful first. */
  lmSensitivity: job(async (env, r: LmStudyRequest & { spec: QuantSpec }, ctx) => {
    const { lm, tok } = await opened(env, r);
    return lmSensitivity(lm, tok, r, ctx);
  }),

  /** The planner's options with each cost a measured KL (`measure: 'kl'`), for `planMixed`. */
  lmPlanOptions: job(async (env, r: LmStudyRequest & { spec: QuantSpec }, ctx) => {
    const { lm, tok } = await opened(env, r);
    return lmPlanOptions(lm, tok, r, ctx);
  }),

  /** A plan (a scheme per matrix; the rest in float) applied whole: its real KL to the base. */
  lmPlanCheck: job(
    async (env, r: LmStudyRequest & { plan: Array<{ name: string; spec: QuantSpec }> }, ctx) => {
      const { lm, tok } = await opened(env, r);
      return checkLmPlan(lm, tok, r, ctx);
    },
  ),
};
