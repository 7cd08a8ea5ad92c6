// Jobs on a language model: its perplexity on a text and, with a compression, how far the compressed
// model's next-token distributions move from the base model's (llama.cpp's measures); and text
// generated from a prompt. A tokenizer file may travel with the request (a file the person chose, or
// one in Node); without one the model's own is used (a Hugging Face folder's tokenizer.json, a GGUF's
// metadata), and a model without one is refused saying which file to choose.
import type { ByteSource } from '../../formats/source.ts';
import type { LmCompression } from '../lm-compression.ts';
import { evaluateLm, generateLmPair } from '../lm.ts';
import { job } from './context.ts';
import { opened } from './lm-study-jobs.ts';
import type { NamedBlob } from './tensor-jobs.ts';

export const lmJobs = {
  /**
   * Perplexity over windows of `ctx` tokens; with a compression (weights, activations, key/value
   * cache), KL, same top token and Δp of the compressed model against the base.
   */
  lmEval: job(
    async (
      env,
      r: {
        modelId: string;
        tokenizer?: NamedBlob | ByteSource | null | undefined;
        text: string;
        ctx: number;
        compression: LmCompression | null;
      },
      ctx,
    ) => {
      const { lm, tok } = await opened(env, r);
      const device = env.backend().lm ?? null;
      const e = await evaluateLm(lm, tok, r.text, r.ctx, r.compression, { ...ctx, device });
      ctx.transfer([
        e.tokenLoss.buffer as ArrayBuffer,
        e.ids.buffer as ArrayBuffer,
        ...(e.compressed ? [e.compressed.tokenKl.buffer as ArrayBuffer] : []),
      ]);
      return e;
    },
  ),

  /**
   * Text generated from a prompt, greedy or sampled with a seed, by the base model and (with a
   * compression) by the compressed one from the same prompt, seed and temperature.
   */
  lmGenerate: job(
    async (
      env,
      r: {
        modelId: string;
        tokenizer?: NamedBlob | ByteSource | null | undefined;
        prompt: string;
        tokens: number;
        temperature: number;
        seed: number;
        compression: LmCompression | null;
      },
      ctx,
    ) => {
      const { lm, tok } = await opened(env, r);
      return generateLmPair(lm, tok, r.prompt, r.compression, {
        count: r.tokens,
        temperature: r.temperature,
        seed: r.seed,
        signal: ctx.signal,
      });
    },
  ),
};
