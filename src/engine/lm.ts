// A language model of the Llama family opened in the session: its configuration (from the
// checkpoint's own header or config), its weights as float32, its tokenizer, and the measurements
// the llama.cpp way (perplexity over windows; KL divergence, same top token and Δp against the base
// model on the same tokens) for a compressed copy of its weights.
import { checkLlamaConfig, llamaTensors, type LlamaConfig } from '../core/lm/config.ts';
import { createLlamaState, llamaLogitsInSteps, llamaStep } from '../core/lm/llama.ts';
import { mulberry32 } from '../core/base/rng.ts';
import {
  compareLogits,
  nextTokenNll,
  summarize,
  windows,
  type Summary,
} from '../core/lm/metrics.ts';
import type { QuantSpec } from '../core/quant/spec.ts';
import { lmConfigOf } from '../formats/hf-config.ts';
import {
  BOS,
  decode,
  decodePiece,
  encode,
  EOS,
  openLlama2cTokenizer,
  type Llama2cTokenizer,
} from '../formats/llama2c-tokenizer.ts';
import type { ByteSource } from '../formats/source.ts';
import { checkpoint } from './quantize.ts';
import { compressedWeights } from './lm-weights.ts';
import type { Session } from './session.ts';

export interface LanguageModel {
  cfg: LlamaConfig;
  weights: Map<string, Float32Array>;
}

/** The configuration of an open model, or a message saying why it is not a language model we run. */
export function lmConfig(session: Session, modelId: string): LlamaConfig {
  const m = session.summary(modelId);
  const cfg = lmConfigOf(m.metadata);
  if (!cfg)
    throw new Error(
      `${m.file}: not a language model Slimlab can run (a ${m.format} file without a Llama configuration); the weight labs still work on it`,
    );
  const bad = checkLlamaConfig(cfg);
  if (bad) throw new Error(`${m.file}: ${bad}`);
  const have = new Map(m.tensors.map((t) => [t.name, t.shape]));
  for (const t of llamaTensors(cfg)) {
    const shape = have.get(t.name);
    if (!shape)
      throw new Error(`${m.file}: the configuration needs a tensor '${t.name}', which is missing`);
    if (shape.join(',') !== t.shape.join(','))
      throw new Error(
        `${m.file}: '${t.name}' is [${shape.join(', ')}], the configuration says [${t.shape.join(', ')}]`,
      );
  }
  return cfg;
}

/**
 * Every weight of the model read as float32 (a small model: all of it in memory), once while the
 * model is open: evaluations and generations after the first reuse them.
 */
export function openLanguageModel(session: Session, modelId: string): Promise<LanguageModel> {
  const load = async (): Promise<LanguageModel> => {
    const cfg = lmConfig(session, modelId);
    const weights = new Map<string, Float32Array>();
    for (const t of llamaTensors(cfg))
      weights.set(t.name, await session.readTensor(modelId, t.name));
    return { cfg, weights };
  };
  return session.memo(modelId, 'lm', load);
}

/** The tokenizer, checked against the model's vocabulary. */
export function openTokenizer(source: ByteSource, cfg: LlamaConfig): Promise<Llama2cTokenizer> {
  return openLlama2cTokenizer(source, cfg.vocab);
}

export interface LmEvaluation {
  /** Tokens of the text (BOS included), tokens scored, the context of each window. */
  tokens: number;
  scored: number;
  ctx: number;
  nllMean: number;
  ppl: number;
  /** Each token's loss (nats) under the base model, in text order; the first of each window NaN. */
  tokenLoss: Float32Array;
  /** The token ids, and each one's text (a byte token that is part of a character shows as �). */
  ids: Int32Array;
  pieces: string[];
  /** Against the base model, when a compression was asked for. */
  compressed: {
    ppl: number;
    lnPplRatio: number;
    kl: Summary;
    sameTopPct: number;
    dpRmsPct: number;
    /** Each token's KL (nats), in text order; the first of each window NaN. */
    tokenKl: Float32Array;
  } | null;
}

/**
 * Perplexity of the text under the model (tokenized once with BOS, cut into windows of `ctx`
 * tokens, each run from an empty cache; every token but the first of a window scored) and, with a
 * spec, the compressed model against the base on the same tokens.
 */
export async function evaluateLm(
  lm: LanguageModel,
  tok: Llama2cTokenizer,
  text: string,
  ctx: number,
  spec: QuantSpec | null,
  run: { signal?: AbortSignal; onProgress?: (f: number) => void } = {},
): Promise<LmEvaluation> {
  const { cfg } = lm;
  if (!text.trim()) throw new Error('the text is empty: there is nothing to score');
  if (!(Number.isInteger(ctx) && ctx >= 2))
    throw new Error(`the context must be at least 2 tokens, not ${ctx}`);
  if (ctx > cfg.seqLen)
    throw new Error(`a context of ${ctx} tokens is longer than the model's ${cfg.seqLen}`);
  const ids = Int32Array.from(encode(tok, text, { bos: true }));
  const base = (n: string) => lm.weights.get(n)!;
  const qw = spec ? await compressedWeights(lm, spec, run.signal) : null;
  const q = qw ? (n: string) => qw.get(n)! : null;
  const tokenLoss = new Float32Array(ids.length).fill(NaN);
  const tokenKl = new Float32Array(ids.length).fill(NaN);
  const kls: number[] = [];
  let nll = 0;
  let nllQ = 0;
  let same = 0;
  let dp2 = 0;
  let scored = 0;
  let at = 0;
  const cut = windows(ids, ctx);
  for (const [i, w] of cut.entries()) {
    await checkpoint(run.signal);
    const between = () => checkpoint(run.signal);
    const logits = await llamaLogitsInSteps(cfg, base, w, between);
    const l = nextTokenNll(logits, cfg.vocab, w);
    l.forEach((v, t) => {
      tokenLoss[at + t + 1] = v;
      nll += v;
    });
    if (q) {
      await checkpoint(run.signal);
      const c = compareLogits(logits, await llamaLogitsInSteps(cfg, q, w, between), cfg.vocab, w);
      c.kl.forEach((v, t) => {
        tokenKl[at + t + 1] = v;
        kls.push(v);
      });
      same += c.sameTop * c.count;
      dp2 += c.dpRms ** 2 * c.count;
      nllQ += Math.log(c.ppl) * c.count;
    }
    scored += l.length;
    at += w.length;
    run.onProgress?.((i + 1) / cut.length);
  }
  return {
    tokens: ids.length,
    scored,
    ctx,
    nllMean: nll / scored,
    ppl: Math.exp(nll / scored),
    tokenLoss,
    ids,
    pieces: piecesOf(tok, ids),
    compressed: q
      ? {
          ppl: Math.exp(nllQ / scored),
          lnPplRatio: (nllQ - nll) / scored,
          kl: summarize(kls),
          sameTopPct: (100 * same) / scored,
          dpRmsPct: 100 * Math.sqrt(dp2 / scored),
          tokenKl,
        }
      : null,
  };
}

/** The text of each token as the tokenizer decodes it after the token before (BOS, EOS: empty). */
export function piecesOf(tok: Llama2cTokenizer, ids: ArrayLike<number>): string[] {
  const utf8 = new TextDecoder();
  // The start and end of text are markers, not text.
  return Array.from(ids, (id, i) =>
    id === BOS || id === EOS ? '' : utf8.decode(decodePiece(tok, i ? ids[i - 1]! : BOS, id)),
  );
}

export interface LmGeneration {
  prompt: string;
  /** The text generated after the prompt, and its token ids. */
  text: string;
  ids: number[];
}

/**
 * Text from a prompt: the prompt's tokens fed through the key/value cache, then `count` tokens, the
 * most likely one each time (temperature 0) or drawn from softmax(logits / temperature) with a
 * seeded generator; stops early at the end-of-text token or the model's context.
 */
export async function generateLm(
  lm: LanguageModel,
  tok: Llama2cTokenizer,
  prompt: string,
  o: { count: number; temperature: number; seed: number; signal?: AbortSignal },
): Promise<LmGeneration> {
  const { cfg } = lm;
  const w = (n: string) => lm.weights.get(n)!;
  const state = createLlamaState(cfg);
  const feed = encode(tok, prompt, { bos: true });
  if (feed.length >= cfg.seqLen)
    throw new Error(`the prompt has ${feed.length} tokens; the model's context is ${cfg.seqLen}`);
  const rand = mulberry32(o.seed);
  let logits: Float32Array = new Float32Array(0);
  for (const t of feed) logits = llamaStep(cfg, w, state, t);
  const ids: number[] = [];
  while (ids.length < o.count && state.pos < cfg.seqLen) {
    if (ids.length % 8 === 0) await checkpoint(o.signal);
    const next = pick(logits, o.temperature, rand);
    if (next === EOS) break;
    ids.push(next);
    logits = llamaStep(cfg, w, state, next);
  }
  const all = decode(tok, [...feed, ...ids]);
  const head = decode(tok, feed);
  return { prompt, text: all.startsWith(head) ? all.slice(head.length) : decode(tok, ids), ids };
}

function pick(logits: Float32Array, temperature: number, rand: () => number): number {
  let top = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[top]!) top = i;
  if (!(temperature > 0)) return top;
  let sum = 0;
  const p = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++)
    sum += p[i] = Math.exp((logits[i]! - logits[top]!) / temperature);
  let r = rand() * sum;
  for (let i = 0; i < p.length; i++) if ((r -= p[i]!) <= 0) return i;
  return top;
}
