// Jobs on a language model: its perplexity on a text and, with a compression, how far the compressed
// model's next-token distributions move from the base model's (llama.cpp's measures); and text
// generated from a prompt. The tokenizer travels with the request (a dropped file, or a file in Node).
import type { ByteSource } from '../../formats/source.ts';
import { sourceOf } from '../blob-source.ts';
import { evaluateLm, generateLm, openLanguageModel, openTokenizer } from '../lm.ts';
import type { QuantSpec } from '../quantize.ts';
import { job } from './context.ts';
import type { NamedBlob } from './tensor-jobs.ts';

export const lmJobs = {
  /** Perplexity over windows of `ctx` tokens; with a spec, KL, same top token and Δp to the base. */
  lmEval: job(
    async (
      env,
      r: {
        modelId: string;
        tokenizer: NamedBlob | ByteSource;
        text: string;
        ctx: number;
        spec: QuantSpec | null;
      },
      ctx,
    ) => {
      const lm = await openLanguageModel(env.session, r.modelId);
      const tok = await openTokenizer(sourceOf(r.tokenizer), lm.cfg);
      const e = await evaluateLm(lm, tok, r.text, r.ctx, r.spec, ctx);
      ctx.transfer([e.tokenLoss.buffer as ArrayBuffer, e.ids.buffer as ArrayBuffer]);
      return e;
    },
  ),

  /** Text generated from a prompt, greedy or sampled with a seed. */
  lmGenerate: job(
    async (
      env,
      r: {
        modelId: string;
        tokenizer: NamedBlob | ByteSource;
        prompt: string;
        tokens: number;
        temperature: number;
        seed: number;
      },
      ctx,
    ) => {
      const lm = await openLanguageModel(env.session, r.modelId);
      const tok = await openTokenizer(sourceOf(r.tokenizer), lm.cfg);
      return generateLm(lm, tok, r.prompt, {
        count: r.tokens,
        temperature: r.temperature,
        seed: r.seed,
        signal: ctx.signal,
      });
    },
  ),
};
